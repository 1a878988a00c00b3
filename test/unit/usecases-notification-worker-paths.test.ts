/**
 * The send worker's less travelled paths, on an in-memory ledger with the store contract's conditions
 * and an injected clock: erasure and re-addressing between the batch's read and the send, the locale of
 * the email's frame, malformed content, the deadline and the claim's lease, storage faults (each logged
 * without an address, none thrown), a send that could not be recorded, back-off, the counted-batch
 * shortcut, a dry run's test email, and the worker's config checks and Limiter.
 */

import { afterEach, describe, expect, it, vi } from 'vitest';
import { MailSendError, type SendMessage, type TestEmailMessage } from '../../functions/domain/notification';
import { prepareRevision } from '../../functions/domain/prepare-revision';
import { addressHash } from '../../functions/domain/suppression';
import type { Customer, Logger, NotificationStore, OutgoingEmail } from '../../functions/ports';
import { NoticeCache } from '../../functions/usecases/notification-content';
import {
  DEFAULT_WORKER_CONFIG,
  Limiter,
  processSendBatch,
  sendTestEmail,
  validateWorkerConfig,
  type WorkerConfig,
  type WorkerDeps,
} from '../../functions/usecases/notification-worker';
import { customer, MemoryLedger, NOW } from '../support/memory-ledger';

const T0 = NOW.getTime();
const FAR = Number.POSITIVE_INFINITY;
const FROM = 'Example Co. <privacy@example.com>';

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

