/**
 * SES's account limits, read at most every few minutes (docs/NOTIFICATIONS.md, quota): the worker paces
 * at the lower of SES_MAX_SEND_RATE and SES's maximum send rate, and stops taking batches while the
 * 24-hour quota is used up. In AWS the limits come from `GetSendQuota`; locally from configuration
 * (the emulator hangs on that call, so it is never asked).
 */
import { GetSendQuotaCommand, type SESClient } from '@aws-sdk/client-ses';
import type { Clock, SendQuota, SendQuotaSource } from '../ports';

export class SesSendQuota implements SendQuotaSource {
  constructor(private readonly client: SESClient) {}

  async getSendQuota(): Promise<SendQuota> {
    const out = await this.client.send(new GetSendQuotaCommand({}));
    return {
      maxSendRate: out.MaxSendRate ?? 1,
      max24HourSend: out.Max24HourSend ?? -1,
      sentLast24Hours: out.SentLast24Hours ?? 0,
    };
  }
}

/** Fixed limits (local mode, tests): `sentLast24Hours` counts what this process reported sending. */
export class ConfiguredSendQuota implements SendQuotaSource {
  sent = 0;
  constructor(private readonly limits: { maxSendRate: number; max24HourSend: number }) {}
  async getSendQuota(): Promise<SendQuota> {
    return { ...this.limits, sentLast24Hours: this.sent };
  }
  recordSend(): void {
    this.sent++;
  }
}

export interface QuotaState {
  /** Rate the instance paces at: min(configured, SES's). */
  rate: number;
  /** Emails left in the rolling 24 hours (Infinity when unlimited). */
  remaining: number;
}

/**
 * Caches the quota for `refreshMs` (default 5 minutes) on the injected clock, counting sends made since
 * the last read, and moves the pacer's ceiling to the lower of the configured rate and SES's. A failed
 * read keeps the last known limits (the configured rate, unlimited, before the first read).
 */
export class QuotaGovernor {
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | null = null;
  private quota: SendQuota | null = null;
  private sentSinceRead = 0;

  constructor(
    private readonly source: SendQuotaSource,
    private readonly configuredRate: number,
    private readonly clock: Clock,
    private readonly pacer: { setMaxRate(rate: number): void },
    private readonly refreshMs = 5 * 60 * 1000,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  /** Reads the quota again when the cached one is older than `refreshMs`. */
  async refresh(): Promise<QuotaState> {
    if (this.clock.now().getTime() - this.readAt >= this.refreshMs) {
      this.reading ??= this.read().finally(() => {
        this.reading = null;
      });
      await this.reading;
    }
    return this.state();
  }

  /** One accepted send (the daily quota shrinks before the next read). */
  sent(): void {
    this.sentSinceRead++;
    this.source.recordSend?.();
  }

  state(): QuotaState {
    const q = this.quota;
    const rate = q ? Math.min(this.configuredRate, q.maxSendRate) : this.configuredRate;
    const remaining =
      !q || q.max24HourSend < 0
        ? Number.POSITIVE_INFINITY
        : Math.max(0, q.max24HourSend - q.sentLast24Hours - this.sentSinceRead);
    return { rate, remaining };
  }

  private async read(): Promise<void> {
    try {
      this.quota = await this.source.getSendQuota();
      this.sentSinceRead = 0;
      this.pacer.setMaxRate(Math.min(this.configuredRate, this.quota.maxSendRate));
    } catch (e) {
      this.onError(e);
    }
    // Also after a failure: a broken quota read must not be retried on every batch.
    this.readAt = this.clock.now().getTime();
  }
}
