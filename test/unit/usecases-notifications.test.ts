/**
 * The campaign use cases (functions/usecases/notifications.ts) on an in-memory NotificationStore with
 * the port's conditions (write-once campaign and pages, conditional checkpoint, lease and sweep record,
 * idempotent roll-up): starting a campaign, fan-out steps, completion, the sweeper's repairs, the
 * progress view, SES events and the retry of failed recipients. Expectations are written by hand.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DomainError } from '../../functions/domain/errors';
import { ledgerTag } from '../../functions/domain/notification';
import type { Revision } from '../../functions/domain/revision';
import { addressHash } from '../../functions/domain/suppression';
import type {
  Campaign,
  Customer,
  FanoutPage,
  LedgerEntry,
  Logger,
  NotificationStore,
  Page,
  PageTally,
  QueueMessage,
  Suppression,
} from '../../functions/ports';
import { RevisionCatalog } from '../../functions/usecases/catalog';
import {
  applySesEvent,
  campaignStarter,
  completeIfDone,
  DEFAULT_FANOUT_LEASE_MS,
  fanoutStep,
  notificationStatus,
  PAGE_TTL_MS,
  retryFailed,
  rollUpIfComplete,
  startCampaign,
  sweep,
} from '../../functions/usecases/notifications';
import { publishRevision } from '../../functions/usecases/publish';
import { MemoryPolicyStore } from '../support/memory-ports';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const MIN = 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Campaigns, frozen pages, tallies and ledger entries in maps, with NotificationStore's conditions. */
class MemoryCampaigns implements NotificationStore {
  readonly campaigns = new Map<string, Campaign>();
  readonly pages = new Map<string, { page: FanoutPage; expiresAt: number }>();
  readonly tallies = new Map<string, PageTally>();
  readonly entries = new Map<string, LedgerEntry>();
  readonly deliveries: Array<{ key: string; messageId: string; deliveredAt: string }> = [];
  /** Set to make the next checkpoint lose its race. */
  loseCheckpoint = false;
  /** Set to make the next openRetryPage lose its race. */
  loseRetryOpen = false;

  private key = (p: string, v: number) => `${p}/${v}`;

  async createCampaign(c: { policyId: string; version: number; createdAt: string; leaseUntil: number }) {
    const k = this.key(c.policyId, c.version);
    if (this.campaigns.has(k)) return false;
    this.campaigns.set(k, {
      policyId: c.policyId,
      version: c.version,
      status: 'pending',
      createdAt: c.createdAt,
      startedAt: null,
      completedAt: null,
      total: 0,
      sent: 0,
      failed: 0,
      suppressed: 0,
      fanout: { page: 0, cursor: null, done: false, leaseUntil: c.leaseUntil },
      rolledUpPages: [],
      sweep: null,
    });
    return true;
  }
  async getCampaign(p: string, v: number) {
    const c = this.campaigns.get(this.key(p, v));
    return c ? structuredClone(c) : null;
  }
  set(c: Campaign) {
    this.campaigns.set(this.key(c.policyId, c.version), structuredClone(c));
  }
  async renewFanoutLease(p: string, v: number, expected: number, leaseUntil: number) {
    const c = this.campaigns.get(this.key(p, v));
    if (!c || c.fanout.leaseUntil !== expected) return false;
    c.fanout.leaseUntil = leaseUntil;
    return true;
  }
  async getPage(p: string, v: number, page: number) {
    return this.pages.get(`${this.key(p, v)}#${page}`)?.page ?? null;
  }
  async putPage(p: string, v: number, page: FanoutPage, expiresAt: number) {
    const k = `${this.key(p, v)}#${page.page}`;
    if (!this.pages.has(k)) this.pages.set(k, { page, expiresAt });
    return this.pages.get(k)!.page;
  }
  async checkpointFanout(
    p: string,
    v: number,
    a: {
      page: number;
      cursor: string | null;
      nextCursor: string | null;
      recipients: number;
      leaseUntil: number;
      at: string;
    },
  ) {
    const c = this.campaigns.get(this.key(p, v));
    if (this.loseCheckpoint || !c || c.fanout.page !== a.page || c.fanout.cursor !== a.cursor) {
      this.loseCheckpoint = false;
      return null;
    }
    c.fanout = {
      page: a.page + 1,
      cursor: a.nextCursor,
      done: a.nextCursor === null,
      leaseUntil: a.leaseUntil,
    };
    c.total += a.recipients;
    c.status = 'sending';
    c.startedAt ??= a.at;
    return structuredClone(c);
  }
  tally(p: string, v: number, t: PageTally) {
    this.tallies.set(`${this.key(p, v)}#${t.page}`, t);
  }
  async getTallies(p: string, v: number, pages: number[]) {
    return pages.flatMap((n) => {
      const t = this.tallies.get(`${this.key(p, v)}#${n}`);
      return t ? [structuredClone(t)] : [];
    });
  }
  async rollUpPage(p: string, v: number, t: PageTally) {
    const c = this.campaigns.get(this.key(p, v));
    if (!c || c.rolledUpPages.includes(t.page)) return null;
    c.rolledUpPages.push(t.page);
    c.sent += t.sent;
    c.failed += t.failed;
    c.suppressed += t.suppressed;
    return structuredClone(c);
  }
  async recordDelivery(p: string, v: number, userId: string, a: { messageId: string; deliveredAt: string }) {
    const k = `${this.key(p, v)}/${userId}`;
    if (!this.entries.has(k)) return false;
    this.deliveries.push({ key: k, ...a });
    return true;
  }
  /** Oldest first by key; the cursor is the last key returned (stable while campaigns complete). */
  async listOpenCampaigns(limit: number, cursor: string | null): Promise<Page<Campaign>> {
    const order = (c: Campaign) => `${c.policyId}/${String(c.version).padStart(8, '0')}`;
    const open = [...this.campaigns.values()]
      .filter((c) => c.status !== 'completed' && (cursor === null || order(c) > cursor))
      .sort((a, b) => order(a).localeCompare(order(b)));
    const items = open.slice(0, limit);
    return {
      items: items.map((c) => structuredClone(c)),
      nextCursor: open.length > limit ? order(items.at(-1)!) : null,
    };
  }
  async recordSweep(
    p: string,
    v: number,
    sweep: { signature: string; at: number },
    expected: { signature: string; at: number } | null,
  ) {
    const c = this.campaigns.get(this.key(p, v));
    if (!c || JSON.stringify(c.sweep) !== JSON.stringify(expected)) return false;
    c.sweep = sweep;
    return true;
  }
  async completeCampaign(p: string, v: number, at: string) {
    const c = this.campaigns.get(this.key(p, v));
    if (!c || c.status === 'completed') return false;
    c.status = 'completed';
    c.completedAt = at;
    return true;
  }
  entry(p: string, v: number, e: LedgerEntry) {
    this.entries.set(`${this.key(p, v)}/${e.userId}`, e);
  }
  async listFailed(p: string, v: number) {
    return [...this.entries.entries()]
      .filter(([k, e]) => k.startsWith(`${this.key(p, v)}/`) && e.state === 'failed')
      .map(([, e]) => e)
      .sort((a, b) => a.userId.localeCompare(b.userId));
  }
  async requeueFailed(p: string, v: number, userId: string, page: number) {
    const e = this.entries.get(`${this.key(p, v)}/${userId}`);
    if (e?.state !== 'failed' || (e.retryPage ?? -1) >= page) return false;
    e.state = 'pending';
    e.retryPage = page;
    return true;
  }
  // The worker's part of the port (usecases-notification-worker.test.ts): these use cases never call it.
  getBatchState(): never {
    throw new Error('not used by the campaign use cases');
  }
  getEntry(): never {
    throw new Error('not used by the campaign use cases');
  }
  claim(): never {
    throw new Error('not used by the campaign use cases');
  }
  release(): never {
    throw new Error('not used by the campaign use cases');
  }
  finish(): never {
    throw new Error('not used by the campaign use cases');
  }
  applyBatchTally(): never {
    throw new Error('not used by the campaign use cases');
  }
  async openRetryPage(p: string, v: number, a: { page: number; recipients: number; at: string }) {
    const c = this.campaigns.get(this.key(p, v));
    if (this.loseRetryOpen || !c || !c.fanout.done || c.fanout.page !== a.page) {
      this.loseRetryOpen = false;
      return false;
    }
    c.fanout.page = a.page + 1;
    c.total += 0;
    c.failed -= a.recipients;
    c.status = 'sending';
    c.completedAt = null;
    return true;
  }
}

