/** The acknowledgments function: acknowledgments (keeping the counters) and the status check. */
import { metricsFromEnv } from '../adapters/metrics';
import type { AcknowledgmentHandlerDeps } from '../handlers/acknowledgments';
import { RevisionCatalog } from '../usecases/catalog';
import type { Adapters } from './adapters';
import { lambdaDb } from './dynamo';
import { acknowledgmentsSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { acknowledgmentStore, policyStore } from './stores';

export function buildAcknowledgments(
  a: Adapters,
  s: Settings<'acknowledgments'>,
): AcknowledgmentHandlerDeps & { catalog: RevisionCatalog } {
  const policies = policyStore(a.db);
  return {
    policies,
    catalog: new RevisionCatalog(policies, s.revisionCacheTtlMs),
    clock: a.clock,
    ids: a.ids,
    acks: acknowledgmentStore(a.db, { counting: true }),
    ...(a.metrics ? { metrics: a.metrics } : {}),
  };
}

export function acknowledgmentsFromEnv(): AcknowledgmentHandlerDeps {
  const { settings, locations } = environmentOf('acknowledgments', acknowledgmentsSettings);
  return buildAcknowledgments({ ...system, db: lambdaDb(locations), metrics: metricsFromEnv() }, settings);
}
