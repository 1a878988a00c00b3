/**
 * Change emails under real conditions (issue 11), on the local runtime (dynalite in memory, the SES
 * emulator or a recording mailer, in-process queues, the real handlers): erasure mid-campaign, records
 * no retry can send, suppression by address.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationOptions } from '../../bin/local/notifications';
import type { LocalService } from '../../bin/local/runtime';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import type { Pacer } from '../../functions/adapters/token-bucket';
import { customerStore, notificationStore } from '../../functions/composition/stores';
import { addressHash } from '../../functions/domain/suppression';
import type { Mailer, OutgoingEmail } from '../../functions/ports';
import { TEXTS_V2 } from '../support/fixtures';
import { policyctlAgainst } from '../support/process';
import { call, publishNotifiedV2, startTestService, TOKENS } from '../support/service';

const QUICK: Partial<NotificationOptions> = {
  sweepIntervalMs: 0,
  leaseMs: 60_000,
  visibilityTimeoutMs: 300,
  invocationTimeoutMs: 60_000,
  maxReceiveCount: 10,
  retryBaseMs: 2,
  retryMaxMs: 20,
};

/** A pacer that lets one send through each time the test says so: "a very low rate", step by step. */
class GatedPacer implements Pacer {
  private readonly waiting: (() => void)[] = [];
  get queued() {
    return this.waiting.length;
  }
  take(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  throttled(): void {}
  /** Lets the oldest waiting sender through; false when nobody waits. */
  releaseOne(): boolean {
    const next = this.waiting.shift();
    next?.();
    return next !== undefined;
  }
}

const running: LocalService[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

async function start(opts: Parameters<typeof startTestService>[0] = {}) {
  const service = await startTestService({ sesMaxSendRate: 1_000, ...opts });
  running.push(service);
  const doc = createDocumentClient(createDynamoClient({ endpoint: service.dynamodbEndpoint }));
  const stores = {
    customers: customerStore({ doc, tables: service.tables }, { counting: false }),
    notifications: notificationStore({ doc, tables: service.tables }),
  };
  return { service, stores };
}

async function register(service: LocalService, userId: string, email: string, locale = 'en') {
  const res = await call(service, 'PUT', `/customers/${userId}`, {
    token: TOKENS.app,
    body: { email, locale, name: `Name ${userId}` },
  });
  expect([200, 201]).toContain(res.status);
}

const publish = publishNotifiedV2;

/** Mail the SES emulator accepted, by recipient (as written), with the stored message. */
async function emulatorMail(service: LocalService) {
  const store = (await (await fetch(`${service.sesEndpoint}/store`)).json()) as {
    emails: { messageId: string; destination: { to: string[] }; subject: string }[];
  };
  return store.emails;
}

const policyctl = (service: LocalService, args: string[]) =>
  policyctlAgainst(service, TOKENS.publisher, args);

const progress = async (service: LocalService) =>
  (await call(service, 'GET', '/policies/privacy/revisions/2/notification', { token: TOKENS.publisher }))
    .json;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('erasure during a campaign', () => {
  it('never emails a customer whose DELETE returned before their send, even one already claimed and waiting', async () => {
    const pacer = new GatedPacer();
    const sent: OutgoingEmail[] = [];
    const erased = new Set<string>();
    const violations: string[] = [];
    const mailer: Mailer = {
      send: async (email) => {
        if (erased.has(email.to)) violations.push(email.to);
        sent.push(email);
        return { messageId: `m-${sent.length}` };
      },
    };
    const { service, stores } = await start({ notifications: { ...QUICK, pacer, mailer, batchSize: 10 } });
    const ids = Array.from({ length: 40 }, (_, i) => `e${String(i).padStart(2, '0')}`);
    for (const id of ids) await register(service, id, `${id}@erase.example`);
    await publish(service);

    let erasedWhileWaiting = 0;
    while (erased.size < 20) {
      await until(() => pacer.queued > 0);
      const sentTo = new Set(sent.map((e) => e.to));
      const open = ids.filter(
        (id) => !erased.has(`${id}@erase.example`) && !sentTo.has(`${id}@erase.example`),
      );
      // Prefer a customer the worker has already read, claimed and parked at the pacer: the window the
      // issue found (read once per batch, sent up to 100 s later).
      const states = await Promise.all(open.map((id) => stores.notifications.getEntry('privacy', 2, id)));
      const claimed = open.filter((_, i) => states[i]?.state === 'claimed');
      const victim = claimed[0] ?? open[0]!;
      if (claimed.length > 0) erasedWhileWaiting++;
      const res = await call(service, 'DELETE', `/customers/${victim}`, { token: TOKENS.app });
      expect(res.status).toBe(204);
      erased.add(`${victim}@erase.example`);
      pacer.releaseOne();
    }
    const release = setInterval(() => pacer.releaseOne(), 1);
    try {
      await service.notifications.drain(30_000);
    } finally {
      clearInterval(release);
    }

    // Nobody was sent anything after their DELETE returned (a send already under way when the DELETE
    // came may have finished first: that one was legal).
    expect(violations).toEqual([]);
    expect(erasedWhileWaiting).toBeGreaterThanOrEqual(10);
    const sentTo = sent.map((e) => e.to);
    expect(new Set(sentTo).size).toBe(sentTo.length);
    const kept = ids.map((id) => `${id}@erase.example`).filter((e) => !erased.has(e));
    expect(sentTo.filter((e) => !erased.has(e)).sort()).toEqual(kept.sort());
    // Most erased customers were stopped, not merely raced.
    expect(sentTo.filter((e) => erased.has(e)).length).toBeLessThanOrEqual(5);
    expect(await progress(service)).toMatchObject({
      status: 'completed',
      total: 40,
      sent: sentTo.length,
      suppressed: 40 - sentTo.length,
    });
  });
});

describe('a record no retry can send', () => {
  it('marks a customer holding a lone surrogate failed with a reason; everyone else is emailed and the campaign completes', async () => {
    // The real SES client against the emulator: its serialisation is what would throw.
    const { service, stores } = await start({ notifications: QUICK });
    for (let i = 0; i < 30; i++) await register(service, `s${i}`, `s${i}@surrogate.example`);
    const now = new Date().toISOString();
    // Planted directly in the store: the API rejects such text.
    await stores.customers.put({
      userId: 'bad-name',
      email: 'bad-name@surrogate.example',
      locale: 'en',
      name: 'Ann\ud800',
      timeZone: null,
      status: 'active',
      registeredAt: now,
      updatedAt: now,
    });
    await stores.customers.put({
      userId: 'bad-email',
      email: 'bad\udc00@surrogate.example',
      locale: 'en',
      name: null,
      timeZone: null,
      status: 'active',
      registeredAt: now,
      updatedAt: now,
    });
    await publish(service);
    await service.notifications.drain(30_000);

    expect(await progress(service)).toMatchObject({ status: 'completed', total: 32, sent: 30, failed: 2 });
    expect(await stores.notifications.getEntry('privacy', 2, 'bad-name')).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/^InvalidContent: /),
    });
    expect(await stores.notifications.getEntry('privacy', 2, 'bad-email')).toMatchObject({
      state: 'failed',
      reason: 'InvalidAddress',
    });
    const store = (await (await fetch(`${service.sesEndpoint}/store`)).json()) as {
      emails: { destination: { to: string[] } }[];
    };
    const to = store.emails.flatMap((e) => e.destination.to).sort();
    expect(to).toEqual(Array.from({ length: 30 }, (_, i) => `s${i}@surrogate.example`).sort());
    expect(service.notifications.sendQueue.deadLetters).toEqual([]);
  });
});