class RecordingQueue {
  readonly messages: QueueMessage[] = [];
  calls = 0;
  async sendBatch(m: QueueMessage[]) {
    this.calls++;
    this.messages.push(...m);
  }
  bodies() {
    return this.messages.map((m) => JSON.parse(m.body));
  }
}

function logger() {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void =>
      void lines.push([level, message, fields]);
  const l: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { lines, logger: l };
}

const customer = (userId: string): Customer => ({
  userId,
  email: `${userId}@example.com`,
  locale: null,
  name: null,
  timeZone: null,
  status: 'active',
  registeredAt: iso(T0),
  updatedAt: iso(T0),
});

function setup(userIds: string[] = []) {
  let nowMs = T0;
  const clock = { now: () => new Date(nowMs) };
  const notifications = new MemoryCampaigns();
  const fanoutQueue = new RecordingQueue();
  const sendQueue = new RecordingQueue();
  const log = logger();
  const pageCalls: Array<[number, string | null]> = [];
  const customers = {
    pageActive: async (limit: number, cursor: string | null): Promise<Page<Customer>> => {
      pageCalls.push([limit, cursor]);
      const start = cursor === null ? 0 : Number(cursor);
      const end = start + limit;
      return {
        items: userIds.slice(start, end).map(customer),
        nextCursor: end < userIds.length ? String(end) : null,
      };
    },
  };
  const deps = {
    notifications,
    fanoutQueue,
    sendQueue,
    clock,
    customers,
    logger: log.logger,
  };
  return {
    deps,
    notifications,
    fanoutQueue,
    sendQueue,
    lines: log.lines,
    pageCalls,
    at: (ms: number) => {
      nowMs = ms;
    },
  };
}

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  policyId: 'privacy',
  version: 2,
  status: 'sending',
  createdAt: iso(T0),
  startedAt: iso(T0),
  completedAt: null,
  total: 0,
  sent: 0,
  failed: 0,
  suppressed: 0,
  fanout: { page: 0, cursor: null, done: false, leaseUntil: T0 + 2 * MIN },
  rolledUpPages: [],
  sweep: null,
  ...over,
});

const tally = (page: number, counted: string[], batches: number, sent = 0, failed = 0, suppressed = 0) => ({
  page,
  batches,
  countedBatches: counted,
  sent,
  failed,
  suppressed,
});

describe('startCampaign and campaignStarter', () => {
  it('creates the campaign once with its fan-out lease and enqueues its first step', async () => {
    const { deps, notifications, fanoutQueue } = setup();
    const revision = { policyId: 'privacy', version: 2, notify: true };
    expect(await startCampaign(deps, revision)).toBe('started');
    const c = await notifications.getCampaign('privacy', 2);
    expect(c).toMatchObject({ status: 'pending', createdAt: iso(T0), total: 0 });
    expect(c!.fanout.leaseUntil).toBe(T0 + DEFAULT_FANOUT_LEASE_MS);
    expect(DEFAULT_FANOUT_LEASE_MS).toBe(2 * MIN);
    expect(fanoutQueue.messages).toEqual([
      { id: 'fanout', body: JSON.stringify({ kind: 'fanout', policyId: 'privacy', version: 2 }) },
    ]);
    expect(await startCampaign(deps, revision)).toBe('exists');
    expect(fanoutQueue.messages).toHaveLength(1);
    expect(await startCampaign(deps, { ...revision, version: 3, notify: false })).toBe('not_requested');
    expect(await notifications.getCampaign('privacy', 3)).toBeNull();
    expect(await startCampaign({ ...deps, fanoutLeaseMs: 5000 }, { ...revision, version: 4 })).toBe(
      'started',
    );
    expect((await notifications.getCampaign('privacy', 4))!.fanout.leaseUntil).toBe(T0 + 5000);
  });

  it('never fails the publish: a failed start is logged by name only', async () => {
    const { deps, lines } = setup();
    const failing = {
      ...deps,
      notifications: {
        ...deps.notifications,
        createCampaign: async () => {
          throw new TypeError('table missing');
        },
      } as unknown as NotificationStore,
    };
    const start = campaignStarter(failing);
    await expect(
      start({ policyId: 'privacy', version: 2, notify: true } as Revision),
    ).resolves.toBeUndefined();
    expect(lines).toEqual([
      [
        'error',
        'campaign start failed; the sweeper will start it',
        { policyId: 'privacy', version: 2, errorName: 'TypeError' },
      ],
    ]);
    const odd = campaignStarter({
      ...failing,
      notifications: {
        createCampaign: () => Promise.reject('not an Error'),
      } as unknown as NotificationStore,
    });
    await odd({ policyId: 'privacy', version: 3, notify: true } as Revision);
    expect(lines[1]![2]).toEqual({ policyId: 'privacy', version: 3, errorName: 'unknown' });
    const { deps: ok, fanoutQueue } = setup();
    await campaignStarter(ok)({ policyId: 'privacy', version: 2, notify: true } as Revision);
    expect(fanoutQueue.messages).toHaveLength(1);
  });
});