function recordingLogger() {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/**
 * `customers`: the records as they are now (the consistent re-read before each send); `listed`: what the
 * batch's first read returns, when it differs (a change between the two reads).
 */
function setup(
  customers: Customer[],
  opts: { listed?: Customer[]; suppressedEmails?: string[]; config?: Partial<WorkerConfig> } = {},
) {
  const prepared = prepareRevision({
    policyId: 'privacy',
    input: { texts: { en: 'Privacy.\n' }, change: 'material' },
    latest: null,
    now: NOW,
  });
  const ledger = new MemoryLedger();
  const current = new Map(customers.map((c) => [c.userId, c]));
  const listed = new Map((opts.listed ?? customers).map((c) => [c.userId, c]));
  const list = new Set((opts.suppressedEmails ?? []).map(addressHash));
  const sent: OutgoingEmail[] = [];
  const mailer = {
    send: vi.fn(async (email: OutgoingEmail) => {
      sent.push(email);
      return { messageId: `m-${sent.length}` };
    }),
  };
  let now = T0;
  const sleeps: number[] = [];
  const { logger, lines } = recordingLogger();
  let idCount = 0;
  const customersPort = {
    getMany: vi.fn(async (ids: string[]) => ids.flatMap((id) => (listed.has(id) ? [listed.get(id)!] : []))),
    get: vi.fn(async (id: string, _opts?: { consistent?: boolean }) => current.get(id) ?? null),
  };
  const suppressions = {
    suppressedAmong: vi.fn(async (hashes: string[]) => new Set(hashes.filter((h) => list.has(h)))),
    get: vi.fn(async (hash: string) => (list.has(hash) ? ({ hash } as never) : null)),
  };
  const deps: WorkerDeps = {
    notifications: ledger as unknown as NotificationStore,
    customers: customersPort,
    suppressions,
    mailer,
    pacer: { take: vi.fn(async () => {}), throttled: vi.fn() },
    content: new NoticeCache(
      {
        getRevision: async (_: string, v: number) => (v === 1 ? prepared.revision : null),
        getChanges: async () => null,
      },
      {
        publicBaseUrl: 'https://policies.example.com',
        org: { name: 'Example Co.', phone: null, email: null },
      },
    ),
    clock: { now: () => new Date(now) },
    ids: { next: () => `id-${++idCount}` },
    logger,
    config: { ...DEFAULT_WORKER_CONFIG, from: FROM, ...opts.config },
    quota: { sent: vi.fn(), refresh: vi.fn(async () => ({ rate: 14, remaining: 100 })) },
    limiter: new Limiter(1),
    unrecorded: new Map(),
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    metrics: { count: vi.fn() },
  };
  const clock = {
    at: (ms: number) => {
      now = ms;
    },
    get now() {
      return now;
    },
  };
  return {
    deps,
    ledger,
    current,
    sent,
    mailer,
    sleeps,
    logs: lines,
    clock,
    customers: customersPort,
    suppressions,
    revision: prepared.revision,
  };
}

const message = (userIds: string[], batchId = '0-0', batches = 2): SendMessage => ({
  kind: 'send',
  policyId: 'privacy',
  version: 1,
  page: 0,
  batches,
  batchId,
  userIds,
});

const BATCH = { policyId: 'privacy', version: 1, batchId: '0-0' };
const UNFINISHED = { done: false, sent: 0, unfinished: 1 };
const messages = (logs: LogLine[]) => logs.map((l) => `${l.level} ${l.message}`);
/** Logs carry identifiers only: no line may hold an address. */
const expectNoAddressIn = (logs: LogLine[]) => expect(JSON.stringify(logs)).not.toContain('@');

describe('processSendBatch: who is settled without an email, and why', () => {
  it('settles a customer erased before the batch read as suppressed "deleted", without a claim', async () => {
    const t = setup([customer('u1')]);
    const finish = vi.spyOn(t.ledger, 'finish');
    const claim = vi.spyOn(t.ledger, 'claim');
    const result = await processSendBatch(t.deps, message(['u1', 'gone']), FAR);
    expect(result).toEqual({ done: true, sent: 1, unfinished: 0 });
    expect(t.sent.map((e) => e.to)).toEqual(['u1@example.com']);
    // Nobody holds the erased recipient: the entry is made final on the lease check, not on a claim.
    expect(finish).toHaveBeenCalledWith('privacy', 1, 'gone', {
      state: 'suppressed',
      batchId: '0-0',
      at: NOW.toISOString(),
      reason: 'deleted',
      now: T0,
    });
    expect(claim.mock.calls.map((c) => c[2])).toEqual(['u1']);
    expect(t.ledger.entries.get('gone')).toMatchObject({
      state: 'suppressed',
      reason: 'deleted',
      finalizedBy: '0-0',
    });
    expect(t.ledger.tallies.get(0)).toMatchObject({ sent: 1, failed: 0, suppressed: 1 });
  });

  it('settles a customer erased after the batch read (seen by the re-read) as suppressed "deleted" under its claim', async () => {
    const t = setup([], { listed: [customer('u1')] });
    const finish = vi.spyOn(t.ledger, 'finish');
    const result = await processSendBatch(t.deps, message(['u1']), FAR);
    expect(result).toEqual({ done: true, sent: 0, unfinished: 0 });
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.deps.pacer.take).toHaveBeenCalledTimes(1);
    expect(t.customers.get).toHaveBeenCalledWith('u1', { consistent: true });
    expect(finish).toHaveBeenCalledWith('privacy', 1, 'u1', {
      state: 'suppressed',
      batchId: '0-0',
      at: NOW.toISOString(),
      reason: 'deleted',
      token: 'id-1',
    });
    expect(t.ledger.entries.get('u1')).toEqual({
      userId: 'u1',
      state: 'suppressed',
      attempts: 1,
      finalizedBy: '0-0',
      finalizedAt: NOW.toISOString(),
      reason: 'deleted',
    });
    expect(t.ledger.tallies.get(0)).toMatchObject({ countedBatches: ['0-0'], sent: 0, suppressed: 1 });
    expect(t.deps.metrics!.count).toHaveBeenCalledWith('EmailsSuppressed', 1);
    expect(t.deps.quota!.sent).not.toHaveBeenCalled();
  });

  it('settles a customer suppressed after the batch read with the reason the re-read gives', async () => {
    const t = setup([customer('u1', { status: 'suppressed', suppressedReason: 'bounce' })], {
      listed: [customer('u1')],
    });
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 0,
      unfinished: 0,
    });
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'suppressed', reason: 'bounce' });
  });

  it('uses "suppressed" as the reason for a suppressed customer whose record gives none', async () => {
    const t = setup([customer('u1', { status: 'suppressed' })]);
    await processSendBatch(t.deps, message(['u1']), FAR);
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'suppressed', reason: 'suppressed' });
    expect(t.mailer.send).not.toHaveBeenCalled();
  });

  it('checks only active customers against the suppression list, and skips the read when none is active', async () => {
    const t = setup([
      customer('u1'),
      customer('u2', { status: 'suppressed', suppressedReason: 'complaint' }),
      customer('u3'),
    ]);
    await processSendBatch(t.deps, message(['u1', 'u2', 'u3']), FAR);
    expect(t.suppressions.suppressedAmong).toHaveBeenCalledTimes(1);
    expect(t.suppressions.suppressedAmong).toHaveBeenCalledWith([
      addressHash('u1@example.com'),
      addressHash('u3@example.com'),
    ]);

    const none = setup([customer('u1', { status: 'suppressed', suppressedReason: 'bounce' })]);
    expect(await processSendBatch(none.deps, message(['u1', 'gone']), FAR)).toEqual({
      done: true,
      sent: 0,
      unfinished: 0,
    });
    expect(none.customers.getMany).toHaveBeenCalledWith(['u1', 'gone']);
    expect(none.suppressions.suppressedAmong).not.toHaveBeenCalled();
  });
});

describe('processSendBatch: a customer whose address changed after the batch read', () => {
  it('checks the new address against the suppression list on its own and sends nothing when it is listed', async () => {
    const t = setup([customer('u1', { email: 'new@example.org' })], {
      listed: [customer('u1')],
      suppressedEmails: ['New@Example.org'],
    });
    const result = await processSendBatch(t.deps, message(['u1']), FAR);
    expect(result).toEqual({ done: true, sent: 0, unfinished: 0 });
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.customers.get).toHaveBeenCalledWith('u1', { consistent: true });
    // The batch read checked the old address; the re-read, the new one.
    expect(t.suppressions.suppressedAmong).toHaveBeenCalledWith([addressHash('u1@example.com')]);
    expect(t.suppressions.get).toHaveBeenCalledWith(addressHash('new@example.org'));
    expect(t.ledger.entries.get('u1')).toMatchObject({
      state: 'suppressed',
      reason: 'suppression-list',
      finalizedBy: '0-0',
    });
    expect(t.ledger.tallies.get(0)).toMatchObject({ sent: 0, failed: 0, suppressed: 1 });
  });

  it('sends to the new address when it is not suppressed', async () => {
    const t = setup([customer('u1', { email: 'new@example.org' })], { listed: [customer('u1')] });
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 1,
      unfinished: 0,
    });
    expect(t.suppressions.get).toHaveBeenCalledTimes(1);
    expect(t.suppressions.get).toHaveBeenCalledWith(addressHash('new@example.org'));
    expect(t.sent.map((e) => e.to)).toEqual(['new@example.org']);
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'sent', messageId: 'm-1' });
  });

  it('does not look the address up again when only its case changed', async () => {
    const t = setup([customer('u1', { email: 'U1@Example.COM' })], { listed: [customer('u1')] });
    await processSendBatch(t.deps, message(['u1']), FAR);
    expect(t.suppressions.get).not.toHaveBeenCalled();
    expect(t.sent.map((e) => e.to)).toEqual(['U1@Example.COM']);
  });

  it('fails a recipient whose new address is not a safe address, without a send', async () => {
    const t = setup([customer('u1', { email: 'not an address' })], { listed: [customer('u1')] });
    await processSendBatch(t.deps, message(['u1']), FAR);
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'failed', reason: 'InvalidAddress' });
  });
});

