/**
 * The sweeper (EventBridge schedule, every minute): starts campaigns a dying publisher did not, restarts
 * stalled fan-outs, re-enqueues the send batches of campaigns without progress and completes campaigns
 * whose counts are in. Built by functions/composition/notify-sweeper.ts.
 */
import { lazyHandler } from '../composition/handler';
import { notifySweeperFromEnv } from '../composition/notify-sweeper';
import { type SweeperDeps, type SweepReport, sweep } from '../usecases/notifications';

export function createNotifySweeperHandler(deps: SweeperDeps) {
  return async (_event?: unknown, opts: { queuesLost?: boolean } = {}): Promise<SweepReport> => {
    const report = await sweep(deps, opts);
    const acted =
      report.started + report.restarted + report.rolledUp + report.completed + report.requeued > 0;
    (acted ? deps.logger.info : deps.logger.debug)('sweep done', { ...report });
    return report;
  };
}

export const handler = lazyHandler(() => createNotifySweeperHandler(notifySweeperFromEnv()));
