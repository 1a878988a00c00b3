/**
 * Fan-out (SQS event source on the fan-out queue): each message advances one campaign by one page of
 * customers. Built by functions/composition/notify-fanout.ts.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lazyHandler } from '../composition/handler';
import { notifyFanoutFromEnv } from '../composition/notify-fanout';
import { fanoutMessageSchema } from '../domain/notification';
import { describeError } from '../http/log';
import { type FanoutDeps, fanoutStep } from '../usecases/notifications';

/** Steps run one after another: they usually belong to one campaign and only one of them can win. */
export function createNotifyFanoutHandler(deps: FanoutDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const message = fanoutMessageSchema().parse(JSON.parse(record.body));
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

export const handler = lazyHandler(() => createNotifyFanoutHandler(notifyFanoutFromEnv()));
