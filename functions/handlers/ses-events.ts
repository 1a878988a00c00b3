/**
 * SES bounce and complaint notifications delivered through SNS: the Message of each record is the SES
 * event JSON. Permanent bounces and complaints put the address's hash on the suppression list and
 * suppress every customer with that address. Built by functions/composition/ses-events.ts.
 */
import type { SNSEvent } from 'aws-lambda';
import { lazyHandler } from '../composition/handler';
import { sesEventsFromEnv } from '../composition/ses-events';
import { applySesEvent, type SesEventDeps } from '../usecases/notifications';

export type SesEventsDeps = SesEventDeps;

/**
 * A record whose Message is not JSON is logged and skipped (retrying cannot fix it); a storage error
 * fails the invocation so SNS/Lambda retry it (suppression is idempotent).
 */
export function createSesEventsHandler(deps: SesEventsDeps) {
  return async (event: SNSEvent): Promise<{ suppressed: number; delivered: number }> => {
    let suppressed = 0;
    let delivered = 0;
    for (const record of event.Records) {
      let payload: unknown;
      try {
        payload = JSON.parse(record.Sns.Message);
      } catch {
        deps.logger.warn('SNS message is not JSON; skipped', { messageId: record.Sns.MessageId });
        continue;
      }
      const applied = await applySesEvent(deps, payload);
      suppressed += applied.suppressed;
      delivered += applied.delivered;
    }
    return { suppressed, delivered };
  };
}

export const handler = lazyHandler(() => createSesEventsHandler(sesEventsFromEnv()));
