import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { normalizeText } from '../../functions/domain/text';
import { routes } from '../../functions/http/routes';
import { fixtureEn, fixtureVi, fixtureViRevised } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

let service: LocalService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => service?.stop());

const pub = TOKENS.publisher;
const app = TOKENS.app;
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('GET /health', () => {
  it('answers ok without a token', async () => {
    const res = await call(service, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });
});

describe('policies and revisions', () => {
  it('publishes a first revision and reports it as current', async () => {
    const res = await call(service, 'POST', '/policies/privacy/revisions', {
      token: pub,
      body: {
        texts: { vi: fixtureVi, en: fixtureEn },
        change: 'material',
        summary: { vi: 'Bản đầu tiên', en: 'First version' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      policyId: 'privacy',
      version: 1,
      change: 'material',
      defaultLocale: 'vi',
      locales: ['vi', 'en'],
      previousHash: null,
      notify: true,
      summary: { vi: 'Bản đầu tiên', en: 'First version' },
    });
    expect(res.json.contentHashes.vi).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(res.json.hash).toMatch(/^sha256:[0-9a-f]{64}$/);

    const policy = await call(service, 'GET', '/policies/privacy');
    expect(policy.json).toEqual({
      policyId: 'privacy',
      defaultLocale: 'vi',
      locales: ['vi', 'en'],
      currentVersion: 1,
      latestVersion: 1,
      upcoming: null,
      // Taken from each text's first line (no titles were given).
      titles: {
        vi: 'Chính sách bảo mật của Công ty TNHH Sao Mai Digital',
        en: 'Privacy Policy of Sao Mai Digital Co., Ltd.',
      },
    });
  });

  it('rejects an unchanged republish (even NFD with CRLF) with 409 NO_CHANGES', async () => {
    const res = await call(service, 'POST', '/policies/privacy/revisions', {
      token: pub,
      body: {
        texts: { vi: fixtureVi.normalize('NFD').replace(/\n/g, '\r\n'), en: fixtureEn },
        change: 'minor',
      },
    });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('NO_CHANGES');
  });

  it('answers a dry run with the would-be revision and stores nothing', async () => {
    const res = await call(service, 'POST', '/policies/privacy/revisions', {
      token: pub,
      body: { texts: { vi: fixtureViRevised, en: fixtureEn }, change: 'minor', dryRun: true },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ version: 2, dryRun: true, change: 'minor' });
    expect((await call(service, 'GET', '/policies/privacy')).json.latestVersion).toBe(1);
  });

  it('guards with baseVersion: 409 VERSION_CONFLICT when the latest differs', async () => {
    const res = await call(service, 'POST', '/policies/privacy/revisions', {
      token: pub,
      body: { texts: { vi: fixtureViRevised, en: fixtureEn }, change: 'minor', baseVersion: 0 },
    });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('VERSION_CONFLICT');
  });

  it('publishes a scheduled material revision as latest but not current, then lists history newest first', async () => {
    const effectiveAt = future(10);
    const res = await call(service, 'POST', '/policies/privacy/revisions', {
      token: pub,
      body: {
        texts: { vi: fixtureViRevised, en: fixtureEn },
        change: 'material',
        effectiveAt,
        baseVersion: 1,
      },
    });
    expect(res.status).toBe(201);
    const v1 = await call(service, 'GET', '/policies/privacy/revisions/1');
    expect(res.json.previousHash).toBe(v1.json.hash);
    const policy = await call(service, 'GET', '/policies/privacy');
    expect(policy.json).toMatchObject({
      currentVersion: 1,
      latestVersion: 2,
      upcoming: { version: 2, effectiveAt },
    });

    const list = await call(service, 'GET', '/policies/privacy/revisions?limit=1');
    expect(list.json.revisions.map((r: { version: number }) => r.version)).toEqual([2]);
    const rest = await call(
      service,
      'GET',
      `/policies/privacy/revisions?limit=1&cursor=${list.json.nextCursor}`,
    );
    expect(rest.json.revisions.map((r: { version: number }) => r.version)).toEqual([1]);
    expect(rest.json.nextCursor).toBeNull();

    const all = await call(service, 'GET', '/policies');
    expect(all.json.policies).toContainEqual(
      expect.objectContaining({ policyId: 'privacy', currentVersion: 1, latestVersion: 2 }),
    );
  });

  it('serves texts by version, alias and locale, falling back to the default locale', async () => {
    const current = await call(service, 'GET', '/policies/privacy/revisions/current?locale=en');
    expect(current.json).toMatchObject({ version: 1, locale: 'en', text: fixtureEn });
    const latest = await call(service, 'GET', '/policies/privacy/revisions/latest');
    expect(latest.json).toMatchObject({ version: 2, locale: 'vi', text: normalizeText(fixtureViRevised) });
    const fallback = await call(service, 'GET', '/policies/privacy/revisions/1?locale=ja');
    expect(fallback.json).toMatchObject({ locale: 'vi', text: normalizeText(fixtureVi) });
  });

  it('requires every locale of the previous revision', async () => {
    const res = await call(service, 'POST', '/policies/privacy/revisions', {
      token: pub,
      body: { texts: { vi: `${fixtureViRevised}\nThêm.\n` }, change: 'minor', effectiveAt: future(11) },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toContainEqual(expect.objectContaining({ path: 'texts.en' }));
  });

  it('answers 404 NOT_FOUND for unknown policies and versions', async () => {
    for (const path of [
      '/policies/nope',
      '/policies/nope/revisions',
      '/policies/privacy/revisions/99',
      '/policies/nope/revisions/current',
    ]) {
      const res = await call(service, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.json.error.code).toBe('NOT_FOUND');
    }
  });
});

describe('customers', () => {
  it('creates (201), updates (200), reads and erases a customer', async () => {
    const created = await call(service, 'PUT', '/customers/user-1', {
      token: app,
      body: { email: 'an@example.vn', locale: 'vi', name: 'Nguyễn Văn An' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      userId: 'user-1',
      email: 'an@example.vn',
      locale: 'vi',
      name: 'Nguyễn Văn An',
      status: 'active',
    });
    const updated = await call(service, 'PUT', '/customers/user-1', {
      token: app,
      body: { email: 'an2@example.vn' },
    });
    expect(updated.status).toBe(200);
    expect(updated.json.registeredAt).toBe(created.json.registeredAt);
    const read = await call(service, 'GET', '/customers/user-1', { token: app });
    expect(read.json).toMatchObject({ email: 'an2@example.vn', locale: null, name: null, status: 'active' });
    expect(Object.keys(read.json).sort()).toEqual([
      'email',
      'locale',
      'name',
      'registeredAt',
      'status',
      'timeZone',
      'updatedAt',
      'userId',
    ]);
    const erased = await call(service, 'DELETE', '/customers/user-1', { token: app });
    expect(erased.status).toBe(204);
    expect(erased.text).toBe('');
    expect((await call(service, 'GET', '/customers/user-1', { token: app })).status).toBe(404);
    expect((await call(service, 'DELETE', '/customers/user-1', { token: app })).status).toBe(204);
  });
});

describe('acknowledgments and status', () => {
  it('walks a user from never acknowledged to up to date', async () => {
    const before = await call(service, 'GET', '/users/user-2/policies/privacy/status', { token: app });
    expect(before.json).toMatchObject({
      userId: 'user-2',
      policyId: 'privacy',
      mustAcknowledge: true,
      reason: 'NEVER_ACKNOWLEDGED',
      currentVersion: 1,
      requiredVersion: 1,
      acknowledgedVersion: null,
      upcoming: { version: 2 },
    });

    const body = {
      policyId: 'privacy',
      version: 1,
      locale: 'en',
      channel: 'web',
      evidence: { ip: '203.0.113.9', userAgent: 'Mozilla/5.0' },
    };
    const first = await call(service, 'POST', '/users/user-2/acknowledgments', { token: app, body });
    expect(first.status).toBe(201);
    const v1 = await call(service, 'GET', '/policies/privacy/revisions/1');
    expect(first.json).toMatchObject({
      userId: 'user-2',
      policyId: 'privacy',
      version: 1,
      locale: 'en',
      contentHash: v1.json.contentHashes.en,
      channel: 'web',
      evidence: body.evidence,
    });
    expect(first.json.receiptId).toEqual(expect.any(String));

    const again = await call(service, 'POST', '/users/user-2/acknowledgments', {
      token: app,
      body: { ...body, channel: 'ios' },
    });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);

    const after = await call(service, 'GET', '/users/user-2/policies/privacy/status', { token: app });
    expect(after.json).toMatchObject({
      mustAcknowledge: false,
      reason: 'UP_TO_DATE',
      acknowledgedVersion: 1,
      acknowledgedAt: first.json.acknowledgedAt,
    });

    // A published but not yet effective version may be acknowledged early; the fallback locale is recorded.
    const early = await call(service, 'POST', '/users/user-2/acknowledgments', {
      token: app,
      body: { policyId: 'privacy', version: 2, locale: 'ja' },
    });
    expect(early.status).toBe(201);
    expect(early.json).toMatchObject({ version: 2, locale: 'vi', channel: 'api', evidence: {} });

    const list = await call(service, 'GET', '/users/user-2/acknowledgments?policyId=privacy', { token: app });
    expect(list.json.acknowledgments.map((a: { version: number }) => a.version)).toEqual([2, 1]);
  });

  it('answers for any userId, and 404 for an unknown policy or version', async () => {
    const stranger = await call(service, 'GET', '/users/never-seen/policies/privacy/status', { token: app });
    expect(stranger.status).toBe(200);
    expect(stranger.json.reason).toBe('NEVER_ACKNOWLEDGED');
    expect((await call(service, 'GET', '/users/u/policies/nope/status', { token: app })).status).toBe(404);
    const ack = await call(service, 'POST', '/users/u/acknowledgments', {
      token: app,
      body: { policyId: 'privacy', version: 42 },
    });
    expect(ack.status).toBe(404);
    expect(ack.json.error.code).toBe('NOT_FOUND');
  });
});

describe('roles on every route', () => {
  const sample: Record<string, string> = { policyId: 'privacy', version: '1', userId: 'role-user' };
  const cases = routes.flatMap((route) =>
    (['none', 'bogus', 'app', 'publisher'] as const).map((who) => ({ route, who })),
  );

  it.each(cases)('$route.method $route.path with $who token', async ({ route, who }) => {
    const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => sample[name] ?? 'x');
    const token = who === 'none' ? undefined : who === 'bogus' ? 'not-a-token' : TOKENS[who];
    const res = await call(service, route.method, path, {
      token,
      body: route.method === 'POST' || route.method === 'PUT' ? {} : undefined,
    });
    if (route.role === 'public') {
      expect([401, 403]).not.toContain(res.status);
    } else if (who === 'none' || who === 'bogus') {
      expect(res.status).toBe(401);
      if (!('page' in route)) expect(res.json.error.code).toBe('UNAUTHENTICATED');
    } else if (who !== route.role) {
      expect(res.status).toBe(403);
      if (!('page' in route)) expect(res.json.error.code).toBe('FORBIDDEN');
    } else {
      expect([401, 403]).not.toContain(res.status);
    }
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    const missing = await call(service, 'GET', '/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('NOT_FOUND');
    const wrong = await call(service, 'PATCH', '/policies/privacy', { token: pub });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});