describe('processSendBatch: the email itself', () => {
  it("writes the frame in the reader's locale when a wording exists for it, else in the content's locale", async () => {
    const t = setup([
      customer('uvi', { locale: 'vi-VN', timeZone: 'Asia/Ho_Chi_Minh' }),
      customer('ude', { locale: 'de-DE' }),
      customer('unone'),
    ]);
    const notice = vi.spyOn(t.deps.content, 'notice');
    await processSendBatch(t.deps, message(['uvi', 'ude', 'unone']), FAR);
    // The policy exists in English only: the content is English for all three.
    expect(notice.mock.calls).toEqual([
      [t.revision, 'en', 'vi-VN', 'Asia/Ho_Chi_Minh'],
      [t.revision, 'en', 'en', null],
      [t.revision, 'en', 'en', null],
    ]);
    const subjects = Object.fromEntries(t.sent.map((e) => [e.to, e.subject]));
    expect(subjects['uvi@example.com']).toMatch(/^\[Quan trọng\] Example Co\.: /);
    expect(subjects['ude@example.com']).toMatch(/^Important: Example Co\. has changed/);
    expect(subjects['unone@example.com']).toBe(subjects['ude@example.com']);
  });

  it('fails a recipient whose email would not be valid Unicode, and goes on with the others', async () => {
    const t = setup([customer('u1', { name: 'An\uD800' }), customer('u2', { name: 'Bo' })]);
    const result = await processSendBatch(t.deps, message(['u1', 'u2']), FAR);
    expect(result).toEqual({ done: true, sent: 1, unfinished: 0 });
    expect(t.sent.map((e) => e.to)).toEqual(['u2@example.com']);
    expect(t.ledger.entries.get('u1')).toMatchObject({
      state: 'failed',
      reason: 'InvalidContent: the email would hold text that is not valid Unicode',
      finalizedBy: '0-0',
    });
    expect(t.ledger.tallies.get(0)).toMatchObject({ sent: 1, failed: 1, suppressed: 0 });
    expect(t.deps.metrics!.count).toHaveBeenCalledWith('EmailsFailed', 1);
  });

  it('gives the claim back when the content cannot be read, and logs the fault', async () => {
    const t = setup([customer('u1')]);
    vi.spyOn(t.deps.content, 'notice').mockRejectedValue(new Error('changes unreadable for a@b.example'));
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'pending', attempts: 1 });
    expect(t.logs).toEqual([
      {
        level: 'error',
        message: 'email content failed',
        fields: { ...BATCH, errorName: 'Error', errorMessage: 'changes unreadable for <address>' },
      },
    ]);
  });

  it('tells the quota of each accepted send, and of no failed one', async () => {
    const t = setup([customer('u1'), customer('u2')]);
    t.mailer.send.mockImplementation(async (email: OutgoingEmail) => {
      if (email.to === 'u1@example.com') throw new MailSendError('rejected', 'MessageRejected', 'no');
      return { messageId: 'm-ok' };
    });
    await processSendBatch(t.deps, message(['u1', 'u2']), FAR);
    expect(t.deps.quota!.sent).toHaveBeenCalledTimes(1);
    expect(t.ledger.entries.get('u2')).toMatchObject({
      state: 'sent',
      messageId: 'm-ok',
      sentAt: NOW.toISOString(),
    });
  });
  it('fails a rejected recipient at once with the provider code and the redacted message, never retried', async () => {
    const t = setup([customer('u1')]);
    t.mailer.send.mockRejectedValue(
      new MailSendError('rejected', 'MessageRejected', 'Email address is not verified: u1@example.com'),
    );
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 0,
      unfinished: 0,
    });
    expect(t.mailer.send).toHaveBeenCalledTimes(1);
    expect(t.sleeps).toEqual([]);
    expect(t.ledger.entries.get('u1')).toMatchObject({
      state: 'failed',
      reason: 'MessageRejected: Email address is not verified: <address>',
      finalizedBy: '0-0',
    });
    expect(t.logs).toEqual([]);
  });
});