describe('the suppression list and the SES mailbox simulator', () => {
  it('a complaint through the simulator suppresses the address for every user id, any case, and after erase-and-register', async () => {
    const { service, stores } = await start({ notifications: QUICK });
    const complaint = 'complaint@simulator.amazonses.com';
    await register(service, 'first', complaint);
    await register(service, 'ok', 'success@simulator.amazonses.com');
    await register(service, 'bouncer', 'bounce@simulator.amazonses.com');
    await register(service, 'plain', 'plain@conditions.example');
    await publish(service);
    await service.notifications.drain(30_000);
    expect(await progress(service)).toMatchObject({ status: 'completed', total: 4, sent: 4 });

    // The events came back through the ses-events handler: complaint and bounce listed, deliveries recorded.
    const listed = await call(service, 'GET', '/suppressions', { token: TOKENS.publisher });
    expect(listed.status).toBe(200);
    expect(listed.json.suppressions.map((s: { hash: string }) => s.hash).sort()).toEqual(
      [addressHash(complaint), addressHash('bounce@simulator.amazonses.com')].sort(),
    );
    expect(JSON.stringify(listed.json)).not.toMatch(/@/);
    const byEmail = await call(
      service,
      'GET',
      `/suppressions?email=${encodeURIComponent(' Complaint@Simulator.AmazonSES.com')}`,
      {
        token: TOKENS.publisher,
      },
    );
    expect(byEmail.json.suppressions).toEqual([
      expect.objectContaining({ hash: addressHash(complaint), reason: 'complaint:abuse' }),
    ]);
    const ok = await stores.notifications.getEntry('privacy', 2, 'ok');
    expect(ok).toMatchObject({ state: 'sent', deliveredAt: expect.any(String) });
    expect(String(ok?.deliveredAt) >= String(ok?.sentAt)).toBe(true);
    expect((await stores.notifications.getEntry('privacy', 2, 'bouncer'))?.deliveredAt).toBeUndefined();

    // Proof of delivery: the timeline and the receipt show sent and delivered apart.
    const timeline = await call(service, 'GET', '/users/ok/timeline', { token: TOKENS.app });
    expect(timeline.json.notices).toEqual([
      expect.objectContaining({
        policyId: 'privacy',
        version: 2,
        state: 'sent',
        sentAt: ok?.sentAt,
        deliveredAt: ok?.deliveredAt,
      }),
    ]);
    expect(timeline.json.events.map((e: { type: string }) => e.type)).toContain('notice_delivered');
    const ack = await call(service, 'POST', '/users/ok/acknowledgments', {
      token: TOKENS.app,
      body: { policyId: 'privacy', version: 2 },
    });
    expect(ack.status).toBe(201);
    const receipt = await call(service, 'GET', '/users/ok/acknowledgments/privacy/2/receipt?format=json', {
      token: TOKENS.app,
    });
    expect(receipt.json.notice).toMatchObject({ sentAt: ok?.sentAt, deliveredAt: ok?.deliveredAt });
    const page = await call(service, 'GET', '/users/ok/acknowledgments/privacy/2/receipt', {
      token: TOKENS.app,
    });
    expect(page.text).toContain('Change email sent');
    expect(page.text).toContain(String(ok?.deliveredAt));

    // The same address in another case under another user id, and the first customer erased and back.
    await register(service, 'second', 'Complaint@Simulator.AmazonSES.com');
    expect((await call(service, 'DELETE', '/customers/first', { token: TOKENS.app })).status).toBe(204);
    await register(service, 'first', complaint);
    const before = (await emulatorMail(service)).length;
    const v3 = await call(service, 'POST', '/policies/privacy/revisions', {
      token: TOKENS.publisher,
      body: { texts: { en: `${TEXTS_V2.en}\n3. New\n\nMore.\n` }, change: 'material', notify: true },
    });
    expect(v3.status).toBe(201);
    await service.notifications.drain(30_000);
    const mailed = (await emulatorMail(service)).slice(before).flatMap((e) => e.destination.to);
    expect(mailed.sort()).toEqual(['plain@conditions.example', 'success@simulator.amazonses.com']);
    // Their customer records are active (a new user id; erased and registered again): the list stopped them.
    for (const userId of ['first', 'second'])
      expect(await stores.notifications.getEntry('privacy', 3, userId)).toMatchObject({
        state: 'suppressed',
        reason: 'suppression-list',
      });

    // The CLI lists by address and lifts (publisher role); then the address may be mailed again.
    const found = await policyctl(service, [
      'suppressions',
      'list',
      '--email',
      'COMPLAINT@simulator.amazonses.com',
    ]);
    expect(found.code).toBe(0);
    expect(found.stdout).toContain(addressHash(complaint));
    const lifted = await policyctl(service, ['suppressions', 'lift', addressHash(complaint)]);
    expect(lifted).toMatchObject({ code: 0 });
    const gone = await policyctl(service, ['suppressions', 'list', '--hash', addressHash(complaint)]);
    expect(gone.code).toBe(3);
    expect(
      (await call(service, 'DELETE', `/suppressions/${addressHash(complaint)}`, { token: TOKENS.publisher }))
        .status,
    ).toBe(404);
  });

  it('answers 400 for a malformed hash or address and 401/403 without the publisher role', async () => {
    const { service } = await start({ notifications: QUICK });
    const bad = await call(service, 'DELETE', '/suppressions/not-a-hash', { token: TOKENS.publisher });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('VALIDATION_FAILED');
    expect((await call(service, 'GET', '/suppressions?email=nope', { token: TOKENS.publisher })).status).toBe(
      400,
    );
    expect((await call(service, 'GET', '/suppressions?limit=0', { token: TOKENS.publisher })).status).toBe(
      400,
    );
    expect((await call(service, 'GET', '/suppressions?cursor=zzz', { token: TOKENS.publisher })).status).toBe(
      400,
    );
    expect((await call(service, 'GET', '/suppressions', { token: TOKENS.app })).status).toBe(403);
    expect((await call(service, 'GET', '/suppressions')).status).toBe(401);
  });
});

