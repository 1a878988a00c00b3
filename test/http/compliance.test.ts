import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { fixtureVi, fixtureViRevised } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

let service: LocalService;
const pub = TOKENS.publisher;
const app = TOKENS.app;
let v1: { contentHashes: Record<string, string>; hash: string };

beforeAll(async () => {
  service = await startTestService();
  for (const id of ['dpo-1', 'dpo-2', 'dpo-3']) {
    expect(
      (
        await call(service, 'PUT', `/customers/${id}`, {
          token: app,
          body: { email: `${id}@example.vn`, locale: 'vi' },
        })
      ).status,
    ).toBe(201);
  }
  const published = await call(service, 'POST', '/policies/privacy/revisions', {
    token: pub,
    body: { texts: { vi: fixtureVi, en: 'Policy\n' }, change: 'material' },
  });
  expect(published.status).toBe(201);
  v1 = published.json;
  await service.notifications.drain();
  const ack = (userId: string, version: number, evidence: Record<string, string>) =>
    call(service, 'POST', `/users/${userId}/acknowledgments`, {
      token: app,
      body: { policyId: 'privacy', version, channel: 'web', evidence },
    });
  expect((await ack('dpo-1', 1, { ip: '203.0.113.1', userAgent: 'Firefox <script>' })).status).toBe(201);
  expect((await ack('dpo-2', 1, { ip: '203.0.113.2' })).status).toBe(201);
});
afterAll(async () => service?.stop());

describe('GET /policies/{policyId}/acknowledgments (export)', () => {
  it('pages every acknowledgment with its evidence, for publishers only', async () => {
    const first = await call(service, 'GET', '/policies/privacy/acknowledgments?limit=1', { token: pub });
    expect(first.status).toBe(200);
    expect(first.json.acknowledgments).toHaveLength(1);
    const second = await call(
      service,
      'GET',
      `/policies/privacy/acknowledgments?limit=1&cursor=${first.json.nextCursor}`,
      { token: pub },
    );
    const all = [...first.json.acknowledgments, ...second.json.acknowledgments];
    expect(all.map((a: { userId: string }) => a.userId).sort()).toEqual(['dpo-1', 'dpo-2']);
    expect(all.find((a: { userId: string }) => a.userId === 'dpo-1').evidence).toEqual({
      ip: '203.0.113.1',
      userAgent: 'Firefox <script>',
    });
    expect((await call(service, 'GET', '/policies/privacy/acknowledgments', { token: app })).status).toBe(
      403,
    );
    expect((await call(service, 'GET', '/policies/nope/acknowledgments', { token: pub })).status).toBe(404);
  });

  it('counts who has not acknowledged the required version yet', async () => {
    const res = await call(service, 'GET', '/policies/privacy/acknowledgments/summary', { token: pub });
    expect(res.json).toMatchObject({
      requiredVersion: 1,
      activeCustomers: 3,
      acknowledgedRequired: 2,
      pending: 1,
      acknowledgmentsByVersion: { 1: 2 },
    });
  });
});

describe('GET /users/{userId}/timeline', () => {
  it('answers a data-subject access request: revisions in effect, notices sent, acknowledgments', async () => {
    const res = await call(service, 'GET', '/users/dpo-1/timeline', { token: app });
    expect(res.status).toBe(200);
    expect(res.json.revisions).toContainEqual(
      expect.objectContaining({ policyId: 'privacy', version: 1, hash: v1.hash }),
    );
    expect(res.json.notices).toEqual([
      expect.objectContaining({
        policyId: 'privacy',
        version: 1,
        state: 'sent',
        messageId: expect.any(String),
      }),
    ]);
    expect(res.json.acknowledgments).toEqual([
      expect.objectContaining({ version: 1, evidence: { ip: '203.0.113.1', userAgent: 'Firefox <script>' } }),
    ]);
    const types = res.json.events.map((e: { type: string }) => e.type);
    // The local SES emulator reports Delivery as SES does: sent and delivered are separate events.
    expect(types).toEqual([
      'revision_published',
      'revision_effective',
      'notice',
      'notice_delivered',
      'acknowledgment',
    ]);
    const times = res.json.events.map((e: { at: string }) => e.at);
    expect([...times].sort()).toEqual(times);
  });

  it('is empty of personal records for an unknown user and closed to publishers', async () => {
    const res = await call(service, 'GET', '/users/nobody/timeline', { token: app });
    expect(res.json.notices).toEqual([]);
    expect(res.json.acknowledgments).toEqual([]);
    expect((await call(service, 'GET', '/users/dpo-1/timeline', { token: pub })).status).toBe(403);
  });
});

describe('acknowledgment receipt', () => {
  it('shows the exact text acknowledged, escaped, and verifies its hashes', async () => {
    const html = await call(service, 'GET', '/users/dpo-1/acknowledgments/privacy/1/receipt', { token: app });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toContain('data-verified="true"');
    expect(html.text).toContain(v1.contentHashes.vi);
    expect(html.text).toContain('Chúng tôi không bán dữ liệu cá nhân của quý khách cho bất kỳ ai.');
    expect(html.text).toContain('Firefox &lt;script&gt;');
    const json = await call(service, 'GET', '/users/dpo-1/acknowledgments/privacy/1/receipt?format=json', {
      token: app,
    });
    expect(json.json.verified).toBe(true);
    expect(json.json.checks.map((c: { ok: boolean }) => c.ok)).toEqual([true, true, true]);
  });

  it('404s when the user did not acknowledge that version', async () => {
    const res = await call(service, 'GET', '/users/dpo-3/acknowledgments/privacy/1/receipt', { token: app });
    expect(res.status).toBe(404);
  });

  it('detects a stored text that was tampered with', async () => {
    const client = createDynamoClient({ endpoint: service.dynamodbEndpoint });
    await client.send(
      new PutItemCommand({
        TableName: service.tables.policies,
        Item: {
          pk: { S: 'POLICY#privacy' },
          sk: { S: `TEXT#${v1.contentHashes.vi}` },
          text: { S: fixtureViRevised },
        },
      }),
    );
    client.destroy();
    const json = await call(service, 'GET', '/users/dpo-1/acknowledgments/privacy/1/receipt?format=json', {
      token: app,
    });
    expect(json.json.verified).toBe(false);
    expect(json.json.checks).toContainEqual(
      expect.objectContaining({ name: 'stored_text_matches_revision', ok: false }),
    );
    const html = await call(service, 'GET', '/users/dpo-1/acknowledgments/privacy/1/receipt', { token: app });
    expect(html.text).toContain('data-verified="false"');
    expect(html.text).toContain('NOT VERIFIED');
  });
});
