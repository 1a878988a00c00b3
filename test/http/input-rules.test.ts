/**
 * Issue 12 findings 2 and 3 and issue 11's input rule, through the HTTP API: an effective date beyond
 * the horizon, object keys named like prototype members, forged paging cursors and invalid Unicode are
 * all a clean 400 (or, for harmless keys, simply work), never a 500, and a refused request stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { VALID_UNICODE_MESSAGE } from '../../functions/domain/schema';
import { call, dumpTables, startTestService, TOKENS } from '../support/service';

let service: LocalService;
const pub = TOKENS.publisher;
const app = TOKENS.app;
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  service = await startTestService();
  const first = await call(service, 'POST', '/policies/privacy/revisions', {
    token: pub,
    body: { texts: { vi: 'Chính sách\n', en: 'Policy\n' }, change: 'material', notify: false },
  });
  expect(first.status).toBe(201);
  for (const user of ['u1', 'u2', 'u3']) {
    const ack = await call(service, 'POST', `/users/${user}/acknowledgments`, {
      token: app,
      body: { policyId: 'privacy', version: 1 },
    });
    expect(ack.status).toBe(201);
  }
});
afterAll(async () => service?.stop());

/** Sends a request that must be refused with 400 at `path`, and proves that nothing was stored. */
async function refused(
  method: string,
  url: string,
  opts: Parameters<typeof call>[3],
  path: string,
  snapshot = true,
) {
  const before = snapshot ? await dumpTables(service) : undefined;
  const res = await call(service, method, url, opts);
  expect(res.status, res.text).toBe(400);
  expect(res.json.error.code).toBe('VALIDATION_FAILED');
  expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(path);
  if (before) expect(await dumpTables(service)).toEqual(before);
  return res.json.error;
}

describe('effectiveAt horizon (issue 12 finding 2)', () => {
  it('returns 400 for an effective date in the year 9999 and stores nothing', async () => {
    const error = await refused(
      'POST',
      '/policies/privacy/revisions',
      {
        token: pub,
        body: { texts: { vi: 'Mới\n', en: 'New\n' }, change: 'minor', effectiveAt: '9999-01-01T00:00:00Z' },
      },
      'effectiveAt',
    );
    expect(error.details[0].message).toMatch(/at most 5 years ahead/);
  });

  it('accepts a date just inside five years', async () => {
    const inside = new Date(Date.now() + 4.9 * 365.25 * 24 * 3600 * 1000).toISOString();
    const res = await call(service, 'POST', '/policies/privacy/revisions', {
      token: pub,
      body: { texts: { vi: 'Mới\n', en: 'New\n' }, change: 'minor', effectiveAt: inside, dryRun: true },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.effectiveAt).toBe(inside);
  });
});

describe('object keys named like prototype members (issue 12 finding 3)', () => {
  it('stores and returns evidence keyed constructor, toString and valueOf instead of answering 500', async () => {
    const evidence = { constructor: 'a', toString: 'b', valueOf: 'c', hasOwnProperty: 'd', ip: '10.0.0.1' };
    const res = await call(service, 'POST', '/users/proto/acknowledgments', {
      token: app,
      body: { policyId: 'privacy', version: 1, evidence },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json.evidence).toEqual(evidence);
    const listed = await call(service, 'GET', '/users/proto/acknowledgments', { token: app });
    expect(listed.status).toBe(200);
    expect(listed.json.acknowledgments[0].evidence).toEqual(evidence);
    const receipt = await call(service, 'GET', '/users/proto/acknowledgments/privacy/1/receipt?format=json', {
      token: app,
    });
    expect(receipt.status).toBe(200);
  });

  it('refuses a __proto__ key in evidence, texts and summary with its path', async () => {
    await refused(
      'POST',
      '/users/proto2/acknowledgments',
      {
        token: app,
        rawBody: '{"policyId":"privacy","version":1,"evidence":{"__proto__":"x"}}',
        headers: json,
      },
      'evidence.__proto__',
    );
    await refused(
      'POST',
      '/policies/privacy/revisions',
      { token: pub, rawBody: '{"texts":{"vi":"b","__proto__":"c"},"change":"minor"}', headers: json },
      'texts.__proto__',
    );
    await refused(
      'POST',
      '/policies/privacy/revisions',
      {
        token: pub,
        rawBody: '{"texts":{"vi":"b","en":"c"},"summary":{"__proto__":{"vi":"x"}},"change":"minor"}',
        headers: json,
      },
      'summary.__proto__',
    );
  });

  it('refuses constructor and toString as locales of texts and summary', async () => {
    await refused(
      'POST',
      '/policies/privacy/revisions',
      { token: pub, body: { texts: { vi: 'b\n', constructor: 'c\n' }, change: 'minor' } },
      'texts.constructor',
    );
    await refused(
      'POST',
      '/policies/privacy/revisions',
      { token: pub, body: { texts: { vi: 'b\n', en: 'c\n' }, summary: { toString: 'x' }, change: 'minor' } },
      'summary.toString',
    );
  });
});

describe('paging cursors (issue 12 finding 3)', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

  it('pages with the cursors it issues', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await call(service, 'GET', `/policies/privacy/acknowledgments?limit=1${query}`, {
        token: pub,
      });
      expect(res.status, res.text).toBe(200);
      seen.push(...res.json.acknowledgments.map((a: { userId: string }) => a.userId));
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['proto', 'u1', 'u2', 'u3']);
  });

  it('returns 400 VALIDATION_FAILED with path cursor for every forged cursor', async () => {
    const first = await call(service, 'GET', '/policies/privacy/acknowledgments?limit=1', { token: pub });
    const genuine = JSON.parse(Buffer.from(first.json.nextCursor, 'base64url').toString('utf8'));
    const forged = [
      '',
      'not base64!',
      encode(null),
      encode([1, 2]),
      encode('string'),
      encode({}),
      encode({ gsi1pk: 'POLICY#privacy' }),
      encode({ ...genuine, pk: '' }),
      encode({ ...genuine, sk: 7 }),
      encode({ ...genuine, gsi1sk: { S: 'x' } }),
      encode({ ...genuine, gsi1sk: '' }),
      encode({ ...genuine, extra: 'x' }),
      encode({ ...genuine, gsi1pk: 'POLICY#other' }),
      encode({ ...genuine, pk: `USER#${'x'.repeat(5000)}` }),
      encode({ ...genuine, sk: 'ACK#privacy#1' }),
      'A'.repeat(4000),
    ];
    for (const cursor of forged) {
      const res = await call(
        service,
        'GET',
        `/policies/privacy/acknowledgments?cursor=${encodeURIComponent(cursor)}`,
        {
          token: pub,
        },
      );
      expect(res.status, `${cursor.slice(0, 60)} → ${res.text}`).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'cursor' }] });
    }
    for (const cursor of ['', '0', '-1', 'abc', '1e3', '99999999999']) {
      const res = await call(
        service,
        'GET',
        `/policies/privacy/revisions?cursor=${encodeURIComponent(cursor)}`,
      );
      expect(res.status, cursor).toBe(400);
      expect(res.json.error.details[0].path).toBe('cursor');
    }
  });
});