describe('fanoutStep', () => {
  const message = { kind: 'fanout' as const, policyId: 'privacy', version: 2 };

  it('freezes each page, enqueues its batches, advances the checkpoint and the next step, then completes', async () => {
    const { deps, notifications, fanoutQueue, sendQueue, pageCalls, lines } = setup(['u1', 'u2', 'u3', 'u2']);
    await startCampaign(deps, { policyId: 'privacy', version: 2, notify: true });
    const step = { ...deps, pageSize: 3, batchSize: 2 };
    expect(await fanoutStep(step, message)).toBe('advanced');
    expect(pageCalls).toEqual([[3, null]]);
    // The page's ids are unique: u2 once.
    expect(await notifications.getPage('privacy', 2, 0)).toEqual({
      page: 0,
      cursorIn: null,
      cursorOut: '3',
      userIds: ['u1', 'u2', 'u3'],
    });
    expect(notifications.pages.get('privacy/2#0')!.expiresAt).toBe(T0 + PAGE_TTL_MS);
    expect(PAGE_TTL_MS).toBe(30 * 24 * 60 * MIN);
    expect(sendQueue.messages.map((m) => m.id)).toEqual(['0-0', '0-1']);
    expect(sendQueue.bodies()[1]).toEqual({
      kind: 'send',
      policyId: 'privacy',
      version: 2,
      page: 0,
      batches: 2,
      batchId: '0-1',
      userIds: ['u3'],
    });
    const c = (await notifications.getCampaign('privacy', 2))!;
    expect(c.total).toBe(3);
    expect(c.fanout).toEqual({ page: 1, cursor: '3', done: false, leaseUntil: T0 + DEFAULT_FANOUT_LEASE_MS });
    expect(fanoutQueue.messages).toHaveLength(2);
    expect(lines).toContainEqual([
      'info',
      'fan-out page enqueued',
      { policyId: 'privacy', version: 2, page: 0, recipients: 3 },
    ]);

    // The last page: the fan-out is done; not complete until every recipient is counted.
    expect(await fanoutStep(step, message)).toBe('done');
    expect(pageCalls).toEqual([
      [3, null],
      [3, '3'],
    ]);
    expect(sendQueue.messages.map((m) => m.id)).toEqual(['0-0', '0-1', '1-0']);
    expect(fanoutQueue.messages).toHaveLength(2);
    expect((await notifications.getCampaign('privacy', 2))!.status).toBe('sending');
    // A redelivered step after the end completes a campaign whose counts are in.
    const done = (await notifications.getCampaign('privacy', 2))!;
    notifications.set({ ...done, sent: 3, total: 4, suppressed: 1 });
    expect(await fanoutStep(step, message)).toBe('finished');
    expect((await notifications.getCampaign('privacy', 2))!.status).toBe('completed');
    expect(sendQueue.messages).toHaveLength(3);
  });

  it('completes at once a campaign whose last page had nobody to send to', async () => {
    const { deps, notifications, sendQueue } = setup([]);
    await startCampaign(deps, { policyId: 'privacy', version: 2, notify: true });
    expect(await fanoutStep(deps, message)).toBe('done');
    expect(sendQueue.calls).toBe(0);
    const c = (await notifications.getCampaign('privacy', 2))!;
    expect([c.status, c.completedAt, c.total]).toEqual(['completed', iso(T0), 0]);
  });

  it('reads the default page size and re-enqueues the same batches from a page frozen earlier', async () => {
    const { deps, notifications, sendQueue, pageCalls } = setup(['u1']);
    await startCampaign(deps, { policyId: 'privacy', version: 2, notify: true });
    await notifications.putPage(
      'privacy',
      2,
      { page: 0, cursorIn: null, cursorOut: null, userIds: ['x', 'y'] },
      0,
    );
    expect(await fanoutStep(deps, message)).toBe('done');
    expect(pageCalls).toEqual([]);
    expect(sendQueue.bodies().map((b) => b.userIds)).toEqual([['x', 'y']]);
    const { deps: d2, pageCalls: calls2 } = setup(['u1']);
    await startCampaign(d2, { policyId: 'privacy', version: 2, notify: true });
    await fanoutStep(d2, message);
    expect(calls2).toEqual([[500, null]]);
  });

  it('stops on a lost checkpoint race, on a missing campaign, and refuses a page read from another cursor', async () => {
    const { deps, notifications, fanoutQueue, lines } = setup(['u1']);
    expect(await fanoutStep(deps, message)).toBe('missing');
    expect(lines).toEqual([
      ['warn', 'fan-out for a campaign that does not exist', { policyId: 'privacy', version: 2 }],
    ]);
    await startCampaign(deps, { policyId: 'privacy', version: 2, notify: true });
    notifications.loseCheckpoint = true;
    expect(await fanoutStep(deps, message)).toBe('lost-race');
    expect(fanoutQueue.messages).toHaveLength(1);
    notifications.set(
      campaign({ status: 'pending', fanout: { page: 0, cursor: 'c9', done: false, leaseUntil: 0 } }),
    );
    await expect(fanoutStep(deps, message)).rejects.toThrow(
      'page 0 of privacy v2 was read from another cursor',
    );
  });
});

