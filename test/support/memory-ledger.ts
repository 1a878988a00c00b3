/**
 * A campaign's ledger and tallies in memory, with NotificationStore's conditions (claim, finish with or
 * without a token, idempotent tallies) and hooks to stage races and write failures: the send worker's
 * unit tests run on it, with their customers.
 */
import type {
  Customer,
  FinalRecipientState,
  LedgerEntry,
  PageTally,
  RecipientOutcome,
} from '../../functions/ports';

/** The worker tests' clock reading. */
export const NOW = new Date('2026-03-01T10:00:00.000Z');

/** An active customer registered at NOW, with `over` on top. */
export const customer = (userId: string, over: Partial<Customer> = {}): Customer => ({
  userId,
  email: `${userId}@example.com`,
  locale: null,
  name: null,
  timeZone: null,
  status: 'active',
  registeredAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  ...over,
});

export class MemoryLedger {
  readonly entries = new Map<string, LedgerEntry>();
  readonly tallies = new Map<number, PageTally>();
  /** Runs first in `claim` (another delivery acting between the batch's read and this claim). */
  beforeClaim?: (userId: string) => void;
  /** Runs first in `applyBatchTally` (a concurrent delivery of the same batch counting it first). */
  beforeApply?: () => void;
  /** How many `finish` calls recording a send throw before one goes through. */
  failFinishSent = 0;
  finishSentError: unknown = new Error('ledger unavailable');

  async getBatchState(_p: string, _v: number, page: number, userIds: string[]) {
    const entries = new Map<string, LedgerEntry>();
    for (const id of userIds) {
      const e = this.entries.get(id);
      if (e) entries.set(id, { ...e });
    }
    return { tally: this.tallies.get(page) ?? null, entries };
  }
  async getEntry(_p: string, _v: number, userId: string) {
    return this.entries.get(userId) ?? null;
  }
  async claim(_p: string, _v: number, userId: string, a: { token: string; now: number; leaseUntil: number }) {
    this.beforeClaim?.(userId);
    const e = this.entries.get(userId);
    const free = !e || e.state === 'pending' || (e.state === 'claimed' && (e.leaseUntil ?? 0) < a.now);
    if (!free) return false;
    this.entries.set(userId, {
      userId,
      state: 'claimed',
      attempts: (e?.attempts ?? 0) + 1,
      claimToken: a.token,
      leaseUntil: a.leaseUntil,
    });
    return true;
  }
  async release(_p: string, _v: number, userId: string, token: string) {
    const e = this.entries.get(userId);
    if (e?.state === 'claimed' && e.claimToken === token)
      this.entries.set(userId, { ...e, state: 'pending' });
  }
  async finish(_p: string, _v: number, userId: string, o: RecipientOutcome) {
    if (o.state === 'sent' && this.failFinishSent > 0) {
      this.failFinishSent--;
      throw this.finishSentError;
    }
    const e = this.entries.get(userId);
    const ok =
      'token' in o && o.token !== undefined
        ? e?.state === 'claimed' && e.claimToken === o.token
        : !e || e.state === 'pending' || (e.state === 'claimed' && (e.leaseUntil ?? 0) < (o.now ?? 0));
    if (!ok) return false;
    this.entries.set(userId, {
      userId,
      state: o.state,
      attempts: e?.attempts ?? 0,
      finalizedBy: o.batchId,
      finalizedAt: o.at,
      ...(o.messageId ? { messageId: o.messageId, sentAt: o.at } : {}),
      ...(o.reason ? { reason: o.reason } : {}),
    });
    return true;
  }
  async applyBatchTally(
    _p: string,
    _v: number,
    a: { page: number; batchId: string; batchesInPage: number; counts: Record<FinalRecipientState, number> },
  ) {
    this.beforeApply?.();
    const t = this.tallies.get(a.page) ?? {
      page: a.page,
      batches: a.batchesInPage,
      countedBatches: [],
      sent: 0,
      failed: 0,
      suppressed: 0,
    };
    if (t.countedBatches.includes(a.batchId)) return { applied: false, tally: t };
    const next = {
      ...t,
      countedBatches: [...t.countedBatches, a.batchId],
      sent: t.sent + a.counts.sent,
      failed: t.failed + a.counts.failed,
      suppressed: t.suppressed + a.counts.suppressed,
    };
    this.tallies.set(a.page, next);
    return { applied: true, tally: next };
  }
  /** The campaign side of a complete page (notifications.ts rollUpIfComplete): none stored here. */
  async rollUpPage(_p: string, _v: number, _t: PageTally, _at: string) {
    return null;
  }
  async getCampaign(_p: string, _v: number) {
    return null;
  }
}
