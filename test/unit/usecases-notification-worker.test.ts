/**
 * processSendBatch on an in-memory ledger with the store contract's conditions (claim, finish with or
 * without a token, idempotent tallies): who is sent to, who is settled without a send and why, what the
 * batch counts, and how rejections, retries, live claims and an unrecorded send are handled.
 */

import { describe, expect, it, vi } from 'vitest';
import { MailSendError, type SendMessage } from '../../functions/domain/notification';
import { prepareRevision } from '../../functions/domain/prepare-revision';
import { addressHash } from '../../functions/domain/suppression';
import { createLogger } from '../../functions/http/log';
import type { Customer, NotificationStore, OutgoingEmail } from '../../functions/ports';
import { NoticeCache } from '../../functions/usecases/notification-content';
import {
  DEFAULT_WORKER_CONFIG,
  Limiter,
  processSendBatch,
  type WorkerDeps,
} from '../../functions/usecases/notification-worker';
import { customer, MemoryLedger, NOW } from '../support/memory-ledger';

function setup(customers: Customer[], opts: { suppressedEmails?: string[] } = {}) {
  const prepared = prepareRevision({
    policyId: 'privacy',
    input: { texts: { en: 'Privacy.\n' }, change: 'material' },
    latest: null,
    now: NOW,
  });
  const ledger = new MemoryLedger();
  const byId = new Map(customers.map((c) => [c.userId, c]));
  const list = new Set((opts.suppressedEmails ?? []).map(addressHash));
  const sent: OutgoingEmail[] = [];
  const mailer = {
    send: vi.fn(async (email: OutgoingEmail) => {
      sent.push(email);
      return { messageId: `m-${sent.length}` };
    }),
  };
  const metrics = { count: vi.fn() };
  const sleeps: number[] = [];
  const warnings: string[] = [];
  let idCount = 0;
  const deps: WorkerDeps = {
    notifications: ledger as unknown as NotificationStore,
    customers: {
      getMany: async (ids: string[]) => ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
      get: async (id: string) => byId.get(id) ?? null,
    },
    suppressions: {
      suppressedAmong: async (hashes: string[]) => new Set(hashes.filter((h) => list.has(h))),
      get: async (hash: string) => (list.has(hash) ? ({ hash } as never) : null),
    },
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
    clock: { now: () => NOW },
    ids: { next: () => `id-${++idCount}` },
    logger: createLogger('test', 'warn', (line) => warnings.push(JSON.parse(line).message)),
    config: { ...DEFAULT_WORKER_CONFIG, from: 'Example Co. <privacy@example.com>' },
    limiter: new Limiter(2),
    unrecorded: new Map(),
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    metrics,
  };
  return { deps, ledger, byId, sent, mailer, metrics, sleeps, warnings };
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
const FAR = Number.POSITIVE_INFINITY;

describe('processSendBatch', () => {
  it('sends to active customers and settles the others without a send, counting the batch once', async () => {
    const t = setup(
      [
        customer('u1', { name: 'An' }),
        customer('u3', { status: 'suppressed', suppressedReason: 'complaint' }),
        customer('u4'),
        customer('u5', { email: 'bad address' }),
      ],
      { suppressedEmails: ['U4@Example.com'] },
    );
    const result = await processSendBatch(t.deps, message(['u1', 'u2', 'u3', 'u4', 'u5', 'u1']), FAR);
    expect(result).toEqual({ done: true, sent: 1, unfinished: 0 });
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]).toMatchObject({
      from: 'Example Co. <privacy@example.com>',
      to: 'u1@example.com',
      tags: { ledger: Buffer.from('["privacy",1,"u1"]').toString('base64url') },
    });
    expect(t.sent[0]!.text).toContain('An');
    const states = Object.fromEntries(
      [...t.ledger.entries].map(([id, e]) => [id, [e.state, e.reason ?? e.messageId, e.finalizedBy]]),
    );
    expect(states).toEqual({
      u1: ['sent', 'm-1', '0-0'],
      u2: ['suppressed', 'deleted', '0-0'],
      u3: ['suppressed', 'complaint', '0-0'],
      u4: ['suppressed', 'suppression-list', '0-0'],
      u5: ['failed', 'InvalidAddress', '0-0'],
    });
    expect(t.ledger.tallies.get(0)).toMatchObject({
      countedBatches: ['0-0'],
      sent: 1,
      failed: 1,
      suppressed: 3,
    });
    expect(t.metrics.count.mock.calls).toEqual([
      ['EmailsSent', 1],
      ['EmailsFailed', 1],
      ['EmailsSuppressed', 3],
    ]);
    expect(t.deps.pacer.take).toHaveBeenCalledTimes(1);

    // The same batch again: already counted, nobody is emailed twice, nothing is counted twice.
    const again = await processSendBatch(t.deps, message(['u1', 'u2', 'u3', 'u4', 'u5']), FAR);
    expect(again).toEqual({ done: true, sent: 0, unfinished: 0 });
    expect(t.sent).toHaveLength(1);
    expect(t.metrics.count).toHaveBeenCalledTimes(3);
  });

  it("tells the pacer each send goes out right before the SES call, after the customer's re-read", async () => {
    const t = setup([customer('u1'), customer('u2')]);
    const events: string[] = [];
    t.deps.pacer = {
      take: async () => {
        events.push('take');
        return { sending: () => events.push('sending') };
      },
      throttled: () => {},
    };
    const get = t.deps.customers.get;
    t.deps.customers.get = async (id, opts) => {
      events.push(`read ${id}`);
      return get(id, opts);
    };
    t.mailer.send.mockImplementation(async (email: OutgoingEmail) => {
      events.push(`ses ${email.to}`);
      return { messageId: `m-${email.to}` };
    });
    t.deps.limiter = new Limiter(1);
    await processSendBatch(t.deps, message(['u1', 'u2']), FAR);
    expect(events).toEqual([
      'take',
      'read u1',
      'sending',
      'ses u1@example.com',
      'take',
      'read u2',
      'sending',
      'ses u2@example.com',
    ]);
  });

  it('counts only what this batch finalised when another delivery finalised some first', async () => {
    const t = setup([customer('u1'), customer('u2')]);
    t.ledger.entries.set('u1', {
      userId: 'u1',
      state: 'sent',
      attempts: 1,
      finalizedBy: '0-9',
      messageId: 'old',
    });
    const result = await processSendBatch(t.deps, message(['u1', 'u2']), FAR);
    expect(result).toEqual({ done: true, sent: 1, unfinished: 0 });
    expect(t.sent.map((e) => e.to)).toEqual(['u2@example.com']);
    expect(t.ledger.tallies.get(0)).toMatchObject({ sent: 1, failed: 0, suppressed: 0 });
  });

  it('leaves a recipient another delivery holds a live claim on for later', async () => {
    const t = setup([customer('u1'), customer('u2')]);
    t.ledger.entries.set('u1', {
      userId: 'u1',
      state: 'claimed',
      attempts: 1,
      claimToken: 'other',
      leaseUntil: NOW.getTime() + 60_000,
    });
    const result = await processSendBatch(t.deps, message(['u1', 'u2']), FAR);
    expect(result).toEqual({ done: false, sent: 1, unfinished: 1 });
    expect(t.ledger.tallies.size).toBe(0);
    // A lapsed claim is taken over.
    t.ledger.entries.set('u1', { ...t.ledger.entries.get('u1')!, leaseUntil: NOW.getTime() - 1 });
    expect(await processSendBatch(t.deps, message(['u1', 'u2']), FAR)).toEqual({
      done: true,
      sent: 1,
      unfinished: 0,
    });
    expect(t.sent.map((e) => e.to)).toEqual(['u2@example.com', 'u1@example.com']);
  });

  it('fails a rejected recipient with the provider code, retries transient and throttled sends with back-off', async () => {
    const t = setup([customer('u1'), customer('u2')]);
    let calls = 0;
    t.mailer.send.mockImplementation(async (email: OutgoingEmail) => {
      calls++;
      if (email.to === 'u1@example.com')
        throw new MailSendError(
          'rejected',
          'MessageRejected',
          'Email address is not verified: u1@example.com',
        );
      if (calls === 2) throw new MailSendError('throttled', 'Throttling', 'Maximum sending rate exceeded');
      if (calls === 3) throw new Error('socket hang up');
      return { messageId: 'm-ok' };
    });
    const result = await processSendBatch(
      { ...t.deps, limiter: new Limiter(1) },
      message(['u1', 'u2'], '0-1'),
      FAR,
    );
    expect(result).toEqual({ done: true, sent: 1, unfinished: 0 });
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'failed' });
    expect(t.ledger.entries.get('u1')!.reason).toMatch(/^MessageRejected: Email address is not verified: /);
    expect(t.ledger.entries.get('u1')!.reason).not.toContain('u1@example.com');
    expect(t.ledger.entries.get('u2')).toMatchObject({ state: 'sent', messageId: 'm-ok' });
    expect(t.deps.pacer.throttled).toHaveBeenCalledTimes(1);
    expect(t.sleeps).toHaveLength(2);
    expect(t.warnings).toEqual(['transient send failure; retrying']);
  });

  it('gives the claim back after the last attempt, for a later delivery', async () => {
    const t = setup([customer('u1')]);
    t.mailer.send.mockRejectedValue(new MailSendError('transient', 'ServiceUnavailable', 'try later'));
    const deps = { ...t.deps, config: { ...t.deps.config, sendAttempts: 3 } };
    expect(await processSendBatch(deps, message(['u1']), FAR)).toEqual({
      done: false,
      sent: 0,
      unfinished: 1,
    });
    expect(t.mailer.send).toHaveBeenCalledTimes(3);
    expect(t.sleeps).toHaveLength(2);
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'pending' });
    expect(t.warnings.at(-1)).toBe('send retries exhausted; the batch goes back to the queue');
  });

  it('does not send past the deadline, and releases its claim', async () => {
    const t = setup([customer('u1')]);
    expect(await processSendBatch(t.deps, message(['u1']), NOW.getTime() - 1)).toEqual({
      done: false,
      sent: 0,
      unfinished: 1,
    });
    expect(t.mailer.send).not.toHaveBeenCalled();
  });

  it('remembers a send whose ledger write failed, and records it instead of sending again', async () => {
    const t = setup([customer('u1')]);
    t.ledger.failFinishSent = DEFAULT_WORKER_CONFIG.markAttempts;
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: false,
      sent: 0,
      unfinished: 1,
    });
    expect(t.deps.unrecorded.get('privacy/1/u1')).toEqual({ messageId: 'm-1', at: NOW.toISOString() });
    expect(t.sleeps).toHaveLength(DEFAULT_WORKER_CONFIG.markAttempts - 1);
    // The claim lapses; the next delivery records the remembered send without a second email.
    t.ledger.entries.set('u1', { ...t.ledger.entries.get('u1')!, leaseUntil: NOW.getTime() - 1 });
    expect(await processSendBatch(t.deps, message(['u1']), FAR)).toEqual({
      done: true,
      sent: 1,
      unfinished: 0,
    });
    expect(t.mailer.send).toHaveBeenCalledTimes(1);
    expect(t.ledger.entries.get('u1')).toMatchObject({ state: 'sent', messageId: 'm-1' });
    expect(t.deps.unrecorded.size).toBe(0);
  });
});