describe('completeIfDone and rollUpIfComplete', () => {
  it('completes only a campaign whose fan-out is over and whose recipients are all counted', async () => {
    const { deps, notifications, lines } = setup();
    const c = campaign({
      total: 3,
      sent: 2,
      failed: 0,
      suppressed: 0,
      fanout: { page: 1, cursor: null, done: true, leaseUntil: 0 },
    });
    notifications.set(c);
    expect(await completeIfDone(deps, c)).toBe(false);
    expect(await completeIfDone(deps, { ...c, sent: 3, fanout: { ...c.fanout, done: false } })).toBe(false);
    expect(await completeIfDone(deps, { ...c, sent: 1, failed: 1, suppressed: 1 })).toBe(true);
    expect(lines).toEqual([
      [
        'info',
        'campaign completed',
        { policyId: 'privacy', version: 2, total: 3, sent: 1, failed: 1, suppressed: 1 },
      ],
    ]);
    expect(await completeIfDone(deps, { ...c, sent: 3 })).toBe(false);
    // Without a logger too.
    notifications.set({ ...c, version: 3 });
    expect(await completeIfDone({ notifications, clock: deps.clock }, { ...c, version: 3, sent: 3 })).toBe(
      true,
    );
    expect(await completeIfDone({ notifications, clock: deps.clock }, { ...c, status: 'completed' })).toBe(
      false,
    );
    expect(lines).toHaveLength(1);
  });

  it('rolls up a complete page tally once and completes the campaign with its last page', async () => {
    const { deps, notifications } = setup();
    notifications.set(campaign({ total: 3, fanout: { page: 2, cursor: null, done: true, leaseUntil: 0 } }));
    await rollUpIfComplete(deps, 'privacy', 2, tally(0, ['0-0'], 2, 1));
    expect((await notifications.getCampaign('privacy', 2))!.rolledUpPages).toEqual([]);
    await rollUpIfComplete(deps, 'privacy', 2, tally(0, ['0-0', '0-1'], 2, 1, 1));
    await rollUpIfComplete(deps, 'privacy', 2, tally(0, ['0-0', '0-1'], 2, 1, 1));
    let c = (await notifications.getCampaign('privacy', 2))!;
    expect([c.rolledUpPages, c.sent, c.failed, c.status]).toEqual([[0], 1, 1, 'sending']);
    await rollUpIfComplete(deps, 'privacy', 2, tally(1, ['1-0'], 1, 0, 0, 1));
    c = (await notifications.getCampaign('privacy', 2))!;
    expect([c.suppressed, c.status]).toEqual([1, 'completed']);
  });

  it('completes on a redelivered roll-up that a crash left before completion', async () => {
    const { deps, notifications } = setup();
    notifications.set(
      campaign({
        total: 1,
        sent: 1,
        rolledUpPages: [0],
        fanout: { page: 1, cursor: null, done: true, leaseUntil: 0 },
      }),
    );
    await rollUpIfComplete(deps, 'privacy', 2, tally(0, ['0-0'], 1, 1));
    expect((await notifications.getCampaign('privacy', 2))!.status).toBe('completed');
    // No campaign at all: nothing to do, nothing thrown.
    await expect(rollUpIfComplete(deps, 'privacy', 9, tally(0, ['0-0'], 1, 1))).resolves.toBeUndefined();
  });
});