describe('processSendBatch: the deadline and the claim lease', () => {
  it('claims nobody once the deadline is reached', async () => {
    const t = setup([customer('u1')]);
    const claim = vi.spyOn(t.ledger, 'claim');
    expect(await processSendBatch(t.deps, message(['u1']), T0)).toEqual(UNFINISHED);
    expect(claim).not.toHaveBeenCalled();
    expect(t.ledger.entries.has('u1')).toBe(false);
    expect(t.deps.pacer.take).not.toHaveBeenCalled();
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.ledger.tallies.size).toBe(0);
  });

  it('claims with a lease of leaseMs from now', async () => {
    const t = setup([customer('u1')], { config: { leaseMs: 120_000 } });
    const claim = vi.spyOn(t.ledger, 'claim');
    await processSendBatch(t.deps, message(['u1']), T0 + 1);
    expect(claim).toHaveBeenCalledWith('privacy', 1, 'u1', {
      token: 'id-1',
      now: T0,
      leaseUntil: T0 + 120_000,
      at: NOW.toISOString(),
    });
    expect(t.sent).toHaveLength(1);
  });

  it('sends when the pacer lets it through before the deadline, not when the deadline came meanwhile', async () => {
    for (const [wait, sends] of [
      [999, 1],
      [1_000, 0],
    ] as const) {
      const t = setup([customer('u1')]);
      t.deps.pacer.take = vi.fn(async () => t.clock.at(T0 + wait));
      const result = await processSendBatch(t.deps, message(['u1']), T0 + 1_000);
      expect(t.mailer.send).toHaveBeenCalledTimes(sends);
      if (sends === 0) {
        expect(result).toEqual(UNFINISHED);
        expect(t.customers.get).not.toHaveBeenCalled();
        // The claim is given back, so the next delivery takes the recipient at once.
        expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'pending', attempts: 1 });
      } else expect(result).toEqual({ done: true, sent: 1, unfinished: 0 });
    }
  });

  it('stops retrying when the deadline passes during a back-off, before waiting for the pacer again', async () => {
    const t = setup([customer('u1')]);
    t.mailer.send.mockRejectedValue(new MailSendError('transient', 'ServiceUnavailable', 'try later'));
    t.deps.sleep = async (ms) => {
      t.sleeps.push(ms);
      t.clock.at(T0 + 5_000);
    };
    expect(await processSendBatch(t.deps, message(['u1']), T0 + 5_000)).toEqual(UNFINISHED);
    expect(t.mailer.send).toHaveBeenCalledTimes(1);
    expect(t.deps.pacer.take).toHaveBeenCalledTimes(1);
    expect(t.sleeps).toHaveLength(1);
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'pending' });
  });

  it('never sends on a claim within 30 s of its lease running out (default lease)', async () => {
    // leaseMs 300,000: the window is min(300,000 / 4, 30,000) = 30,000 ms before the lease ends.
    for (const [wait, sends] of [
      [270_000, 1],
      [270_001, 0],
    ] as const) {
      const t = setup([customer('u1')]);
      t.deps.pacer.take = vi.fn(async () => t.clock.at(T0 + wait));
      const result = await processSendBatch(t.deps, message(['u1']), FAR);
      expect(t.mailer.send).toHaveBeenCalledTimes(sends);
      expect(result).toEqual(sends ? { done: true, sent: 1, unfinished: 0 } : UNFINISHED);
      if (!sends) expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'pending' });
    }
  });

  it('never sends on a claim within a quarter of a short lease of its end', async () => {
    // leaseMs 40,000: the window is min(10,000, 30,000) = 10,000 ms.
    for (const [wait, sends] of [
      [30_000, 1],
      [30_001, 0],
    ] as const) {
      const t = setup([customer('u1')], { config: { leaseMs: 40_000 } });
      t.deps.pacer.take = vi.fn(async () => t.clock.at(T0 + wait));
      await processSendBatch(t.deps, message(['u1']), FAR);
      expect(t.mailer.send).toHaveBeenCalledTimes(sends);
    }
  });
});

describe('processSendBatch: retries and back-off', () => {
  it('waits the jittered exponential back-off between attempts, capped at retryMaxMs', async () => {
    const t = setup([customer('u1')], { config: { sendAttempts: 4, retryBaseMs: 100, retryMaxMs: 300 } });
    t.mailer.send
      .mockRejectedValueOnce(new MailSendError('transient', 'ServiceUnavailable', 'a'))
      .mockRejectedValueOnce(new MailSendError('transient', 'ServiceUnavailable', 'b'))
      .mockRejectedValueOnce(new MailSendError('transient', 'ServiceUnavailable', 'c'))
      .mockResolvedValueOnce({ messageId: 'm-4' });
    t.deps.random = () => 0.5;
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 1,
      unfinished: 0,
    });
    // Ceilings 100, 200, 300 (capped); with the draw 0.5, three quarters of each.
    expect(t.sleeps).toEqual([75, 150, 225]);
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'sent', messageId: 'm-4' });
  });

  it('logs a transient failure that is not a MailSendError as "Unknown", and slows the pacer only when throttled', async () => {
    const t = setup([customer('u1')], { config: { sendAttempts: 3 } });
    t.mailer.send
      .mockRejectedValueOnce(new Error('socket hang up for u1@example.com'))
      .mockRejectedValueOnce(new MailSendError('throttled', 'Throttling', 'Maximum sending rate exceeded'))
      .mockRejectedValueOnce('connection reset');
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(t.deps.pacer.throttled).toHaveBeenCalledTimes(1);
    expect(t.logs).toEqual([
      {
        level: 'warn',
        message: 'transient send failure; retrying',
        fields: { ...BATCH, userId: 'u1', errorName: 'Unknown' },
      },
      {
        level: 'warn',
        message: 'send retries exhausted; the batch goes back to the queue',
        fields: { ...BATCH, userId: 'u1', errorName: 'Unknown' },
      },
    ]);
    expect(t.sleeps).toHaveLength(2);
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'pending' });
    expectNoAddressIn(t.logs);
  });

  describe('without an injected sleep or random draw', () => {
    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    it('waits the back-off on a timer before the next attempt', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const t = setup([customer('u1')]);
      delete t.deps.sleep;
      delete t.deps.random;
      t.mailer.send
        .mockRejectedValueOnce(new MailSendError('transient', 'ServiceUnavailable', 'try later'))
        .mockResolvedValueOnce({ messageId: 'm-2' });
      const done = processSendBatch(t.deps, message(['u1']), FAR);
      // retryBaseMs 200, draw 0: the first back-off is 100 ms.
      await vi.advanceTimersByTimeAsync(99);
      expect(t.mailer.send).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(t.mailer.send).toHaveBeenCalledTimes(2);
      expect(await done).toEqual({ done: true, sent: 1, unfinished: 0 });
    });
  });
});

