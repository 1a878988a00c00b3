/**
 * The sweeper (EventBridge schedule, every minute): starts campaigns a dying publisher did not, restarts
 * stalled fan-outs, re-enqueues the send batches of campaigns without progress and completes campaigns
 * whose counts are in. Env: POLICIES_TABLE, NOTIFICATIONS_TABLE, FANOUT_QUEUE_URL, SEND_QUEUE_URL,
 * NOTIFY_STALL_MS (optional).
 */
import { systemClock } from '../adapters/system';
import { createLogger } from '../http/log';
import { type SweeperDeps, type SweepReport, sweep } from '../usecases/notifications';
import {
  intFromEnv,
  lazyHandler,
  notificationStoreFromEnv,
  policyStoreFromEnv,
  queueFromEnv,
} from './wiring';

export function createNotifySweeperHandler(deps: SweeperDeps) {
  return async (_event?: unknown, opts: { queuesLost?: boolean } = {}): Promise<SweepReport> => {
    const report = await sweep(deps, opts);
    const acted =
      report.started + report.restarted + report.rolledUp + report.completed + report.requeued > 0;
    (acted ? deps.logger.info : deps.logger.debug)('sweep done', { ...report });
    return report;
  };
}

export const handler = lazyHandler(() =>
  createNotifySweeperHandler({
    policies: policyStoreFromEnv(),
    notifications: notificationStoreFromEnv(),
    fanoutQueue: queueFromEnv('FANOUT_QUEUE_URL'),
    sendQueue: queueFromEnv('SEND_QUEUE_URL'),
    clock: systemClock,
    logger: createLogger('notify-sweeper'),
    stallMs: intFromEnv('NOTIFY_STALL_MS', 30 * 60 * 1000),
  }),
);
