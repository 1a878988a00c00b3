/**
 * Scheduled (EventBridge, lib/stateless-stack.ts): recomputes the sharded counters from the tables and
 * corrects any drift (functions/usecases/counts.ts). Reads Policies, Customers (byStatus index) and
 * Acknowledgments (byPolicy index) with Query only; writes counter corrections to Acknowledgments.
 */

import { DynamoAcknowledgmentStore } from '../adapters/dynamodb/acknowledgment-store';
import { tableNameFromEnv } from '../adapters/dynamodb/tables';
import { createLogger } from '../http/log';
import { reconcileCounts } from '../usecases/counts';
import {
  countStoreFromEnv,
  customerStoreFromEnv,
  documentClient,
  lazyHandler,
  policyStoreFromEnv,
} from './wiring';

export const handler = lazyHandler<unknown, { corrected: number; busy: number }>(() => {
  const logger = createLogger('reconcile-counts');
  const deps = {
    policies: policyStoreFromEnv(),
    customers: customerStoreFromEnv(),
    // Reads only: no counter hook, which would count nothing here anyway.
    acks: new DynamoAcknowledgmentStore(documentClient(), tableNameFromEnv('acknowledgments')),
    counts: countStoreFromEnv(),
  };
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