describe('sweep', () => {
  function sweeper(userIds: string[] = []) {
    const s = setup(userIds);
    const policies = new MemoryPolicyStore();
    const catalog = new RevisionCatalog(policies, 0);
    const publish = async (policyId: string, notify: boolean, atMs: number) => {
      s.at(atMs);
      return (
        await publishRevision(
          { policies, catalog, clock: s.deps.clock },
          policyId,
          { texts: { en: `Policy ${policyId} at ${atMs}.\n` }, change: 'minor', notify },
          { dryRun: false },
        )
      ).revision;
    };
    return { ...s, policies, sweepDeps: { ...s.deps, policies }, publish };
  }

  it('starts the missing campaigns of recent notified revisions only', async () => {
    const { sweepDeps, notifications, publish, at, lines, fanoutQueue } = sweeper();
    const DAY = 24 * 60 * MIN;
    await publish('privacy', true, T0); // v1: older than the window when swept
    await publish('privacy', true, T0 + 1 * DAY); // v2: exactly at the window's edge
    await publish('privacy', false, T0 + 2 * DAY); // v3: not notified
    await publish('privacy', true, T0 + 3 * DAY); // v4
    await publish('terms', true, T0 + 3 * DAY);
    await notifications.createCampaign({
      policyId: 'terms',
      version: 1,
      createdAt: iso(T0),
      leaseUntil: Number.MAX_SAFE_INTEGER,
    });
    at(T0 + 8 * DAY);
    const report = await sweep({ ...sweepDeps, recentRevisions: 5 });
    expect(report.started).toBe(2);
    expect([...notifications.campaigns.keys()].sort()).toEqual(['privacy/2', 'privacy/4', 'terms/1']);
    expect(lines.filter(([l]) => l === 'warn').map(([, m, f]) => [m, f])).toEqual([
      ['sweeper started a missing campaign', { policyId: 'privacy', version: 4 }],
      ['sweeper started a missing campaign', { policyId: 'privacy', version: 2 }],
    ]);
    expect(fanoutQueue.messages).toHaveLength(2);
    // Only the 3 newest revisions are looked at by default.
    const { sweepDeps: d2, notifications: n2, publish: p2, at: at2 } = sweeper();
    for (let i = 0; i < 4; i++) await p2('privacy', true, T0 + i * MIN);
    at2(T0 + 4 * MIN);
    expect((await sweep(d2)).started).toBe(3);
    expect([...n2.campaigns.keys()].sort()).toEqual(['privacy/2', 'privacy/3', 'privacy/4']);
    // A custom window.
    const { sweepDeps: d3, notifications: n3, publish: p3, at: at3 } = sweeper();
    await p3('privacy', true, T0);
    at3(T0 + 10 * MIN);
    expect((await sweep({ ...d3, windowMs: 9 * MIN })).started).toBe(0);
    expect(n3.campaigns.size).toBe(0);
  });

  it('restarts a fan-out whose lease ran out, once, and leaves a leased one alone', async () => {
    const { sweepDeps, notifications, fanoutQueue, at, lines } = sweeper();
    notifications.set(campaign({ fanout: { page: 1, cursor: 'c', done: false, leaseUntil: T0 } }));
    notifications.set(
      campaign({ version: 3, fanout: { page: 1, cursor: 'c', done: false, leaseUntil: T0 + MIN } }),
    );
    at(T0 + 1);
    const report = await sweep(sweepDeps);
    expect(report).toMatchObject({ checked: 2, restarted: 1, started: 0 });
    expect(fanoutQueue.bodies()).toEqual([{ kind: 'fanout', policyId: 'privacy', version: 2 }]);
    expect((await notifications.getCampaign('privacy', 2))!.fanout.leaseUntil).toBe(
      T0 + 1 + DEFAULT_FANOUT_LEASE_MS,
    );
    expect(lines).toContainEqual([
      'warn',
      'sweeper restarted a stalled fan-out',
      { policyId: 'privacy', version: 2, page: 1 },
    ]);
    // The lease just renewed: the next run does nothing; a custom lease length is used.
    expect((await sweep(sweepDeps)).restarted).toBe(0);
    at(T0 + MIN);
    expect((await sweep({ ...sweepDeps, fanoutLeaseMs: 1000 })).restarted).toBe(0);
    at(T0 + MIN + 1);
    expect((await sweep({ ...sweepDeps, fanoutLeaseMs: 1000 })).restarted).toBe(1);
    expect((await notifications.getCampaign('privacy', 3))!.fanout.leaseUntil).toBe(T0 + MIN + 1 + 1000);
  });

  it('rolls up the pages a crash left, completes the campaign, and pages through open campaigns', async () => {
    const { sweepDeps, notifications } = sweeper();
    for (let v = 1; v <= 102; v++)
      notifications.set(
        campaign({ version: v, fanout: { page: 0, cursor: null, done: false, leaseUntil: T0 + MIN } }),
      );
    notifications.set(
      campaign({
        version: 2,
        total: 3,
        fanout: { page: 2, cursor: null, done: true, leaseUntil: 0 },
        rolledUpPages: [1],
        sent: 1,
      }),
    );
    notifications.tally('privacy', 2, tally(0, ['0-0'], 1, 1, 1));
    notifications.set(campaign({ version: 103, status: 'completed' }));
    const report = await sweep(sweepDeps);
    expect(report).toEqual({
      checked: 102,
      started: 0,
      restarted: 0,
      rolledUp: 1,
      completed: 1,
      requeued: 0,
    });
    const c = (await notifications.getCampaign('privacy', 2))!;
    expect([c.status, c.sent, c.failed, c.rolledUpPages]).toEqual(['completed', 2, 1, [1, 0]]);
  });

  it('re-enqueues the uncounted batches of a campaign that made no progress for stallMs, once', async () => {
    const { sweepDeps, notifications, sendQueue, at, lines } = sweeper();
    const deps = { ...sweepDeps, batchSize: 2 };
    notifications.set(campaign({ total: 5, fanout: { page: 2, cursor: null, done: true, leaseUntil: 0 } }));
    await notifications.putPage(
      'privacy',
      2,
      { page: 0, cursorIn: null, cursorOut: 'c', userIds: ['a', 'b', 'c'] },
      0,
    );
    await notifications.putPage(
      'privacy',
      2,
      { page: 1, cursorIn: 'c', cursorOut: null, userIds: ['d', 'e'] },
      0,
    );
    notifications.tally('privacy', 2, tally(0, ['0-0'], 2, 2));
    // First look: records what it saw.
    expect(await sweep(deps)).toMatchObject({ requeued: 0 });
    expect((await notifications.getCampaign('privacy', 2))!.sweep).toEqual({ signature: '2:2', at: T0 });
    // No progress, but not for long enough.
    at(T0 + 30 * MIN - 1);
    expect((await sweep(deps)).requeued).toBe(0);
    expect((await notifications.getCampaign('privacy', 2))!.sweep).toEqual({ signature: '2:2', at: T0 });
    // Stalled: the batches not counted go back on the queue (page 0's second, page 1's only one).
    at(T0 + 30 * MIN);
    expect((await sweep(deps)).requeued).toBe(2);
    expect(sendQueue.messages.map((m) => m.id)).toEqual(['0-1', '1-0']);
    expect(sendQueue.bodies()[0].userIds).toEqual(['c']);
    expect(lines).toContainEqual([
      'warn',
      'sweeper re-enqueued send batches of a campaign without progress',
      { policyId: 'privacy', version: 2, batches: 2 },
    ]);
    expect((await notifications.getCampaign('privacy', 2))!.sweep).toEqual({
      signature: '2:2',
      at: T0 + 30 * MIN,
    });
    // Progress since: the signature changes and nothing is re-enqueued.
    notifications.tally('privacy', 2, tally(1, ['1-0'], 1, 0, 1));
    at(T0 + 70 * MIN);
    expect((await sweep(deps)).requeued).toBe(0);
    expect((await notifications.getCampaign('privacy', 2))!.sweep).toEqual({
      signature: '2:3',
      at: T0 + 70 * MIN,
    });
  });

  it('counts the stall from a custom stallMs, and re-enqueues at once when the queues were lost', async () => {
    const { sweepDeps, notifications, sendQueue, fanoutQueue, at } = sweeper();
    notifications.set(campaign({ total: 1, fanout: { page: 1, cursor: null, done: true, leaseUntil: 0 } }));
    await notifications.putPage(
      'privacy',
      2,
      { page: 0, cursorIn: null, cursorOut: null, userIds: ['a'] },
      0,
    );
    await sweep({ ...sweepDeps, stallMs: 1000 });
    at(T0 + 999);
    expect((await sweep({ ...sweepDeps, stallMs: 1000 })).requeued).toBe(0);
    at(T0 + 1000);
    expect((await sweep({ ...sweepDeps, stallMs: 1000 })).requeued).toBe(1);
    // A lost queue: the fan-out (leased) and the batches again at once.
    notifications.set(
      campaign({
        version: 3,
        total: 1,
        fanout: { page: 1, cursor: 'c', done: false, leaseUntil: T0 + 60 * MIN },
      }),
    );
    await notifications.putPage('privacy', 3, { page: 0, cursorIn: null, cursorOut: 'c', userIds: ['a'] }, 0);
    const before = sendQueue.messages.length;
    const report = await sweep(sweepDeps, { queuesLost: true });
    expect(report.restarted).toBe(1);
    expect(fanoutQueue.bodies()).toEqual([{ kind: 'fanout', policyId: 'privacy', version: 3 }]);
    expect(sendQueue.messages.length - before).toBe(2);
  });

  it('does not re-enqueue when another sweeper recorded first, or when a page is not frozen', async () => {
    const { sweepDeps, notifications, sendQueue, at } = sweeper();
    notifications.set(campaign({ total: 2, fanout: { page: 2, cursor: null, done: true, leaseUntil: 0 } }));
    await notifications.putPage(
      'privacy',
      2,
      { page: 1, cursorIn: null, cursorOut: null, userIds: ['a'] },
      0,
    );
    await sweep(sweepDeps);
    at(T0 + 30 * MIN);
    const racing = {
      ...sweepDeps,
      notifications: Object.assign(Object.create(notifications), { recordSweep: async () => false }),
    };
    expect((await sweep(racing)).requeued).toBe(0);
    expect(sendQueue.messages).toEqual([]);
    expect((await sweep(sweepDeps)).requeued).toBe(1);
    expect(sendQueue.messages.map((m) => m.id)).toEqual(['1-0']);
  });
});

