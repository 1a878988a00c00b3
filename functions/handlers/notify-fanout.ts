/**
 * Fan-out (SQS event source on the fan-out queue): each message advances one campaign by one page of
 * customers. Env: CUSTOMERS_TABLE, NOTIFICATIONS_TABLE, POLICIES_TABLE, SEND_QUEUE_URL, FANOUT_QUEUE_URL.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../adapters/system';
import { fanoutMessageSchema } from '../domain/notification';
import { createLogger, describeError } from '../http/log';
import { type FanoutDeps, fanoutStep } from '../usecases/notifications';
import { customerStoreFromEnv, lazyHandler, notificationStoreFromEnv, queueFromEnv } from './wiring';

/** Steps run one after another: they usually belong to one campaign and only one of them can win. */
export function createNotifyFanoutHandler(deps: FanoutDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const message = fanoutMessageSchema.parse(JSON.parse(record.body));
        const outcome = await fanoutStep(deps, message);
        deps.logger.debug('fan-out step', {
          ...message,
          outcome,
          receiveCount: record.attributes.ApproximateReceiveCount,
        });
      } catch (e) {
        deps.logger.error('fan-out step failed; it will be retried', {
          messageId: record.messageId,
          ...describeError(e),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

export const handler = lazyHandler(() =>
  createNotifyFanoutHandler({
    notifications: notificationStoreFromEnv(),
    customers: customerStoreFromEnv(),
    sendQueue: queueFromEnv('SEND_QUEUE_URL'),
    fanoutQueue: queueFromEnv('FANOUT_QUEUE_URL'),
    clock: systemClock,
    logger: createLogger('notify-fanout'),
  }),
);