describe('processSendBatch: storage faults are logged, never thrown', () => {
  it('leaves a recipient for later when its claim fails', async () => {
    const t = setup([customer('u1')]);
    vi.spyOn(t.ledger, 'claim').mockRejectedValue(new Error('Throttled while claiming u1@example.com'));
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.customers.get).not.toHaveBeenCalled();
    expect(t.logs).toEqual([
      {
        level: 'error',
        message: 'claim failed',
        fields: { ...BATCH, errorName: 'Error', errorMessage: 'Throttled while claiming <address>' },
      },
    ]);
  });

  it('gives the claim back when the re-read of the customer fails, without settling them', async () => {
    const t = setup([customer('u1')]);
    const err = new Error('x'.repeat(300));
    err.name = 'ProvisionedThroughputExceededException';
    t.customers.get.mockRejectedValue(err);
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'pending', attempts: 1 });
    expect(t.logs).toEqual([
      {
        level: 'error',
        message: 'customer read failed',
        fields: {
          ...BATCH,
          errorName: 'ProvisionedThroughputExceededException',
          errorMessage: 'x'.repeat(200),
        },
      },
    ]);
  });

  it('logs a failed release and carries on', async () => {
    const t = setup([customer('u1')], { config: { sendAttempts: 1 } });
    t.mailer.send.mockRejectedValue(new MailSendError('transient', 'ServiceUnavailable', 'try later'));
    vi.spyOn(t.ledger, 'release').mockRejectedValue('socket closed');
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(messages(t.logs)).toEqual([
      'warn send retries exhausted; the batch goes back to the queue',
      'error release failed',
    ]);
    expect(t.logs[1]!.fields).toEqual({ ...BATCH, errorName: 'unknown', errorMessage: undefined });
    // Not given back: the claim lapses with its lease.
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'claimed', claimToken: 'id-1' });
  });

  it('leaves a recipient for later when the ledger write settling them fails', async () => {
    const t = setup([]);
    vi.spyOn(t.ledger, 'finish').mockRejectedValue(new TypeError('bad item'));
    expect(await processSendBatch(t.deps, message(['gone']), FAR)).toEqual(UNFINISHED);
    expect(t.logs).toEqual([
      {
        level: 'error',
        message: 'ledger write failed',
        fields: { ...BATCH, errorName: 'TypeError', errorMessage: 'bad item' },
      },
    ]);
    expect(t.ledger.tallies.size).toBe(0);
  });

  it('leaves a recipient for later when the ledger cannot be read after a lost claim', async () => {
    const t = setup([customer('u1')]);
    vi.spyOn(t.ledger, 'claim').mockResolvedValue(false);
    vi.spyOn(t.ledger, 'getEntry').mockRejectedValue(new Error('timeout'));
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.logs).toEqual([
      {
        level: 'error',
        message: 'ledger read failed',
        fields: { ...BATCH, errorName: 'Error', errorMessage: 'timeout' },
      },
    ]);
  });
});

