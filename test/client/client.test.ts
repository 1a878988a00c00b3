import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import {
  type AcknowledgmentStatus,
  PolicyApiError,
  PolicyClient,
  PolicyNetworkError,
  type Success,
} from '../../client';
import { nodeFetch } from '../../client/node-fetch';
import { fixtureVi } from '../support/fixtures';
import { checkAgainstDocument } from '../support/openapi';
import { call, startTestService, TOKENS } from '../support/service';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fake server: answers from a script, records what was sent. */
function scripted(...answers: (Response | Error)[]) {
  const sent: Sent[] = [];
  const delays: number[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    sent.push({
      url,
      method: String(init.method),
      headers: init.headers as Record<string, string>,
      body: init.body as string | undefined,
    });
    const next = answers.shift();
    if (!next) throw new Error('the script ran out of answers');
    if (next instanceof Error) throw next;
    return next;
  };
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return {
    sent,
    delays,
    client: new PolicyClient({ baseUrl: 'https://api.test/', token: 't0k', fetch, sleep }),
  };
}

const jsonAnswer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
const errorAnswer = (status: number, code: string, message: string, requestId = 'req-1') =>
  jsonAnswer(status, { error: { code, message, details: [] } }, { 'x-request-id': requestId });
const statusBody: AcknowledgmentStatus = {
  userId: 'user-42',
  policyId: 'privacy',
  mustAcknowledge: true,
  reason: 'NEVER_ACKNOWLEDGED',
  currentVersion: 1,
  requiredVersion: 1,
  acknowledgedVersion: null,
  acknowledgedAt: null,
  upcoming: null,
};
const connectionRefused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const connectionReset = () =>
  Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
  });

describe('PolicyClient requests', () => {
  it('builds the path from the route table, encodes parameters and sends the token', async () => {
    const { sent, client } = scripted(jsonAnswer(200, statusBody));
    const status = await client.mustAcknowledge('user 42/x', 'privacy');
    expect(status.mustAcknowledge).toBe(true);
    expect(sent[0]).toMatchObject({
      url: 'https://api.test/users/user%2042%2Fx/policies/privacy/status',
      method: 'GET',
      headers: { authorization: 'Bearer t0k' },
    });
  });

  it('sends JSON bodies and query parameters, and reports created or not', async () => {
    const ack = { userId: 'user-42', policyId: 'privacy', version: 1 };
    const { sent, client } = scripted(
      jsonAnswer(201, ack),
      jsonAnswer(200, ack),
      jsonAnswer(200, { revisions: [] }),
    );
    expect((await client.acknowledge('user-42', { policyId: 'privacy', version: 1 })).created).toBe(true);
    expect((await client.acknowledge('user-42', { policyId: 'privacy', version: 1 })).created).toBe(false);
    await client.call('listRevisions', {
      params: { policyId: 'privacy' },
      query: { limit: 5, cursor: undefined },
    });
    expect(sent[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent[0]!.body!)).toEqual({ policyId: 'privacy', version: 1 });
    expect(sent[2]!.url).toBe('https://api.test/policies/privacy/revisions?limit=5');
  });

  it('types requests and answers from the contract', () => {
    expectTypeOf<Success<'status'>['data']>().toEqualTypeOf<AcknowledgmentStatus>();
    expectTypeOf<Success<'putCustomer'>['status']>().toEqualTypeOf<200 | 201>();
    expectTypeOf<Success<'diff'>['data']>().toExtend<string | { sections: unknown[] }>();
    expectTypeOf<PolicyClient['registerCustomer']>().parameter(1).toExtend<{ email: string }>();
  });
});

