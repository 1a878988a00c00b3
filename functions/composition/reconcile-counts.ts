/** The scheduled counter reconciliation (also `policyctl counts --reconcile`). */
import type { ReconcileDeps } from '../usecases/counts';
import type { Adapters } from './adapters';
import { lambdaDb } from './dynamo';
import { reconcileCountsSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { acknowledgmentStore, countStore, customerStore, policyStore } from './stores';

export function buildReconcileCounts(
  a: Pick<Adapters, 'db'>,
  _s: Settings<'reconcile-counts'>,
): ReconcileDeps {
  return {
    policies: policyStore(a.db),
    customers: customerStore(a.db, { counting: false }),
    // Reads only: no counter hook, which would count nothing here anyway.
    acks: acknowledgmentStore(a.db, { counting: false }),
    counts: countStore(a.db),
  };
}

export function reconcileCountsFromEnv(): ReconcileDeps {
  const { settings, locations } = environmentOf('reconcile-counts', reconcileCountsSettings);
  return buildReconcileCounts({ ...system, db: lambdaDb(locations) }, settings);
}