describe('sweep: bounds and progress signature', () => {
  it('looks at 100 open pages per campaign and run, and reads no tallies when no page is open', async () => {
    const { deps, notifications, sendQueue, lines } = setup();
    const sweepDeps = { ...deps, policies: new MemoryPolicyStore() };
    notifications.set(
      campaign({ total: 150, fanout: { page: 150, cursor: null, done: true, leaseUntil: 0 } }),
    );
    notifications.set(
      campaign({ version: 3, fanout: { page: 0, cursor: null, done: false, leaseUntil: T0 + MIN } }),
    );
    const getTallies = vi.spyOn(notifications, 'getTallies');
    const getPage = vi.spyOn(notifications, 'getPage');
    const report = await sweep(sweepDeps, { queuesLost: true });
    expect(getTallies.mock.calls).toEqual([['privacy', 2, Array.from({ length: 100 }, (_, i) => i)]]);
    expect(getPage.mock.calls.map(([, v, p]) => [v, p])).toEqual(
      Array.from({ length: 100 }, (_, i) => [2, i]),
    );
    // No page was frozen: nothing to re-enqueue, and nothing said about it.
    expect(report.requeued).toBe(0);
    expect(sendQueue.calls).toBe(0);
    expect(lines.filter(([, m]) => m.startsWith('sweeper re-enqueued'))).toEqual([]);
  });

  it('counts sent, failed and suppressed recipients of the campaign and of its pages not rolled up', async () => {
    const { deps, notifications } = setup();
    const sweepDeps = { ...deps, policies: new MemoryPolicyStore() };
    notifications.set(
      campaign({
        total: 20,
        sent: 2,
        failed: 1,
        suppressed: 1,
        rolledUpPages: [0],
        fanout: { page: 3, cursor: null, done: true, leaseUntil: 0 },
      }),
    );
    notifications.tally('privacy', 2, tally(1, ['1-0'], 2, 1, 2, 3));
    notifications.tally('privacy', 2, tally(2, ['2-0'], 3, 0, 0, 1));
    await sweep(sweepDeps);
    expect((await notifications.getCampaign('privacy', 2))!.sweep).toEqual({ signature: '3:11', at: T0 });
  });
});

describe('notificationStatus', () => {
  it('404s an unknown version, says not_requested without notify, and reads open tallies', async () => {
    const policies = new MemoryPolicyStore();
    const clock = { now: () => new Date(T0) };
    const notifications = new MemoryCampaigns();
    const deps = { policies, catalog: new RevisionCatalog(policies, 0), clock, notifications };
    for (const notify of [false, true])
      await publishRevision(
        deps,
        'privacy',
        { texts: { en: `v ${notify}\n` }, change: 'minor', notify },
        { dryRun: false },
      );
    const e = await notificationStatus(deps, 'privacy', 9).catch((x: unknown) => x);
    expect((e as DomainError).code).toBe('NOT_FOUND');
    expect((await notificationStatus(deps, 'privacy', 1)).status).toBe('not_requested');
    expect((await notificationStatus(deps, 'privacy', 2)).status).toBe('pending');
    notifications.set(
      campaign({
        total: 4,
        sent: 1,
        rolledUpPages: [0],
        fanout: { page: 2, cursor: null, done: true, leaseUntil: 0 },
      }),
    );
    notifications.tally('privacy', 2, tally(1, ['1-0'], 2, 2));
    const getTallies = vi.spyOn(notifications, 'getTallies');
    const progress = await notificationStatus(deps, 'privacy', 2);
    expect(getTallies.mock.calls).toEqual([['privacy', 2, [1]]]);
    expect(progress.status).toBe('sending');
    expect(progress.sent).toBe(3);
    notifications.set(
      campaign({
        status: 'completed',
        total: 1,
        sent: 1,
        fanout: { page: 2, cursor: null, done: true, leaseUntil: 0 },
      }),
    );
    getTallies.mockClear();
    expect((await notificationStatus(deps, 'privacy', 2)).status).toBe('completed');
    expect(getTallies).not.toHaveBeenCalled();
  });
});