describe('processSendBatch: races with other deliveries', () => {
  it('counts nothing for a recipient another delivery sent to between the batch read and the claim', async () => {
    const t = setup([customer('u1')]);
    t.ledger.beforeClaim = (userId) =>
      t.ledger.entries.set(userId, {
        userId,
        state: 'sent',
        attempts: 1,
        finalizedBy: '0-1',
        messageId: 'other',
      });
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 0,
      unfinished: 0,
    });
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.ledger.tallies.get(0)).toMatchObject({
      countedBatches: ['0-0'],
      sent: 0,
      failed: 0,
      suppressed: 0,
    });
    expect(t.deps.metrics!.count).not.toHaveBeenCalled();
  });

  it('waits for a recipient another delivery claimed between the batch read and the claim', async () => {
    const t = setup([customer('u1')]);
    t.ledger.beforeClaim = (userId) =>
      t.ledger.entries.set(userId, {
        userId,
        state: 'claimed',
        attempts: 1,
        claimToken: 'other',
        leaseUntil: T0 + 60_000,
      });
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.ledger.entries.get('u1')).toMatchObject({ claimToken: 'other' });
  });

  it('settles an erased recipient as another delivery left it when that one finished it first', async () => {
    const t = setup([]);
    t.ledger.entries.set('gone', {
      userId: 'gone',
      state: 'pending',
      attempts: 1,
    });
    vi.spyOn(t.ledger, 'finish').mockImplementationOnce(async (_p, _v, userId) => {
      t.ledger.entries.set(userId, {
        userId,
        state: 'suppressed',
        attempts: 1,
        reason: 'deleted',
        finalizedBy: '0-1',
      });
      return false;
    });
    expect(await processSendBatch(t.deps, message(['gone']), FAR)).toEqual({
      done: true,
      sent: 0,
      unfinished: 0,
    });
    // Counted by the batch that finalised it, not this one.
    expect(t.ledger.tallies.get(0)).toMatchObject({ sent: 0, failed: 0, suppressed: 0 });
  });

  it('neither reads customers nor claims when every recipient is held by another delivery', async () => {
    const t = setup([customer('u1')]);
    t.ledger.entries.set('u1', {
      userId: 'u1',
      state: 'claimed',
      attempts: 1,
      claimToken: 'other',
      leaseUntil: T0 + 60_000,
    });
    const claim = vi.spyOn(t.ledger, 'claim');
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(t.customers.getMany).not.toHaveBeenCalled();
    expect(t.suppressions.suppressedAmong).not.toHaveBeenCalled();
    expect(claim).not.toHaveBeenCalled();
  });

  it('treats a batch already counted as done without reading content or customers, and rolls its page up', async () => {
    const t = setup([customer('u1')]);
    // Counted by an earlier delivery; the entry looks open again (e.g. its recipient was requeued).
    t.ledger.tallies.set(0, {
      page: 0,
      batches: 1,
      countedBatches: ['0-0'],
      sent: 1,
      failed: 0,
      suppressed: 0,
    });
    t.ledger.entries.set('u1', { userId: 'u1', state: 'pending', attempts: 1 });
    const revision = vi.spyOn(t.deps.content, 'revision');
    const rollUp = vi.spyOn(t.ledger, 'rollUpPage');
    const apply = vi.spyOn(t.ledger, 'applyBatchTally');
    expect(await processSendBatch(t.deps, message(['u1'], '0-0', 1), FAR)).toEqual({
      done: true,
      sent: 0,
      unfinished: 0,
    });
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(revision).not.toHaveBeenCalled();
    expect(t.customers.getMany).not.toHaveBeenCalled();
    expect(apply).not.toHaveBeenCalled();
    expect(rollUp).toHaveBeenCalledWith('privacy', 1, t.ledger.tallies.get(0), NOW.toISOString());
  });

  it('counts metrics only where the tally was applied the first time', async () => {
    const t = setup([customer('u1')]);
    // A concurrent delivery of the same batch counts it between this one's read and its tally.
    t.ledger.beforeApply = () =>
      t.ledger.tallies.set(0, {
        page: 0,
        batches: 2,
        countedBatches: ['0-0'],
        sent: 1,
        failed: 0,
        suppressed: 0,
      });
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 1,
      unfinished: 0,
    });
    expect(t.deps.metrics!.count).not.toHaveBeenCalled();
    expect(t.ledger.tallies.get(0)).toMatchObject({ countedBatches: ['0-0'], sent: 1 });
  });

  it('works without a metrics sink', async () => {
    const t = setup([customer('u1')]);
    delete t.deps.metrics;
    delete t.deps.quota;
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 1,
      unfinished: 0,
    });
    expect(t.ledger.tallies.get(0)).toMatchObject({ sent: 1 });
  });
});

