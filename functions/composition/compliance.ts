/** The compliance function: exports, counts, timelines and receipts (reads only). */
import { RevisionCatalog } from '../usecases/catalog';
import type { ComplianceDeps } from '../usecases/compliance';
import type { Adapters } from './adapters';
import { lambdaDb } from './dynamo';
import { complianceSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { acknowledgmentStore, countStore, noticeReader, policyStore } from './stores';

export function buildCompliance(a: Adapters, s: Settings<'compliance'>): ComplianceDeps {
  const policies = policyStore(a.db);
  return {
    policies,
    catalog: new RevisionCatalog(policies, s.revisionCacheTtlMs),
    clock: a.clock,
    // Reads only: no counter hook.
    acks: acknowledgmentStore(a.db, { counting: false }),
    counts: countStore(a.db),
    notices: noticeReader(a.db),
  };
}

export function complianceFromEnv(): ComplianceDeps {
  const { settings, locations } = environmentOf('compliance', complianceSettings);
  return buildCompliance({ ...system, db: lambdaDb(locations) }, settings);
}
