/**
 * Consistent single-customer reads, coalesced into batch reads.
 *
 * The send worker reads each recipient's customer record again right before its send, so that an
 * erasure that returned before that read wins (docs/NOTIFICATIONS.md). At full SES rate many
 * recipients reach that point at once, and one strongly consistent BatchGetItem serves them all.
 *
 * The guarantee of each caller is unchanged: its read is sent after it asked (never answered from an
 * earlier read), and it is strongly consistent. A read asked for while another batch is in flight waits
 * for that batch and goes out in the next one, with every key asked for meanwhile (at most
 * `MAX_KEYS`, DynamoDB's BatchGetItem limit); when nothing is in flight, the keys asked for within the
 * same turn of the event loop go out together. A failed batch read fails each of its callers, as their
 * own reads would have.
 */
import type { Customer, CustomerStore } from '../ports';

/** DynamoDB's limit on the keys of one BatchGetItem. */
export const MAX_KEYS = 100;

interface Waiter {
  userId: string;
  resolve: (customer: Customer | null) => void;
  reject: (error: unknown) => void;
}

export class CoalescedCustomerReads implements Pick<CustomerStore, 'get' | 'getMany'> {
  private waiting: Waiter[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly store: Pick<CustomerStore, 'get' | 'getMany'>,
    /** Batch reads in flight at once. */
    private readonly maxInFlight = 1,
    private readonly defer: (fn: () => void) => void = (fn) => setImmediate(fn),
  ) {
    if (!(maxInFlight >= 1)) throw new Error('at least one read must be allowed in flight');
  }

  /** Consistent reads are coalesced; eventually consistent ones go straight to the store. */
  get(userId: string, opts: { consistent?: boolean } = {}): Promise<Customer | null> {
    if (opts.consistent !== true) return this.store.get(userId, opts);
    return new Promise((resolve, reject) => {
      this.waiting.push({ userId, resolve, reject });
      this.schedule();
    });
  }

  getMany(userIds: string[]): Promise<Customer[]> {
    return this.store.getMany(userIds);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.read(batch).finally(() => {
        this.inFlight--;
        if (this.waiting.length > 0) this.schedule();
      });
    }
  }

  /** The oldest waiters, at most MAX_KEYS distinct user ids (a repeated id rides along for free). */
  private takeBatch(): Waiter[] {
    const ids = new Set<string>();
    let n = 0;
    for (; n < this.waiting.length; n++) {
      const id = this.waiting[n]!.userId;
      if (!ids.has(id) && ids.size >= MAX_KEYS) break;
      ids.add(id);
    }
    return this.waiting.splice(0, n);
  }

  private async read(batch: Waiter[]): Promise<void> {
    let found: Customer[];
    try {
      found =
        batch.length === 1
          ? await this.store.get(batch[0]!.userId, { consistent: true }).then((c) => (c ? [c] : []))
          : await this.store.getMany([...new Set(batch.map((w) => w.userId))]);
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    const byId = new Map(found.map((c) => [c.userId, c]));
    for (const w of batch) w.resolve(byId.get(w.userId) ?? null);
  }
}