describe("each reader's own language", () => {
  it('mails a vi-only policy to vi, en and ja readers with the frame in their language, naming the policy language', async () => {
    const { service } = await start({ notifications: QUICK });
    await register(service, 'reader-vi', 'vi@lang.example', 'vi');
    await register(service, 'reader-en', 'en@lang.example', 'en');
    await register(service, 'reader-ja', 'ja@lang.example', 'ja-JP');
    const vi1 = '1. Phạm vi\n\nMọi dịch vụ.\n';
    for (const [texts, notify] of [
      [{ vi: vi1 }, false],
      [{ vi: `${vi1}\n2. Dữ liệu\n\nChúng tôi lưu email.\n` }, true],
    ] as const) {
      const res = await call(service, 'POST', '/policies/privacy/revisions', {
        token: TOKENS.publisher,
        body: { texts, change: 'material', notify, summary: { vi: 'Thêm mục Dữ liệu.' } },
      });
      expect(res.status).toBe(201);
    }
    await service.notifications.drain(30_000);
    const store = (await (await fetch(`${service.sesEndpoint}/store`)).json()) as {
      emails: { destination: { to: string[] }; subject: string; body: { text?: string; html?: string } }[];
    };
    const to = (address: string) => store.emails.find((e) => e.destination.to.includes(address))!;
    const vi = to('vi@lang.example');
    const en = to('en@lang.example');
    const ja = to('ja@lang.example');
    expect(vi.subject).toMatch(/^\[Quan trọng\]/);
    expect(vi.body.text).toMatch(/^Example Co\.\n[^\n]+\n\nXin chào Name reader-vi,/);
    expect(vi.body.text).not.toMatch(/available in|Chính sách này hiện chỉ có/);
    expect(en.subject).toMatch(/^Important: /);
    expect(en.body.text).toMatch(/^Example Co\.\n[^\n]+\n\nHello Name reader-en,/);
    expect(en.body.text).toContain('This policy is available in Vietnamese.');
    expect(en.body.html).toContain('This policy is available in Vietnamese.');
    expect(en.body.text).toContain('Thêm mục Dữ liệu.'); // the summary falls back to the default locale
    expect(ja.subject).toMatch(/^【重要】/);
    expect(ja.body.text).toMatch(/^Example Co\.\n[^\n]+\n\nName reader-ja 様/);
    expect(ja.body.text).toContain('このポリシーはベトナム語で提供されています。');
    expect(en.body.text).not.toContain('Xin chào');
    // The sender carries the organisation's name.
    expect((en as unknown as { from: string }).from).toBe('"Example Co." <privacy@example.com>');
    expect(ja.body.text).not.toContain('Xin chào');
  });
});
