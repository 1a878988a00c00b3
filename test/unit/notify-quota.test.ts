import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { ConfiguredSendQuota, QuotaGovernor } from '../../functions/adapters/send-quota';
import { TokenBucket } from '../../functions/adapters/token-bucket';
import { planBatches } from '../../functions/domain/notification';
import { createNotifyWorkerHandler, QUOTA_WAIT_SECONDS } from '../../functions/handlers/notify-worker';
import { createLogger } from '../../functions/http/log';
import type { NotificationStore, QueueMessage, SendQuota } from '../../functions/ports';
import type { WorkerDeps } from '../../functions/usecases/notification-worker';

const quiet = createLogger('test', 'error', () => {});

describe('QuotaGovernor', () => {
  const setup = (quota: SendQuota) => {
    let now = 0;
    const clock = { now: () => new Date(now) };
    const getSendQuota = vi.fn(async () => quota);
    const pacer = new TokenBucket(14);
    const governor = new QuotaGovernor({ getSendQuota }, 14, clock, pacer, 300_000);
    return { governor, getSendQuota, pacer, advance: (ms: number) => (now += ms) };
  };

  it('reads GetSendQuota at most once per refresh period and paces at the lower rate', async () => {
    const { governor, getSendQuota, pacer, advance } = setup({
      maxSendRate: 5,
      max24HourSend: 50_000,
      sentLast24Hours: 100,
    });
    expect(await governor.refresh()).toEqual({ rate: 5, remaining: 49_900 });
    expect(pacer.ceiling).toBe(5);
    advance(299_999);
    await governor.refresh();
    await governor.refresh();
    expect(getSendQuota).toHaveBeenCalledTimes(1);
    advance(1);
    await governor.refresh();
    expect(getSendQuota).toHaveBeenCalledTimes(2);
  });

  it('keeps the configured rate when SES allows more, and counts sends against the daily quota', async () => {
    const { governor, pacer } = setup({ maxSendRate: 200, max24HourSend: 3, sentLast24Hours: 1 });
    expect(await governor.refresh()).toEqual({ rate: 14, remaining: 2 });
    expect(pacer.ceiling).toBe(14);
    governor.sent();
    governor.sent();
    expect(governor.state().remaining).toBe(0);
  });

  it('treats -1 as unlimited and keeps the last limits when a read fails', async () => {
    let fail = false;
    let now = 0;
    const source = {
      getSendQuota: async () => {
        if (fail) throw new Error('SES down');
        return { maxSendRate: 7, max24HourSend: -1, sentLast24Hours: 0 };
      },
    };
    const errors: unknown[] = [];
    const governor = new QuotaGovernor(
      source,
      14,
      { now: () => new Date(now) },
      new TokenBucket(14),
      1000,
      (e) => errors.push(e),
    );
    expect(await governor.refresh()).toEqual({ rate: 7, remaining: Number.POSITIVE_INFINITY });
    fail = true;
    now += 1000;
    expect(await governor.refresh()).toEqual({ rate: 7, remaining: Number.POSITIVE_INFINITY });
    expect(errors).toHaveLength(1);
  });
});

describe('notify-worker handler with the daily quota used up', () => {
  it('puts every batch back delayed, reports none failed (no receive spent) and sends nothing', async () => {
    const source = new ConfiguredSendQuota({ maxSendRate: 14, max24HourSend: 10 });
    source.sent = 10;
    const getBatchState = vi.fn();
    const requeued: QueueMessage[] = [];
    const handler = createNotifyWorkerHandler({
      notifications: { getBatchState } as unknown as NotificationStore,
      quota: new QuotaGovernor(source, 14, { now: () => new Date(0) }, new TokenBucket(14)),
      sendQueue: { sendBatch: async (m: QueueMessage[]) => void requeued.push(...m) },
      logger: quiet,
    } as unknown as WorkerDeps);
    const body = JSON.stringify(planBatches('privacy', 2, 0, ['u1'])[0]);
    const record = { messageId: 'm1', body, attributes: { ApproximateReceiveCount: '3' } };
    const out = await handler({ Records: [record] } as unknown as SQSEvent);
    expect(out.batchItemFailures).toEqual([]);
    expect(requeued).toEqual([{ id: 'q0', body, delaySeconds: QUOTA_WAIT_SECONDS }]);
    expect(getBatchState).not.toHaveBeenCalled();
  });
});
