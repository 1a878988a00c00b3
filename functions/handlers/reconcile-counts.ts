/**
 * Scheduled (EventBridge, lib/stateless-stack.ts): recomputes the sharded counters from the tables and
 * corrects any drift (functions/usecases/counts.ts). Reads Policies, Customers (byStatus index) and
 * Acknowledgments (byPolicy index) with Query only; writes counter corrections to Acknowledgments.
 */

import { lazyHandler } from '../composition/handler';
import { reconcileCountsFromEnv } from '../composition/reconcile-counts';
import { createLogger } from '../http/log';
import { reconcileCounts } from '../usecases/counts';

export const handler = lazyHandler<unknown, { corrected: number; busy: number }>(() => {
  const logger = createLogger('reconcile-counts');
  const deps = reconcileCountsFromEnv();
  return async () => {
    const report = await reconcileCounts(deps);
    const corrected = report.corrections.filter((c) => c.status === 'corrected');
    const busy = report.corrections.filter((c) => c.status === 'busy');
    // Counter names and amounts only: no user id reaches the logs.
    logger.info('counters reconciled', {
      counters: report.corrections.length,
      corrected: corrected.map((c) => ({ counter: c.counter, deltas: c.deltas })),
      busy: busy.map((c) => c.counter),
    });
    return { corrected: corrected.length, busy: busy.length };
  };
});
