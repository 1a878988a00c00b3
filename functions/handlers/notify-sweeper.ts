/**
 * The sweeper (EventBridge schedule, every minute): starts campaigns a dying publisher did not, restarts
 * stalled fan-outs and completes campaigns whose counts are in. Env: POLICIES_TABLE, NOTIFICATIONS_TABLE,
 * FANOUT_QUEUE_URL.
 */
import { systemClock } from '../adapters/system';
import { createLogger } from '../http/log';
import { type SweeperDeps, type SweepReport, sweep } from '../usecases/notifications';
import { lazyHandler, notificationStoreFromEnv, policyStoreFromEnv, queueFromEnv } from './wiring';

export function createNotifySweeperHandler(deps: SweeperDeps) {
  return async (_event?: unknown): Promise<SweepReport> => {
    const report = await sweep(deps);
    const acted = report.started + report.restarted + report.rolledUp + report.completed > 0;
    (acted ? deps.logger.info : deps.logger.debug)('sweep done', { ...report });
    return report;
  };
}

export const handler = lazyHandler(() =>
  createNotifySweeperHandler({
    policies: policyStoreFromEnv(),
    notifications: notificationStoreFromEnv(),
    fanoutQueue: queueFromEnv('FANOUT_QUEUE_URL'),
    clock: systemClock,
    logger: createLogger('notify-sweeper'),
  }),
);
