/**
 * The send worker (SQS event source on the send queue with ReportBatchItemFailures). Built by
 * functions/composition/notify-worker.ts, which also lists its environment (functions/composition/env.ts).
 * Batches go back to the send queue while SES's 24-hour quota is used up. The same queue carries the
 * publish function's dry-run test emails (`kind: 'test'`), sent without touching any campaign.
 */

import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lazyHandler } from '../composition/handler';
import { notifyWorkerFromEnv } from '../composition/notify-worker';
import { DEFAULTS } from '../domain/defaults';
import { sendMessageSchema, testEmailMessageSchema } from '../domain/notification';
import { describeError } from '../http/log';
import type { Queue } from '../ports';
import { processSendBatch, sendTestEmail, type WorkerDeps } from '../usecases/notification-worker';

export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** Time kept back at the end of an invocation to record what is in flight and answer SQS. */
const safetyMargin = (remainingMs: number) => Math.min(10_000, remainingMs * 0.2);

/** How long batches wait while SES's 24-hour quota is used up (SQS's longest message delay). */
export const QUOTA_WAIT_SECONDS = DEFAULTS.quotaWaitSeconds;

/**
 * Messages of one invocation run concurrently, all sharing the instance's token bucket and send
 * limiter. A message whose recipients are not all final (a live claim elsewhere, retries exhausted,
 * time running out) is reported in `batchItemFailures` and comes back after its visibility timeout.
 */
export function createNotifyWorkerHandler(deps: WorkerDeps & { sendQueue?: Queue }) {
  return async (event: SQSEvent, context?: InvocationContext): Promise<SQSBatchResponse> => {
    if (deps.quota && deps.sendQueue) {
      const { remaining } = await deps.quota.refresh();
      if (remaining <= 0) {
        // Daily quota used up: the batches go back as new messages delayed by 15 minutes, and these are
        // deleted. Reporting them failed would spend a receive each time and end in the DLQ.
        await deps.sendQueue.sendBatch(
          event.Records.map((r, i) => ({ id: `q${i}`, body: r.body, delaySeconds: QUOTA_WAIT_SECONDS })),
        );
        deps.logger.warn('SES 24-hour quota used up; batches put back with a delay', {
          batches: event.Records.length,
        });
        return { batchItemFailures: [] };
      }
    }
    const remaining = context?.getRemainingTimeInMillis();
    const deadline =
      remaining === undefined
        ? Number.POSITIVE_INFINITY
        : deps.clock.now().getTime() + remaining - safetyMargin(remaining);
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        try {
          const body: unknown = JSON.parse(record.body);
          if ((body as { kind?: unknown } | null)?.kind === 'test') {
            // A dry run's test email: one send, no ledger (usecases/preview.ts).
            const test = testEmailMessageSchema().safeParse(body);
            if (!test.success) throw new Error('malformed test email message');
            if (!(await sendTestEmail(deps, test.data)))
              batchItemFailures.push({ itemIdentifier: record.messageId });
            return;
          }
          const parsed = sendMessageSchema().safeParse(body);
          if (!parsed.success) throw new Error('malformed send message');
          const result = await processSendBatch(deps, parsed.data, deadline);
          if (!result.done) {
            deps.logger.info('batch not finished; it will be redelivered', {
              batchId: parsed.data.batchId,
              unfinished: result.unfinished,
              receiveCount: record.attributes.ApproximateReceiveCount,
            });
            batchItemFailures.push({ itemIdentifier: record.messageId });
          }
        } catch (e) {
          deps.logger.error('send batch failed; it will be retried', {
            messageId: record.messageId,
            ...describeError(e),
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures };
  };
}

export const handler = lazyHandler<SQSEvent, SQSBatchResponse, [InvocationContext?]>(() =>
  createNotifyWorkerHandler(notifyWorkerFromEnv()),
);
