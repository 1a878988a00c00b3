/**
 * The notification store's conditional writes on dynalite: each idempotency and exclusivity rule the
 * pipeline relies on, one at a time.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { NotificationStore } from '../../functions/ports';
import { freshStoresPerTest, type Stores } from '../support/stores';

describe('DynamoNotificationStore', () => {
  const currentStores = freshStoresPerTest();
  let stores: Stores;
  let store: NotificationStore;
  const at = '2026-01-01T00:00:00.000Z';

  beforeEach(async () => {
    stores = currentStores();
    store = stores.notifications;
    expect(await store.createCampaign({ policyId: 'p', version: 2, createdAt: at, leaseUntil: 1000 })).toBe(
      true,
    );
  });

  it('creates a campaign once', async () => {
    expect(await store.createCampaign({ policyId: 'p', version: 2, createdAt: at, leaseUntil: 5 })).toBe(
      false,
    );
    expect(await store.getCampaign('p', 2)).toMatchObject({
      status: 'pending',
      total: 0,
      startedAt: null,
      fanout: { page: 0, cursor: null, done: false, leaseUntil: 1000 },
      rolledUpPages: [],
    });
  });

  it('advances the fan-out checkpoint only from the expected page and cursor, counting each page once', async () => {
    const step = { page: 0, cursor: null, nextCursor: 'c1', recipients: 500, leaseUntil: 2000, at };
    expect(await store.checkpointFanout('p', 2, step)).toMatchObject({
      status: 'sending',
      total: 500,
      startedAt: at,
    });
    expect(await store.checkpointFanout('p', 2, step)).toBeNull();
    expect(await store.checkpointFanout('p', 2, { ...step, page: 1, cursor: 'wrong' })).toBeNull();
    const last = await store.checkpointFanout('p', 2, {
      ...step,
      page: 1,
      cursor: 'c1',
      nextCursor: null,
      recipients: 0,
    });
    expect(last).toMatchObject({
      total: 500,
      fanout: { page: 2, cursor: null, done: true },
      rolledUpPages: [1],
    });
    expect(await store.checkpointFanout('p', 2, { ...step, page: 2, cursor: null })).toBeNull();
  });

  it('moves the fan-out lease only from the value the caller saw', async () => {
    expect(await store.renewFanoutLease('p', 2, 1000, 3000)).toBe(true);
    expect(await store.renewFanoutLease('p', 2, 1000, 4000)).toBe(false);
    expect((await store.getCampaign('p', 2))!.fanout.leaseUntil).toBe(3000);
  });

  it('freezes a page on first write', async () => {
    const first = { page: 0, cursorIn: null, cursorOut: 'c1', userIds: ['a', 'b'] };
    expect(await store.putPage('p', 2, first, Date.now())).toEqual(first);
    expect(await store.putPage('p', 2, { ...first, userIds: ['z'] }, Date.now())).toEqual(first);
    expect(await store.getPage('p', 2, 0)).toEqual(first);
  });

  it('lets one claimant at a time hold a recipient, and another take it over only after the lease', async () => {
    expect(await store.claim('p', 2, 'u1', { token: 'A', now: 100, leaseUntil: 200, at })).toBe(true);
    expect(await store.claim('p', 2, 'u1', { token: 'B', now: 150, leaseUntil: 250, at })).toBe(false);
    expect(await store.finish('p', 2, 'u1', { state: 'suppressed', batchId: '0-0', at, now: 150 })).toBe(
      false,
    );
    expect(await store.claim('p', 2, 'u1', { token: 'B', now: 201, leaseUntil: 300, at })).toBe(true);
    // A's claim lapsed: its late "sent" is refused; B's is recorded.
    expect(
      await store.finish('p', 2, 'u1', { state: 'sent', batchId: '0-0', at, token: 'A', messageId: 'mA' }),
    ).toBe(false);
    expect(
      await store.finish('p', 2, 'u1', { state: 'sent', batchId: '0-0', at, token: 'B', messageId: 'mB' }),
    ).toBe(true);
    expect(await store.getEntry('p', 2, 'u1')).toEqual({
      userId: 'u1',
      state: 'sent',
      attempts: 2,
      claimedAt: at,
      messageId: 'mB',
      sentAt: at,
      finalizedBy: '0-0',
      finalizedAt: at,
    });
    // Final: nobody claims it again, however late.
    expect(await store.claim('p', 2, 'u1', { token: 'C', now: 10_000, leaseUntil: 10_100, at })).toBe(false);
  });

  it('makes a released recipient claimable at once', async () => {
    await store.claim('p', 2, 'u1', { token: 'A', now: 100, leaseUntil: 10_000, at });
    await store.release('p', 2, 'u1', 'B'); // not the holder: nothing happens
    expect(await store.claim('p', 2, 'u1', { token: 'C', now: 101, leaseUntil: 10_000, at })).toBe(false);
    await store.release('p', 2, 'u1', 'A');
    expect((await store.getEntry('p', 2, 'u1'))!.state).toBe('pending');
    expect(await store.claim('p', 2, 'u1', { token: 'C', now: 102, leaseUntil: 10_000, at })).toBe(true);
  });

  it('counts a batch into its page tally once, and a page into the campaign once', async () => {
    const counts = { sent: 48, failed: 1, suppressed: 1 };
    const args = { page: 0, batchId: '0-0', batchesInPage: 2, counts, at };
    expect(await store.applyBatchTally('p', 2, args)).toMatchObject({
      applied: true,
      tally: { sent: 48, countedBatches: ['0-0'] },
    });
    expect(await store.applyBatchTally('p', 2, args)).toMatchObject({ applied: false, tally: { sent: 48 } });
    const { tally } = await store.applyBatchTally('p', 2, {
      ...args,
      batchId: '0-1',
      counts: { sent: 10, failed: 0, suppressed: 0 },
    });
    expect(tally).toEqual({
      page: 0,
      batches: 2,
      countedBatches: ['0-0', '0-1'],
      sent: 58,
      failed: 1,
      suppressed: 1,
    });

    expect(await store.rollUpPage('p', 2, tally, at)).toMatchObject({
      sent: 58,
      failed: 1,
      suppressed: 1,
      rolledUpPages: [0],
    });
    expect(await store.rollUpPage('p', 2, tally, at)).toBeNull();
    expect(await store.getCampaign('p', 2)).toMatchObject({ sent: 58 });
    expect(await store.getTallies('p', 2, [0, 1])).toEqual([tally]);
  });

  it('reads a batch state: its entries and its page tally', async () => {
    await store.claim('p', 2, 'u1', { token: 'A', now: 1, leaseUntil: 2, at });
    await store.applyBatchTally('p', 2, {
      page: 3,
      batchId: '3-0',
      batchesInPage: 1,
      counts: { sent: 1, failed: 0, suppressed: 0 },
      at,
    });
    const state = await store.getBatchState('p', 2, 3, ['u1', 'u2']);
    expect([...state.entries.keys()]).toEqual(['u1']);
    expect(state.tally?.countedBatches).toEqual(['3-0']);
  });

  it('completes a campaign once', async () => {
    expect(await store.completeCampaign('p', 2, at)).toBe(true);
    expect(await store.completeCampaign('p', 2, at)).toBe(false);
    expect(await store.getCampaign('p', 2)).toMatchObject({ status: 'completed', completedAt: at });
  });
});