describe('processSendBatch: a send the ledger did not record', () => {
  it('retries the write with back-off 100, 200, 400 … capped at 2 s, then remembers the send and logs it', async () => {
    const t = setup([customer('u1')], { config: { markAttempts: 8 } });
    t.ledger.failFinishSent = 8;
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(t.mailer.send).toHaveBeenCalledTimes(1);
    expect(t.sleeps).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000]);
    expect(t.deps.unrecorded).toEqual(
      new Map([['privacy/1/u1', { messageId: 'm-1', at: NOW.toISOString() }]]),
    );
    expect(t.logs).toEqual([
      {
        level: 'error',
        message: 'sent but not recorded: the recipient may get this email again after the lease',
        fields: { ...BATCH, userId: 'u1', messageId: 'm-1', errorName: 'Error' },
      },
    ]);
    // The claim is left to lapse: nobody else sends before the lease ends.
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'claimed', claimToken: 'id-1' });
    expect(t.ledger.tallies.size).toBe(0);
  });

  it('records on a later attempt of the write, remembering nothing', async () => {
    const t = setup([customer('u1')]);
    t.ledger.failFinishSent = 2;
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 1,
      unfinished: 0,
    });
    expect(t.sleeps).toEqual([100, 200]);
    expect(t.deps.unrecorded.size).toBe(0);
    expect(t.logs).toEqual([]);
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'sent', messageId: 'm-1' });
  });

  it('names a non-Error ledger failure "unknown"', async () => {
    const t = setup([customer('u1')], { config: { markAttempts: 1 } });
    t.ledger.failFinishSent = 1;
    t.ledger.finishSentError = 'gone';
    await processSendBatch(t.deps, message(['u1']), FAR);
    expect(t.sleeps).toEqual([]);
    expect(t.logs.map((l) => l.fields?.errorName)).toEqual(['unknown']);
  });

  it('keeps the other remembered sends while under 10,000, and drops the oldest at 10,000', async () => {
    const small = setup([customer('u1')], { config: { markAttempts: 1 } });
    small.ledger.failFinishSent = 1;
    small.deps.unrecorded.set('privacy/1/old', { messageId: 'm-old', at: NOW.toISOString() });
    await processSendBatch(small.deps, message(['u1']), FAR);
    expect([...small.deps.unrecorded.keys()]).toEqual(['privacy/1/old', 'privacy/1/u1']);

    const full = setup([customer('u1')], { config: { markAttempts: 1 } });
    full.ledger.failFinishSent = 1;
    for (let i = 0; i < 10_000; i++)
      full.deps.unrecorded.set(`privacy/1/old-${i}`, { messageId: `m-${i}`, at: NOW.toISOString() });
    await processSendBatch(full.deps, message(['u1']), FAR);
    expect(full.deps.unrecorded.size).toBe(10_000);
    expect(full.deps.unrecorded.has('privacy/1/old-0')).toBe(false);
    expect(full.deps.unrecorded.has('privacy/1/old-1')).toBe(true);
    expect(full.deps.unrecorded.get('privacy/1/u1')).toEqual({ messageId: 'm-1', at: NOW.toISOString() });
  });

  it('records a send this instance remembers instead of sending again, and forgets it', async () => {
    const t = setup([customer('u1')]);
    const at = new Date(T0 - 600_000).toISOString();
    t.deps.unrecorded.set('privacy/1/u1', { messageId: 'm-earlier', at });
    // The earlier claim lapsed and was given up.
    t.ledger.entries.set('u1', { userId: 'u1', state: 'pending', attempts: 1 });
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 1,
      unfinished: 0,
    });
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.deps.pacer.take).not.toHaveBeenCalled();
    expect(t.ledger.entries.get('u1')).toMatchObject({
      state: 'sent',
      messageId: 'm-earlier',
      sentAt: at,
      finalizedBy: '0-0',
    });
    expect(t.deps.unrecorded.size).toBe(0);
    expect(t.ledger.tallies.get(0)).toMatchObject({ sent: 1 });
  });

  it('warns when its claim was taken over before the send was recorded, and leaves the recipient to that delivery', async () => {
    const t = setup([customer('u1')]);
    t.mailer.send.mockImplementation(async () => {
      // The lease lapsed while SES answered, and another delivery claimed the recipient.
      t.ledger.entries.set('u1', {
        userId: 'u1',
        state: 'claimed',
        attempts: 2,
        claimToken: 'other',
        leaseUntil: T0 + 60_000,
      });
      return { messageId: 'm-1' };
    });
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual(UNFINISHED);
    expect(t.logs).toEqual([
      {
        level: 'warn',
        message: 'claim lost before the send was recorded',
        fields: { ...BATCH, userId: 'u1' },
      },
    ]);
    expect(t.deps.unrecorded.size).toBe(0);
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'claimed', claimToken: 'other' });
  });
});

describe('sendTestEmail', () => {
  const test = (over: Partial<TestEmailMessage> = {}): TestEmailMessage => ({
    kind: 'test',
    id: 'test-1',
    to: 'legal@example.org',
    subject: 'Privacy policy updated',
    text: 'What changed',
    html: '<p>What changed</p>',
    ...over,
  });
  const testSetup = (send?: () => Promise<{ messageId: string }>) => {
    const { logger, lines } = recordingLogger();
    const mailer = { send: vi.fn(send ?? (async () => ({ messageId: 'ses-1' }))) };
    const events: string[] = [];
    const pacer = {
      take: vi.fn(async () => ({ sending: () => events.push('sending') })),
      throttled: vi.fn(),
    };
    const quota = { sent: vi.fn(), refresh: vi.fn(async () => ({ rate: 1, remaining: 1 })) };
    const deps = {
      mailer,
      pacer,
      quota,
      logger,
      config: { ...DEFAULT_WORKER_CONFIG, from: FROM },
    } as Pick<WorkerDeps, 'mailer' | 'pacer' | 'quota' | 'logger' | 'config'>;
    return { deps, mailer, pacer, quota, logs: lines, events };
  };

  it('sends it with the sender, tagged as a test, paced and counted against the quota', async () => {
    const t = testSetup();
    t.mailer.send.mockImplementation(async () => {
      t.events.push('send');
      return { messageId: 'ses-1' };
    });
    expect(await sendTestEmail(t.deps, test())).toBe(true);
    expect(t.mailer.send).toHaveBeenCalledWith({
      from: FROM,
      to: 'legal@example.org',
      subject: 'Privacy policy updated',
      text: 'What changed',
      html: '<p>What changed</p>',
      tags: { kind: 'test', testId: 'test-1' },
    });
    expect(t.events).toEqual(['sending', 'send']);
    expect(t.quota.sent).toHaveBeenCalledTimes(1);
    expect(t.logs).toEqual([]);
  });

  it('sends it without a quota gate or a pacer slot', async () => {
    const t = testSetup();
    delete t.deps.quota;
    t.pacer.take.mockResolvedValue(undefined as never);
    expect(await sendTestEmail(t.deps, test())).toBe(true);
    expect(t.mailer.send).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['an unsafe address', { to: 'legal@example.org\r\nBcc: x@y.example' }],
    ['a subject that is not valid Unicode', { subject: 'Policy \uDC00' }],
    ['a text that is not valid Unicode', { text: '\uD800' }],
    ['an html body that is not valid Unicode', { html: '<p>\uD800</p>' }],
  ])('drops one with %s, logged by its id only', async (_, over) => {
    const t = testSetup();
    expect(await sendTestEmail(t.deps, test(over))).toBe(true);
    expect(t.mailer.send).not.toHaveBeenCalled();
    expect(t.pacer.take).not.toHaveBeenCalled();
    expect(t.logs).toEqual([
      { level: 'warn', message: 'test email dropped: bad address or content', fields: { testId: 'test-1' } },
    ]);
    expectNoAddressIn(t.logs);
  });

  it('drops a rejected one (not retried), logging the provider code', async () => {
    const t = testSetup(async () => {
      throw new MailSendError(
        'rejected',
        'MessageRejected',
        'Email address is not verified: legal@example.org',
      );
    });
    expect(await sendTestEmail(t.deps, test())).toBe(true);
    expect(t.pacer.throttled).not.toHaveBeenCalled();
    expect(t.quota.sent).not.toHaveBeenCalled();
    expect(t.logs).toEqual([
      {
        level: 'warn',
        message: 'test email rejected',
        fields: { testId: 'test-1', errorName: 'MessageRejected' },
      },
    ]);
    expectNoAddressIn(t.logs);
  });

  it('asks for a retry of a throttled one and slows the pacer', async () => {
    const t = testSetup(async () => {
      throw new MailSendError('throttled', 'Throttling', 'Maximum sending rate exceeded');
    });
    expect(await sendTestEmail(t.deps, test())).toBe(false);
    expect(t.pacer.throttled).toHaveBeenCalledTimes(1);
    expect(t.quota.sent).not.toHaveBeenCalled();
    expect(t.logs).toEqual([
      {
        level: 'warn',
        message: 'test email failed; it will be retried',
        fields: { testId: 'test-1', errorName: 'Throttling' },
      },
    ]);
  });

  it('asks for a retry of a transient failure, naming an unclassified error "Unknown", without slowing the pacer', async () => {
    const t = testSetup(async () => {
      throw new Error('socket hang up');
    });
    expect(await sendTestEmail(t.deps, test())).toBe(false);
    expect(t.pacer.throttled).not.toHaveBeenCalled();
    expect(t.logs).toEqual([
      {
        level: 'warn',
        message: 'test email failed; it will be retried',
        fields: { testId: 'test-1', errorName: 'Unknown' },
      },
    ]);
  });
});

