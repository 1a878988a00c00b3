/**
 * SES bounce and complaint notifications delivered through SNS: the Message of each record is the SES
 * event JSON. Permanent bounces and complaints suppress every customer with that address. Env:
 * CUSTOMERS_TABLE.
 */
import type { SNSEvent } from 'aws-lambda';
import { systemClock } from '../adapters/system';
import { createLogger, type Logger } from '../http/log';
import type { Clock, CustomerStore } from '../ports';
import { applySesEvent } from '../usecases/notifications';
import { countingCustomerStoreFromEnv, lazyHandler } from './wiring';

export interface SesEventsDeps {
  customers: Pick<CustomerStore, 'suppressByEmail'>;
  clock: Clock;
  logger: Logger;
}

/**
 * A record whose Message is not JSON is logged and skipped (retrying cannot fix it); a storage error
 * fails the invocation so SNS/Lambda retry it (suppression is idempotent).
 */
export function createSesEventsHandler(deps: SesEventsDeps) {
  return async (event: SNSEvent): Promise<{ suppressed: number }> => {
    let suppressed = 0;
    for (const record of event.Records) {
      let payload: unknown;
      try {
        payload = JSON.parse(record.Sns.Message);
      } catch {
        deps.logger.warn('SNS message is not JSON; skipped', { messageId: record.Sns.MessageId });
        continue;
      }
      suppressed += await applySesEvent(deps, payload);
    }
    return { suppressed };
  };
}

export const handler = lazyHandler(() =>
  createSesEventsHandler({
    customers: countingCustomerStoreFromEnv(),
    clock: systemClock,
    logger: createLogger('ses-events'),
  }),
);
