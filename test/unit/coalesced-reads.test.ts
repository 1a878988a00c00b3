import { describe, expect, it } from 'vitest';
import { CoalescedCustomerReads, MAX_KEYS } from '../../functions/adapters/coalesced-reads';
import type { Customer } from '../../functions/ports';

const customer = (userId: string): Customer => ({
  userId,
  email: `${userId}@example.com`,
  locale: 'en',
  name: null,
  timeZone: null,
  status: 'active',
  registeredAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
});

/** A store whose reads wait until the test lets them answer, with the records as they are then. */
function controlledStore() {
  const records = new Map<string, Customer>();
  const calls: { kind: 'get' | 'getMany'; ids: string[]; consistent?: boolean }[] = [];
  const pending: { answer: () => void; fail: (e: unknown) => void }[] = [];
  const hold = <T>(read: () => T) =>
    new Promise<T>((resolve, reject) =>
      pending.push({ answer: () => resolve(read()), fail: (e) => reject(e) }),
    );
  const store = {
    get(userId: string, opts?: { consistent?: boolean }) {
      calls.push({ kind: 'get', ids: [userId], consistent: opts?.consistent });
      return hold(() => records.get(userId) ?? null);
    },
    getMany(userIds: string[]) {
      calls.push({ kind: 'getMany', ids: userIds });
      return hold(() => userIds.flatMap((id) => (records.has(id) ? [records.get(id)!] : [])));
    },
  };
  return { store, records, calls, pending };
}

/** Scheduled dispatches run only when the test says: one "turn" of the event loop at a time. */
function manualTurns() {
  const queued: (() => void)[] = [];
  return {
    defer: (fn: () => void) => queued.push(fn),
    turn: () => {
      for (const fn of queued.splice(0)) fn();
    },
    get queued() {
      return queued.length;
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

/** A coalescer over a controlled store, dispatching on the test's turns. */
function coalescer(maxInFlight = 1) {
  const store = controlledStore();
  const turns = manualTurns();
  return { ...store, turns, reads: new CoalescedCustomerReads(store.store, maxInFlight, turns.defer) };
}

describe('CoalescedCustomerReads', () => {
  it('sends the consistent reads asked for in one turn as one batch read, each caller its own answer', async () => {
    const { records, calls, pending, turns, reads } = coalescer();
    records.set('a', customer('a'));
    records.set('c', customer('c'));
    const got = ['a', 'b', 'c', 'a'].map((id) => reads.get(id, { consistent: true }));
    expect(calls).toEqual([]);
    turns.turn();
    expect(calls).toEqual([{ kind: 'getMany', ids: ['a', 'b', 'c'] }]);
    pending.shift()!.answer();
    expect(await Promise.all(got)).toEqual([customer('a'), null, customer('c'), customer('a')]);
  });

  it('never answers a read from a batch sent before it was asked for: an erasure in between wins', async () => {
    const { records, calls, pending, turns, reads } = coalescer();
    records.set('a', customer('a'));
    records.set('b', customer('b'));
    const first = reads.get('a', { consistent: true });
    turns.turn();
    expect(calls).toEqual([{ kind: 'get', ids: ['a'], consistent: true }]);

    // Asked while the first read is in flight, and erased before its own read goes out.
    const second = reads.get('a', { consistent: true });
    const third = reads.get('b', { consistent: true });
    turns.turn();
    expect(calls).toHaveLength(1);
    pending.shift()!.answer();
    await expect(first).resolves.toEqual(customer('a'));
    records.delete('a'); // the DELETE returns before the second read goes out
    await settle();
    turns.turn();
    expect(calls).toEqual([
      { kind: 'get', ids: ['a'], consistent: true },
      { kind: 'getMany', ids: ['a', 'b'] },
    ]);
    pending.shift()!.answer();
    await expect(second).resolves.toBeNull();
    await expect(third).resolves.toEqual(customer('b'));
  });

  it('fails every caller of a failed batch read, and the next batch still answers', async () => {
    const { records, pending, turns, reads } = coalescer();
    records.set('a', customer('a'));
    const failed = [reads.get('a', { consistent: true }), reads.get('b', { consistent: true })];
    turns.turn();
    const fault = Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    pending.shift()!.fail(fault);
    for (const p of failed) await expect(p).rejects.toBe(fault);

    const again = reads.get('a', { consistent: true });
    await settle();
    turns.turn();
    pending.shift()!.answer();
    await expect(again).resolves.toEqual(customer('a'));
  });

  it(`puts at most ${MAX_KEYS} distinct ids in one batch read, oldest callers first`, async () => {
    const { records, calls, pending, turns, reads } = coalescer();
    const ids = Array.from({ length: 250 }, (_, i) => `u${i}`);
    for (const id of ids) records.set(id, customer(id));
    const got = ids.map((id) => reads.get(id, { consistent: true }));
    for (let batch = 0; batch < 3; batch++) {
      await settle();
      turns.turn();
      expect(calls).toHaveLength(batch + 1);
      pending.shift()!.answer();
    }
    expect(calls.map((c) => c.ids)).toEqual([ids.slice(0, 100), ids.slice(100, 200), ids.slice(200)]);
    expect(await Promise.all(got)).toEqual(ids.map(customer));
  });

  it('keeps up to maxInFlight batch reads in flight', async () => {
    const { calls, turns, reads } = coalescer(2);
    void reads.get('a', { consistent: true });
    turns.turn();
    void reads.get('b', { consistent: true });
    turns.turn();
    void reads.get('c', { consistent: true });
    turns.turn();
    expect(calls.map((c) => c.ids)).toEqual([['a'], ['b']]);
    expect(turns.queued).toBe(0);
  });

  it('passes eventually consistent reads and getMany straight to the store', async () => {
    const { store, records, calls, pending } = controlledStore();
    const reads = new CoalescedCustomerReads(store, 1, () => {
      throw new Error('nothing should be deferred');
    });
    records.set('a', customer('a'));
    const one = reads.get('a');
    const many = reads.getMany(['a', 'b']);
    expect(calls).toEqual([
      { kind: 'get', ids: ['a'], consistent: undefined },
      { kind: 'getMany', ids: ['a', 'b'] },
    ]);
    for (const p of pending.splice(0)) p.answer();
    await expect(one).resolves.toEqual(customer('a'));
    await expect(many).resolves.toEqual([customer('a')]);
  });

  it('refuses a limit of no reads in flight', () => {
    const { store } = controlledStore();
    expect(() => new CoalescedCustomerReads(store, 0)).toThrow(/at least one/);
  });
});
