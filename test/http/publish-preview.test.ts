/**
 * A dry run shows what will happen (issue 14): the exact emails per reader language, recipients per
 * language from the counters, and a test email to one address that is never a notification (queued for
 * the send worker, which sends it without touching any campaign). And the
 * per-policy notice period: a material, notified revision without effectiveAt waits it out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { DynamoCountStore } from '../../functions/adapters/dynamodb/count-store';
import { DynamoCustomerStore } from '../../functions/adapters/dynamodb/customer-store';
import type { Mailer, OutgoingEmail } from '../../functions/ports';
import { TEXTS_V1, TEXTS_V2 } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

const DAY = 24 * 60 * 60 * 1000;
const sent: OutgoingEmail[] = [];
const mailer: Mailer = {
  send: async (email) => {
    sent.push(email);
    return { messageId: `m-${sent.length}` };
  },
};
let now = new Date('2026-12-01T03:00:00.000Z');
let service: LocalService;

const publish = (policyId: string, body: Record<string, unknown>) =>
  call(service, 'POST', `/policies/${policyId}/revisions`, { token: TOKENS.publisher, body });
const register = (id: string, locale: string | null, email = `${id}@example.vn`) =>
  call(service, 'PUT', `/customers/${id}`, {
    token: TOKENS.app,
    body: { email, ...(locale ? { locale } : {}) },
  });

beforeAll(async () => {
  service = await startTestService({
    clock: { now: () => now },
    notifications: { sweepIntervalMs: 0, mailer },
  });
  // 3 Vietnamese, 2 English, 1 Japanese (a template exists), 1 French (none: reads the default), 1 none.
  for (const [id, locale] of [
    ['v1', 'vi'],
    ['v2', 'vi'],
    ['v3', 'vi'],
    ['e1', 'en'],
    ['e2', 'en'],
    ['j1', 'ja'],
    ['f1', 'fr'],
    ['n1', null],
  ] as const)
    expect((await register(id, locale)).status).toBe(201);
  // One more, suppressed by a bounce: counted as suppressed, not as a recipient.
  expect((await register('s1', 'vi', 'bounce@example.vn')).status).toBe(201);
  const client = createDynamoClient({ endpoint: service.dynamodbEndpoint });
  const doc = createDocumentClient(client);
  const customers = new DynamoCustomerStore(
    doc,
    service.tables.customers,
    new DynamoCountStore(doc, service.tables.acknowledgments),
  );
  expect(await customers.suppressByEmail('bounce@example.vn', 'bounce', now.toISOString())).toBe(1);
  client.destroy();
});
afterAll(async () => {
  // The notice-period tests start campaigns: let them finish before the store closes.
  await service?.notifications.drain();
  await service?.stop();
});

describe('dry run: emails and recipients', () => {
  it('returns the exact email of every reader language and the recipients per language, storing nothing', async () => {
    const texts = { vi: '1. Phạm vi\n\nMọi dịch vụ.\n', en: TEXTS_V1.en };
    expect((await publish('preview', { texts, change: 'material', notify: false })).status).toBe(201);
    const before = sent.length;
    const res = await publish('preview', {
      texts: { vi: '1. Phạm vi\n\nMọi dịch vụ và ứng dụng.\n', en: TEXTS_V2.en },
      change: 'material',
      summary: { vi: 'Mở rộng phạm vi', en: 'Wider scope' },
      dryRun: true,
    });
    expect(res.status).toBe(200);
    expect(res.json.recipients).toEqual({
      total: 8,
      // ja has a template (its frame is Japanese); fr has none and reads the default locale's (vi);
      // a customer without a locale reads the default too.
      byLocale: { vi: 5, en: 2, ja: 1 },
      suppressed: 1,
    });
    expect(Object.keys(res.json.emails).sort()).toEqual(['en', 'ja', 'vi']);
    const vi = res.json.emails.vi;
    // Named by the title the text gives (its first line), never by the policy id.
    expect(res.json.titles.vi).toBe('1. Phạm vi');
    expect(vi.subject).toContain('“1. Phạm vi”');
    expect(vi.subject).not.toContain('preview');
    expect(vi.text).toContain('Mở rộng phạm vi');
    expect(vi.html).toContain('<html lang="vi">');
    expect(res.json.emails.en.text).toContain('Wider scope');
    expect(res.json.emails.en.text).toMatch(/\n- [^\n]*Data\n/); // the changed section is listed
    expect(res.json.emails.en.text).not.toMatch(/\n- [^\n]*Scope\n/);
    expect(sent.length).toBe(before); // no email without testRecipient
    expect((await call(service, 'GET', '/policies/preview')).json.latestVersion).toBe(1);
  });

  it('sends one test email to the given address in the asked language, and never records it', async () => {
    const before = sent.length;
    const res = await publish('preview', {
      texts: { vi: '1. Phạm vi\n\nMọi dịch vụ và ứng dụng.\n', en: TEXTS_V2.en },
      change: 'minor',
      dryRun: true,
      testRecipient: ' legal@example.org ',
      testLocale: 'en',
    });
    expect(res.status).toBe(200);
    expect(res.json.testEmail).toEqual({
      to: 'legal@example.org',
      locale: 'en',
      messageId: expect.any(String),
      status: 'queued',
    });
    // The send worker sends it from the send queue, with the notifications' sender.
    await service.notifications.drain();
    expect(sent.length).toBe(before + 1);
    const email = sent.at(-1)!;
    expect(email.to).toBe('legal@example.org');
    expect(email.from).toMatch(/<privacy@example\.com>$/);
    expect(email.subject).toBe(res.json.emails.en.subject);
    expect(email.text).toBe(res.json.emails.en.text);
    expect(email.html).toBe(res.json.emails.en.html);
    expect(email.tags).toEqual({ kind: 'test', testId: res.json.testEmail.messageId });
    expect(service.notifications.sendQueue.deadLetters).toEqual([]);
    expect((await call(service, 'GET', '/policies/preview')).json.latestVersion).toBe(1);
    // No campaign: version 2 does not exist, so there is no notification to report.
    expect(
      (await call(service, 'GET', '/policies/preview/revisions/2/notification', { token: TOKENS.publisher }))
        .status,
    ).toBe(404);
  });

  it('refuses a bad test address, testRecipient without dryRun, and an app token (4xx, nothing sent or stored)', async () => {
    const before = sent.length;
    const body = { texts: { vi: '1. Phạm vi\n\nKhác.\n', en: TEXTS_V2.en }, change: 'minor' };
    const bad = await publish('preview', { ...body, dryRun: true, testRecipient: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([{ path: 'testRecipient', message: 'must be an email address' }]);
    const header = await publish('preview', {
      ...body,
      dryRun: true,
      testRecipient: 'a@example.org\r\nBcc: x@y.z',
    });
    expect(header.status).toBe(400);
    const notDry = await publish('preview', { ...body, testRecipient: 'legal@example.org' });
    expect(notDry.status).toBe(400);
    expect(notDry.json.error.details[0].path).toBe('testRecipient');
    const app = await call(service, 'POST', '/policies/preview/revisions', {
      token: TOKENS.app,
      body: { ...body, dryRun: true, testRecipient: 'legal@example.org' },
    });
    expect(app.status).toBe(403);
    await service.notifications.drain();
    expect(sent.length).toBe(before);
    expect((await call(service, 'GET', '/policies/preview')).json.latestVersion).toBe(1);
  });

  it('limits test emails to 5 a minute per function instance (429)', async () => {
    const body = {
      texts: { vi: '1. Phạm vi\n\nKhác nữa.\n', en: TEXTS_V2.en },
      change: 'minor',
      dryRun: true,
    };
    now = new Date(now.getTime() + 2 * 60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await publish('preview', { ...body, testRecipient: `t${i}@example.org` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    now = new Date(now.getTime() + 61_000);
    expect((await publish('preview', { ...body, testRecipient: 'later@example.org' })).status).toBe(200);
    await service.notifications.drain();
    const tested = sent.filter((e) => e.tags?.kind === 'test').map((e) => e.to);
    expect(tested).toEqual(expect.arrayContaining(['t4@example.org', 'later@example.org']));
    expect(tested).not.toContain('t5@example.org');
  });
});

describe('the preview is what the worker sends', () => {
  it("each language's previewed email equals the one a customer of that language then gets", async () => {
    const body = {
      texts: { vi: '1. Phạm vi\n\nMọi dịch vụ và ứng dụng di động.\n', en: TEXTS_V2.en },
      change: 'material',
      summary: { vi: 'Mở rộng phạm vi', en: 'Wider scope' },
    };
    const dry = await publish('preview', { ...body, dryRun: true });
    expect(dry.status).toBe(200);
    const published = await publish('preview', body);
    expect(published.status).toBe(201);
    expect(published.json.effectiveAt).toBe(dry.json.effectiveAt);
    const path = `/policies/preview/revisions/${published.json.version}/notification`;
    for (let i = 0; i < 200; i++) {
      const progress = await call(service, 'GET', path, { token: TOKENS.publisher });
      if (progress.json.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const to = (address: string) =>
      sent.find((e) => e.to === address && e.subject === dry.json.emails.vi.subject);
    for (const [address, locale] of [
      ['v1@example.vn', 'vi'],
      ['e1@example.vn', 'en'],
      ['j1@example.vn', 'ja'],
      ['f1@example.vn', 'vi'],
      ['n1@example.vn', 'vi'],
    ] as const) {
      const email = sent.find((e) => e.to === address && e.text === dry.json.emails[locale].text);
      expect(email, `${address} got the ${locale} email`).toBeDefined();
      expect({ subject: email!.subject, text: email!.text, html: email!.html }).toEqual(
        dry.json.emails[locale],
      );
    }
    expect(to('bounce@example.vn')).toBeUndefined();
  });
});

describe('notice period', () => {
  const settings = (policyId: string, body?: unknown, token = TOKENS.publisher) =>
    call(service, body === undefined ? 'GET' : 'PUT', `/policies/${policyId}/settings`, { token, body });

  it('stores noticePeriodDays per policy (publisher only, 0..365, 404 for an unknown policy)', async () => {
    expect((await publish('notice', { texts: TEXTS_V1, change: 'material', notify: false })).status).toBe(
      201,
    );
    expect((await settings('notice')).json).toEqual({
      policyId: 'notice',
      noticePeriodDays: 0,
      updatedAt: null,
    });
    for (const bad of [
      { noticePeriodDays: -1 },
      { noticePeriodDays: 366 },
      { noticePeriodDays: 1.5 },
      {},
      { noticePeriodDays: 3, x: 1 },
    ])
      expect((await settings('notice', bad)).status, JSON.stringify(bad)).toBe(400);
    expect((await settings('notice', { noticePeriodDays: 30 }, TOKENS.app)).status).toBe(403);
    expect((await settings('nope', { noticePeriodDays: 30 })).status).toBe(404);
    expect((await settings('nope')).status).toBe(404);
    const put = await settings('notice', { noticePeriodDays: 30 });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ policyId: 'notice', noticePeriodDays: 30, updatedAt: now.toISOString() });
    expect((await settings('notice')).json.noticePeriodDays).toBe(30);
  });

  it('a material notified revision without effectiveAt takes effect after the notice period; status reports it as upcoming', async () => {
    const res = await publish('notice', {
      texts: TEXTS_V2,
      change: 'material',
      summary: { en: 'Name kept' },
    });
    expect(res.status).toBe(201);
    const due = new Date(now.getTime() + 30 * DAY).toISOString();
    expect(res.json.effectiveAt).toBe(due);
    const view = (await call(service, 'GET', '/policies/notice')).json;
    expect(view).toMatchObject({
      currentVersion: 1,
      latestVersion: 2,
      upcoming: { version: 2, effectiveAt: due },
    });
    expect((await register('reader', 'en')).status).toBe(201);
    await call(service, 'POST', '/users/reader/acknowledgments', {
      token: TOKENS.app,
      body: { policyId: 'notice', version: 1 },
    });
    const status = await call(service, 'GET', '/users/reader/policies/notice/status', { token: TOKENS.app });
    expect(status.json).toMatchObject({ currentVersion: 1, upcoming: { version: 2, effectiveAt: due } });
  });

  it('applies only to material, notified revisions without effectiveAt', async () => {
    const base = (await call(service, 'GET', '/policies/notice')).json;
    expect(base.latestVersion).toBe(2);
    const at = new Date(now.getTime() + 40 * DAY).toISOString();
    // A minor one: effective at once? No: it may not be earlier than version 2's date; give it that date.
    const minor = await publish('notice', {
      texts: { en: `${TEXTS_V2.en}\n3. More\n\nMinor.\n` },
      change: 'minor',
      effectiveAt: at,
    });
    expect(minor.json.effectiveAt).toBe(at);
    // An explicit earlier effectiveAt than the notice period is allowed (the console warns).
    await settings('notice', { noticePeriodDays: 365 });
    const soon = new Date(now.getTime() + 41 * DAY).toISOString();
    const explicit = await publish('notice', {
      texts: { en: `${TEXTS_V2.en}\n3. More\n\nExplicit.\n` },
      change: 'material',
      effectiveAt: soon,
    });
    expect(explicit.status).toBe(201);
    expect(explicit.json.effectiveAt).toBe(soon);
    // Not notified: no notice to wait for, effective as published (here: refused as earlier than v4's date).
    const silent = await publish('notice', {
      texts: { en: `${TEXTS_V2.en}\n3. More\n\nSilent.\n` },
      change: 'material',
      notify: false,
      dryRun: true,
    });
    expect(silent.status).toBe(400);
    expect(silent.json.error.details[0].path).toBe('effectiveAt');
  });

  it('a dry run shows the effective date the notice period gives, and a first version is not delayed', async () => {
    const first = await publish('fresh', { texts: TEXTS_V1, change: 'material' });
    expect(first.json.effectiveAt).toBe(now.toISOString());
    await settings('fresh', { noticePeriodDays: 7 });
    const dry = await publish('fresh', { texts: TEXTS_V2, change: 'material', dryRun: true });
    expect(dry.json.effectiveAt).toBe(new Date(now.getTime() + 7 * DAY).toISOString());
    const minor = await publish('fresh', { texts: TEXTS_V2, change: 'minor', dryRun: true });
    expect(minor.json.effectiveAt).toBe(now.toISOString());
  });
});