describe('applySesEvent', () => {
  function ses() {
    const suppressions: Suppression[] = [];
    const byEmail = new Map<string, number>([
      ['bounced@example.com', 2],
      ['mixed@example.com', 1],
      ['Upper@Example.com', 1],
    ]);
    const calls: string[] = [];
    const notifications = new MemoryCampaigns();
    const log = logger();
    const deps = {
      customers: {
        suppressByEmail: async (email: string, reason: string, at: string) => {
          calls.push(`${email}|${reason}|${at}`);
          return byEmail.get(email) ?? 0;
        },
      },
      suppressions: { put: async (s: Suppression) => void suppressions.push(s) },
      notifications,
      clock: { now: () => new Date(T0) },
      logger: log.logger,
    };
    return { deps, suppressions, calls, notifications, lines: log.lines };
  }

  it('suppresses every address of a permanent bounce, by hash and by customer, lower-casing as a fallback', async () => {
    const { deps, suppressions, calls, lines } = ses();
    const result = await applySesEvent(deps, {
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'NoEmail',
        bouncedRecipients: [
          { emailAddress: '"Bo" <bounced@example.com>' },
          { emailAddress: 'bounced@example.com' },
          { emailAddress: ' Mixed@Example.com ' },
        ],
      },
    });
    expect(result).toEqual({ suppressed: 3, delivered: 0 });
    expect(suppressions).toEqual([
      { hash: addressHash('bounced@example.com'), reason: 'bounce:NoEmail', at: iso(T0) },
      { hash: addressHash('Mixed@Example.com'), reason: 'bounce:NoEmail', at: iso(T0) },
    ]);
    expect(calls).toEqual([
      `bounced@example.com|bounce:NoEmail|${iso(T0)}`,
      `Mixed@Example.com|bounce:NoEmail|${iso(T0)}`,
      `mixed@example.com|bounce:NoEmail|${iso(T0)}`,
    ]);
    expect(lines).toEqual([
      [
        'info',
        'SES event applied',
        { type: 'Bounce', reason: 'bounce:NoEmail', addresses: 3, suppressed: 3 },
      ],
    ]);
  });

  it('takes complaints and feedback notifications, with default sub-types', async () => {
    const { deps, suppressions, calls } = ses();
    expect(
      await applySesEvent(deps, {
        notificationType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: 'nobody@example.com' }] },
      }),
    ).toEqual({ suppressed: 0, delivered: 0 });
    expect(suppressions.map((s) => s.reason)).toEqual(['complaint:abuse']);
    // An address already in lower case is not asked twice.
    expect(calls).toEqual([`nobody@example.com|complaint:abuse|${iso(T0)}`]);
    await applySesEvent(deps, {
      notificationType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: 'a@example.com' }],
        complaintFeedbackType: 'fraud',
      },
    });
    await applySesEvent(deps, {
      notificationType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'b@example.com' }] },
    });
    expect(suppressions.map((s) => s.reason)).toEqual([
      'complaint:abuse',
      'complaint:fraud',
      'bounce:General',
    ]);
  });

  it('asks once for an address in mixed case that is registered as it is, and reads a complaint as one', async () => {
    const { deps, calls, suppressions } = ses();
    const result = await applySesEvent(deps, {
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'Upper@Example.com' }] },
      // A complaint never takes a bounce's path, whatever else the payload carries.
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'other@example.com' }] },
    });
    expect(calls).toEqual([`Upper@Example.com|complaint:abuse|${iso(T0)}`]);
    expect(suppressions.map((s) => s.reason)).toEqual(['complaint:abuse']);
    expect(result.suppressed).toBe(1);
  });

  it('ignores a payload whose parts have the wrong shape, without throwing', async () => {
    const { deps, calls, lines } = ses();
    const none = { suppressed: 0, delivered: 0 };
    for (const payload of [
      { eventType: 'Bounce', bounce: { bounceType: 'Permanent' } },
      { eventType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [{}] } },
      { eventType: 'Bounce', bounce: { bouncedRecipients: [] } },
      { eventType: 'Complaint', complaint: {} },
      { eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 5 }] } },
      { eventType: 'Delivery', delivery: { timestamp: 5 } },
      { eventType: 'Delivery', mail: { messageId: 5 } },
      { eventType: 'Delivery', mail: { tags: { ledger: 'not a list' } } },
    ])
      expect(await applySesEvent(deps, payload)).toEqual(none);
    expect(calls).toEqual([]);
    expect(lines.map(([level]) => level)).toEqual(Array(8).fill('warn'));
  });

  it('ignores transient bounces, other events and what is not an SES event', async () => {
    const { deps, suppressions, calls, lines } = ses();
    const none = { suppressed: 0, delivered: 0 };
    expect(
      await applySesEvent(deps, {
        eventType: 'Bounce',
        bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'bounced@example.com' }] },
      }),
    ).toEqual(none);
    expect(await applySesEvent(deps, { eventType: 'Bounce' })).toEqual(none);
    expect(await applySesEvent(deps, { eventType: 'Complaint' })).toEqual(none);
    expect(
      await applySesEvent(deps, {
        eventType: 'Open',
        complaint: { complainedRecipients: [{ emailAddress: 'bounced@example.com' }] },
      }),
    ).toEqual(none);
    expect(await applySesEvent(deps, 'not an event')).toEqual(none);
    expect(await applySesEvent(deps, { eventType: 7 })).toEqual(none);
    expect(suppressions).toEqual([]);
    expect(calls).toEqual([]);
    expect(lines).toEqual([
      ['warn', 'ignored an SES event that is not a bounce, complaint or delivery', undefined],
      ['warn', 'ignored an SES event that is not a bounce, complaint or delivery', undefined],
    ]);
  });

  it('records a delivery on the ledger entry its tag names, at SES’s time or now', async () => {
    const { deps, notifications, lines } = ses();
    notifications.entry('privacy', 2, { userId: 'u:1', state: 'sent', attempts: 1 });
    const delivery = (
      tags: Record<string, string[]> | undefined,
      timestamp?: string,
      messageId = 'ses-1',
    ) => ({
      eventType: 'Delivery',
      mail: { messageId, ...(tags ? { tags } : {}) },
      delivery: timestamp === undefined ? {} : { timestamp },
    });
    const tag = { ledger: [ledgerTag('privacy', 2, 'u:1')] };
    expect(await applySesEvent(deps, delivery(tag, '2026-03-01T10:05:00.5+01:00'))).toEqual({
      suppressed: 0,
      delivered: 1,
    });
    expect(await applySesEvent(deps, delivery(tag, 'yesterday'))).toEqual({ suppressed: 0, delivered: 1 });
    expect(await applySesEvent(deps, delivery(tag))).toEqual({ suppressed: 0, delivered: 1 });
    expect(
      await applySesEvent(deps, { eventType: 'Delivery', mail: { messageId: 'ses-1', tags: tag } }),
    ).toEqual({
      suppressed: 0,
      delivered: 1,
    });
    expect(notifications.deliveries).toEqual([
      { key: 'privacy/2/u:1', messageId: 'ses-1', deliveredAt: '2026-03-01T09:05:00.500Z' },
      { key: 'privacy/2/u:1', messageId: 'ses-1', deliveredAt: iso(T0) },
      { key: 'privacy/2/u:1', messageId: 'ses-1', deliveredAt: iso(T0) },
      { key: 'privacy/2/u:1', messageId: 'ses-1', deliveredAt: iso(T0) },
    ]);
    // No entry for that recipient; no tag; a tag that is not ours; no message id.
    expect(await applySesEvent(deps, delivery({ ledger: [ledgerTag('privacy', 2, 'u2')] }))).toEqual({
      suppressed: 0,
      delivered: 0,
    });
    expect(await applySesEvent(deps, delivery(undefined))).toEqual({ suppressed: 0, delivered: 0 });
    expect(await applySesEvent(deps, delivery({ ledger: ['bm90IG91cnM'] }))).toEqual({
      suppressed: 0,
      delivered: 0,
    });
    expect(await applySesEvent(deps, delivery({ other: ['x'] }))).toEqual({ suppressed: 0, delivered: 0 });
    expect(await applySesEvent(deps, { eventType: 'Delivery', mail: { tags: tag }, delivery: {} })).toEqual({
      suppressed: 0,
      delivered: 0,
    });
    expect(lines.filter(([, m]) => m === 'SES delivery without a ledger tag; skipped')).toHaveLength(4);
    expect(notifications.deliveries).toHaveLength(4);
  });
});