describe('PolicyClient retries', () => {
  it('retries 429 with exponential backoff, honouring Retry-After', async () => {
    const { delays, client } = scripted(
      errorAnswer(429, 'THROTTLED', 'slow down'),
      jsonAnswer(429, {}, { 'retry-after': '2' }),
      jsonAnswer(200, statusBody),
    );
    await client.mustAcknowledge('user-42', 'privacy');
    expect(delays).toEqual([200, 2000]);
  });

  it('retries 5xx and dropped connections of requests that are safe to repeat', async () => {
    const { sent, delays, client } = scripted(
      errorAnswer(503, 'INTERNAL_ERROR', 'unavailable'),
      connectionReset(),
      jsonAnswer(201, { userId: 'user-42' }),
    );
    // POST /users/{userId}/acknowledgments: idempotent in the route table.
    await client.acknowledge('user-42', { policyId: 'privacy', version: 1 });
    expect(sent).toHaveLength(3);
    expect(delays).toEqual([200, 400]);
  });

  it('does not repeat a publish after a 5xx (it may have been stored), but does after a 429', async () => {
    const body = { texts: { vi: 'x' }, change: 'minor' as const };
    const failing = scripted(errorAnswer(500, 'INTERNAL_ERROR', 'internal error (request req-9)', 'req-9'));
    const error = await failing.client
      .call('publishRevision', { params: { policyId: 'privacy' }, body })
      .catch((e) => e);
    expect(failing.sent).toHaveLength(1);
    expect(error).toBeInstanceOf(PolicyApiError);
    expect(error).toMatchObject({
      status: 500,
      code: 'INTERNAL_ERROR',
      requestId: 'req-9',
      operation: 'publishRevision',
    });
    const throttled = scripted(jsonAnswer(429, {}), jsonAnswer(201, { version: 2 }));
    await throttled.client.call('publishRevision', { params: { policyId: 'privacy' }, body });
    expect(throttled.sent).toHaveLength(2);
  });

  it('gives up after its retries with the last answer, request id included', async () => {
    const { sent, delays, client } = scripted(
      errorAnswer(503, 'INTERNAL_ERROR', 'a', 'r1'),
      errorAnswer(503, 'INTERNAL_ERROR', 'b', 'r2'),
      errorAnswer(503, 'INTERNAL_ERROR', 'c', 'r3'),
      errorAnswer(503, 'INTERNAL_ERROR', 'd', 'r4'),
    );
    const error = await client.mustAcknowledge('u', 'privacy').catch((e) => e);
    expect(sent).toHaveLength(4);
    expect(delays).toEqual([200, 400, 800]);
    expect(error.message).toBe('503 INTERNAL_ERROR — d (request r4)');
    expect(error.requestId).toBe('r4');
  });

  it('fails at once when nothing listens (retrying only delays the answer)', async () => {
    const { sent, client } = scripted(connectionRefused());
    const error = await client.mustAcknowledge('u', 'privacy').catch((e) => e);
    expect(error).toBeInstanceOf(PolicyNetworkError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', baseUrl: 'https://api.test' });
    expect(sent).toHaveLength(1);
  });

  it('does not retry 4xx answers, and turns them into errors with the API code and details', async () => {
    const { sent, client } = scripted(
      jsonAnswer(
        400,
        {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'the request body is not valid',
            details: [{ path: 'email', message: 'not a valid email address' }],
          },
        },
        { 'x-request-id': 'req-7' },
      ),
    );
    const error = await client.registerCustomer('u', { email: 'nope' }).catch((e) => e);
    expect(sent).toHaveLength(1);
    expect(error.message).toBe(
      '400 VALIDATION_FAILED — the request body is not valid (email: not a valid email address) (request req-7)',
    );
  });
});

describe('PolicyClient against the local service', () => {
  let service: LocalService;
  let app: PolicyClient;
  beforeAll(async () => {
    service = await startTestService();
    // Every answer the client gets is held to the OpenAPI document too.
    const fetch = async (url: string, init: RequestInit) => {
      const res = await nodeFetch(url, init);
      const text = await res.clone().text();
      checkAgainstDocument({
        method: String(init.method),
        path: url.slice(service.url.length),
        status: res.status,
        contentType: res.headers.get('content-type'),
        text,
      });
      return res;
    };
    app = new PolicyClient({ baseUrl: service.url, token: TOKENS.app, fetch });
    const published = await call(service, 'POST', '/policies/privacy/revisions', {
      token: TOKENS.publisher,
      body: { texts: { vi: fixtureVi }, change: 'material' },
    });
    expect(published.status).toBe(201);
  });
  afterAll(async () => service?.stop());

  it('registers a customer, answers mustAcknowledge before and after an acknowledgment', async () => {
    const registered = await app.registerCustomer('user-42', { email: 'an@example.vn', locale: 'vi' });
    expect(registered).toMatchObject({ created: true, customer: { userId: 'user-42', status: 'active' } });
    expect(await app.mustAcknowledge('user-42', 'privacy')).toMatchObject({
      mustAcknowledge: true,
      reason: 'NEVER_ACKNOWLEDGED',
    });
    const first = await app.acknowledge('user-42', {
      policyId: 'privacy',
      version: 1,
      evidence: { ip: '203.0.113.7' },
    });
    expect(first.created).toBe(true);
    expect((await app.acknowledge('user-42', { policyId: 'privacy', version: 1 })).acknowledgment).toEqual(
      first.acknowledgment,
    );
    expect(await app.mustAcknowledge('user-42', 'privacy')).toMatchObject({
      mustAcknowledge: false,
      reason: 'UP_TO_DATE',
    });
  });

  it("carries the service's request id into its errors", async () => {
    const error = await app.acknowledge('user-42', { policyId: 'privacy', version: 9 }).catch((e) => e);
    expect(error).toBeInstanceOf(PolicyApiError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const wrongRole = new PolicyClient({ baseUrl: service.url, token: TOKENS.publisher });
    await expect(wrongRole.mustAcknowledge('user-42', 'privacy')).rejects.toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
  });
});