describe('validateWorkerConfig', () => {
  const config = (over: Partial<WorkerConfig>): WorkerConfig => ({
    ...DEFAULT_WORKER_CONFIG,
    from: FROM,
    sendAttempts: 3,
    retryMaxMs: 1_000,
    ...over,
  });

  it('accepts the defaults, returning the config itself', () => {
    const defaults = { ...DEFAULT_WORKER_CONFIG, from: FROM };
    expect(validateWorkerConfig(defaults)).toBe(defaults);
  });

  it('refuses attempt counts and a concurrency that are not whole numbers of at least 1', () => {
    for (const key of ['sendAttempts', 'markAttempts', 'concurrency'] as const) {
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        expect(() => validateWorkerConfig(config({ [key]: bad }))).toThrow(
          new Error(`${key} must be a whole number of at least 1, not ${bad}`),
        );
      }
      const one = config({ [key]: 1 });
      expect(validateWorkerConfig(one)).toBe(one);
    }
  });

  it('refuses a lease whose three quarters do not outlast every attempt at its longest back-off', () => {
    // Worst case 3 × 1,000 = 3,000 ms; it must stay under 0.75 × leaseMs.
    expect(() => validateWorkerConfig(config({ leaseMs: 4_000 }))).toThrow(
      new Error('lease 4000 ms is too short for 3 attempts of up to 1000 ms'),
    );
    const ok = config({ leaseMs: 4_001 });
    expect(validateWorkerConfig(ok)).toBe(ok);
  });
});

describe('Limiter', () => {
  /** Lets every pending promise callback run (no timers). */
  const flush = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  };

  it.each([0, -1, 0.5, Number.NaN])('refuses size %s', (size) => {
    expect(() => new Limiter(size)).toThrow(new Error('limiter size must be at least 1'));
  });

  it('with size 1 runs one function at a time, in the order they came, and frees its slot after each', async () => {
    const limiter = new Limiter(1);
    const started: string[] = [];
    const gates = { a: deferred(), b: deferred(), c: deferred() };
    const run = (name: keyof typeof gates) =>
      limiter.run(async () => {
        started.push(name);
        await gates[name].promise;
        return name;
      });
    const results = [run('a'), run('b'), run('c')];
    await flush();
    expect(started).toEqual(['a']);
    gates.a.resolve();
    await flush();
    expect(started).toEqual(['a', 'b']);
    gates.b.resolve();
    gates.c.resolve();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    // All slots are free again: the next one starts at once.
    let ran = false;
    const next = limiter.run(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    await next;
  });

  it('with size 2 runs two at once, starts the next when one ends, and passes a thrown error on', async () => {
    const limiter = new Limiter(2);
    const started: number[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const results = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        await gate.promise;
        if (i === 1) throw new Error('boom');
        return i;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await expect(results[1]).rejects.toThrow('boom');
    await flush();
    // The failed one gave its slot to the third.
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all([results[0], results[2]])).toEqual([0, 2]);
  });
});
