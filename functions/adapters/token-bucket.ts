/**
 * Paces sends under a rate (SES_MAX_SEND_RATE) for one worker instance: at most `rate` sends in any
 * one-second window (the SES contract: "the maximum number of emails SES can accept from your account
 * each second"), measured on the clock when each send goes out (`sending`, right before the SES call),
 * or, until it does, when it was let through. Callers queue in order,
 * so any number of concurrent senders in the instance share one allowance. A small slack is added to
 * the window for the time between here and SES receiving the request.
 *
 * When SES throttles anyway (other instances, other senders on the account, a daily quota) the whole
 * instance backs off: the rate drops by 10% per throttle and climbs back by 2% of the configured rate
 * per send (additive increase, multiplicative decrease), so a lasting excess settles below the
 * account's rate while a one-off throttle (clock jitter) costs almost nothing.
 *
 * The limit is per instance: the send queue's event source maximum concurrency × this rate must stay
 * at or below the account's SES rate (docs/NOTIFICATIONS.md, pacing).
 */
import type { Pacer, PacerSlot } from '../ports';

export type { Pacer } from '../ports';

export class TokenBucket implements Pacer {
  private minRate: number;
  private rate: number;
  /**
   * When recent sends went out (or, until `sending` says they did, were let through), oldest first (at
   * most one window's worth).
   */
  private readonly stamps: number[] = [];

  private queue: Promise<void> = Promise.resolve();

  constructor(
    private maxRate: number,
    private readonly slackMs = 10,
    private readonly nowMs: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(maxRate > 0)) throw new Error('send rate must be positive');
    this.rate = maxRate;
    this.minRate = maxRate / 20;
  }

  /** Moves the ceiling (SES's own rate read from GetSendQuota); the current rate never exceeds it. */
  setMaxRate(rate: number): void {
    if (!(rate > 0)) return;
    this.maxRate = rate;
    this.minRate = rate / 20;
    this.rate = Math.min(this.rate, rate);
  }

  /** The ceiling the bucket climbs back to. */
  get ceiling(): number {
    return this.maxRate;
  }

  /** The rate the bucket paces at now (below the maximum after throttling). */
  get currentRate(): number {
    return this.rate;
  }

  take(): Promise<PacerSlot> {
    const turn = this.queue.then(() => this.admit());
    this.queue = turn.then(
      () => {},
      () => {},
    );
    return turn;
  }

  /**
   * The slot of a send let through at `admitted`: when it goes out, its stamp moves to that moment (once).
   * A send that never goes out (its recipient was erased meanwhile) keeps the time it was let through,
   * which only over-counts, and only for one window.
   */
  private slot(admitted: number): PacerSlot {
    let gone = false;
    return {
      sending: () => {
        if (gone) return;
        gone = true;
        const at = this.stamps.indexOf(admitted);
        if (at >= 0) this.stamps.splice(at, 1);
        // Every stamp was taken at or before now, so the list stays in order.
        this.stamps.push(Math.max(this.nowMs(), this.stamps[this.stamps.length - 1] ?? 0));
      },
    };
  }

  throttled(): void {
    this.rate = Math.max(this.minRate, this.rate * 0.9);
  }

  private async admit(): Promise<PacerSlot> {
    for (;;) {
      // Fractional rates (0.5/s) become one send per window of 1 / rate seconds.
      const perWindow = Math.max(1, Math.floor(this.rate));
      const windowMs = (perWindow * 1000) / this.rate + this.slackMs;
      const now = this.nowMs();
      while (this.stamps.length > 0 && this.stamps[0]! <= now - windowMs) this.stamps.shift();
      if (this.stamps.length < perWindow) {
        this.stamps.push(now);
        this.rate = Math.min(this.maxRate, this.rate + this.maxRate / 50);
        return this.slot(now);
      }
      await this.sleep(Math.max(1, this.stamps[this.stamps.length - perWindow]! + windowMs - now));
    }
  }
}

/** No pacing (tests, and benchmarks of the pipeline without SES in the way). */
export const unpaced: Pacer = { take: async () => {}, throttled: () => {} };