describe('retryFailed', () => {
  async function retrySetup(notify = true) {
    const s = setup();
    const policies = new MemoryPolicyStore();
    const deps = {
      policies,
      catalog: new RevisionCatalog(policies, 0),
      clock: s.deps.clock,
      notifications: s.notifications,
      sendQueue: s.sendQueue,
      logger: s.deps.logger,
    };
    await publishRevision(
      deps,
      'privacy',
      { texts: { en: 'v1\n' }, change: 'minor', notify: false },
      { dryRun: false },
    );
    await publishRevision(
      deps,
      'privacy',
      { texts: { en: 'v2\n' }, change: 'minor', notify },
      { dryRun: false },
    );
    return { ...s, deps };
  }
  const failed = (userId: string, reason: string): LedgerEntry => ({
    userId,
    state: 'failed',
    attempts: 3,
    reason,
  });

  it('puts the retryable failures on a new page, opens it and enqueues its batches', async () => {
    const { deps, notifications, sendQueue, lines } = await retrySetup();
    notifications.set(
      campaign({
        status: 'completed',
        total: 4,
        sent: 1,
        failed: 3,
        fanout: { page: 1, cursor: null, done: true, leaseUntil: 0 },
      }),
    );
    notifications.entry('privacy', 2, failed('u1', 'MessageRejected: Email address is not verified.'));
    notifications.entry('privacy', 2, failed('u2', 'InvalidAddress: bad'));
    notifications.entry('privacy', 2, failed('u3', 'AccountSendingPausedException'));
    notifications.entry('privacy', 2, { userId: 'u4', state: 'sent', attempts: 1 });
    const result = await retryFailed({ ...deps, batchSize: 1 }, 'privacy', 2);
    expect(result).toEqual({ requeued: 2, skipped: { permanent: 1, inProgress: 0 }, status: 'sending' });
    expect(await notifications.getPage('privacy', 2, 1)).toEqual({
      page: 1,
      cursorIn: null,
      cursorOut: null,
      userIds: ['u1', 'u3'],
    });
    expect(notifications.pages.get('privacy/2#1')!.expiresAt).toBe(T0 + PAGE_TTL_MS);
    expect(sendQueue.messages.map((m) => m.id)).toEqual(['1-0', '1-1']);
    const c = (await notifications.getCampaign('privacy', 2))!;
    expect([c.fanout.page, c.failed, c.status]).toEqual([2, 1, 'sending']);
    expect(notifications.entries.get('privacy/2/u1')).toMatchObject({ state: 'pending', retryPage: 1 });
    expect(notifications.entries.get('privacy/2/u2')!.state).toBe('failed');
    expect(lines).toContainEqual([
      'info',
      'failed recipients put back on the send queue',
      { policyId: 'privacy', version: 2, page: 1, recipients: 2 },
    ]);
    // Nothing left to retry: nothing happens.
    expect(await retryFailed(deps, 'privacy', 2)).toEqual({
      requeued: 0,
      skipped: { permanent: 1, inProgress: 0 },
      status: 'sending',
    });
    expect(sendQueue.messages).toHaveLength(2);
    // No empty page was opened by the call that had nothing to send.
    expect((await notifications.getCampaign('privacy', 2))!.fanout.page).toBe(2);
    expect(await notifications.getPage('privacy', 2, 2)).toBeNull();
  });

  it('works without a logger', async () => {
    const { deps, notifications, sendQueue } = await retrySetup();
    notifications.set(
      campaign({
        status: 'completed',
        total: 1,
        failed: 1,
        fanout: { page: 1, cursor: null, done: true, leaseUntil: 0 },
      }),
    );
    notifications.entry('privacy', 2, failed('u1', 'MessageRejected'));
    const { logger: _, ...quiet } = deps;
    expect((await retryFailed(quiet, 'privacy', 2)).requeued).toBe(1);
    expect(sendQueue.messages).toHaveLength(1);
  });

  it('sends a dead call’s frozen page first, then this call’s own candidates', async () => {
    const { deps, notifications, sendQueue } = await retrySetup();
    notifications.set(
      campaign({
        status: 'completed',
        total: 2,
        failed: 2,
        fanout: { page: 1, cursor: null, done: true, leaseUntil: 0 },
      }),
    );
    notifications.entry('privacy', 2, failed('u1', 'MessageRejected'));
    notifications.entry('privacy', 2, failed('u2', 'MessageRejected'));
    await notifications.putPage(
      'privacy',
      2,
      { page: 1, cursorIn: null, cursorOut: null, userIds: ['u1'] },
      0,
    );
    const result = await retryFailed(deps, 'privacy', 2);
    expect(result.requeued).toBe(2);
    expect(sendQueue.bodies().map((b) => [b.page, b.userIds])).toEqual([
      [1, ['u1']],
      [2, ['u2']],
    ]);
  });

  it('leaves a page another retry opened first to that call', async () => {
    const { deps, notifications, sendQueue } = await retrySetup();
    notifications.set(
      campaign({
        status: 'completed',
        total: 2,
        failed: 2,
        fanout: { page: 1, cursor: null, done: true, leaseUntil: 0 },
      }),
    );
    notifications.entry('privacy', 2, failed('u1', 'MessageRejected'));
    notifications.entry('privacy', 2, failed('u2', 'InvalidAddress'));
    // The page the other call froze also holds a recipient that is no longer a candidate here.
    await notifications.putPage(
      'privacy',
      2,
      { page: 1, cursorIn: null, cursorOut: null, userIds: ['u1', 'u7'] },
      0,
    );
    notifications.loseRetryOpen = true;
    expect(await retryFailed(deps, 'privacy', 2)).toEqual({
      requeued: 0,
      skipped: { permanent: 1, inProgress: 1 },
      status: 'completed',
    });
    expect(sendQueue.messages).toEqual([]);
  });

  it('404s a version without a campaign and refuses while the fan-out is still listing', async () => {
    const { deps, notifications } = await retrySetup();
    const code = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as DomainError;
    const e1 = await code(retryFailed(deps, 'privacy', 2));
    expect([e1.code, e1.message]).toEqual(['NOT_FOUND', 'version 2 of privacy has no notification campaign']);
    notifications.set(campaign({ version: 1 }));
    const e2 = await code(retryFailed(deps, 'privacy', 1));
    expect(e2.code).toBe('NOT_FOUND');
    notifications.set(campaign());
    const e3 = await code(retryFailed(deps, 'privacy', 2));
    expect([e3.code, e3.message]).toEqual([
      'VERSION_CONFLICT',
      'the campaign is still listing its recipients: retry once every recipient has been listed',
    ]);
  });
});