describe('valid Unicode only, in every string field (issue 11 input rule)', () => {
  const bad = {
    surrogate: 'Ann\ud800',
    lowSurrogate: '\udc00x',
    fffe: 'a\ufffe',
    ffff: 'a\uffff',
    nul: 'a\u0000',
    bell: 'a\u0007',
    esc: 'a\u001b',
  };

  it('returns 400 with the field path for lone surrogates, U+FFFE/U+FFFF and C0 controls', async () => {
    const before = await dumpTables(service);
    for (const [what, value] of Object.entries(bad)) {
      const error = await refused(
        'PUT',
        '/customers/c1',
        { token: app, body: { email: 'c1@example.com', name: value } },
        'name',
        false,
      );
      expect(error.details[0].message, what).toBe(VALID_UNICODE_MESSAGE);
      await refused(
        'PUT',
        '/customers/c1',
        { token: app, body: { email: `c1${value}@example.com` } },
        'email',
        false,
      );
      await refused(
        'POST',
        '/policies/privacy/revisions',
        { token: pub, body: { texts: { vi: `Mới ${value}\n`, en: 'New\n' }, change: 'minor' } },
        'texts.vi',
        false,
      );
      await refused(
        'POST',
        '/policies/privacy/revisions',
        {
          token: pub,
          body: { texts: { vi: 'Mới\n', en: 'New\n' }, summary: { en: value }, change: 'minor' },
        },
        'summary.en',
        false,
      );
      await refused(
        'POST',
        '/users/c1/acknowledgments',
        { token: app, body: { policyId: 'privacy', version: 1, evidence: { userAgent: value } } },
        'evidence.userAgent',
        false,
      );
    }
    expect(await dumpTables(service)).toEqual(before);
  });

  it('accepts tab, LF, CR, surrogate pairs, RTL marks and zero-width characters', async () => {
    const res = await call(service, 'PUT', '/customers/c2', {
      token: app,
      body: { email: 'c2@example.com', name: 'Ann 😀 \u202eabc\u202c\u200b e\u0301' },
    });
    expect(res.status, res.text).toBe(201);
    const dry = await call(service, 'POST', '/policies/privacy/revisions', {
      token: pub,
      body: {
        texts: { vi: 'Mới\tvà\r\nmới 😀\n', en: 'New\n' },
        summary: { en: 'tab\there' },
        change: 'minor',
        dryRun: true,
      },
    });
    expect(dry.status, dry.text).toBe(200);
  });
});
