/** The read function (public pages, policies, revisions, texts, diffs). */
import type { ReadDeps } from '../handlers/read';
import { RevisionCatalog } from '../usecases/catalog';
import type { Adapters } from './adapters';
import { lambdaDb } from './dynamo';
import { readSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { policyStore } from './stores';

/** Everything but the console's script, which is a file in Lambda and a fresh bundle locally. */
export type ReadBuild = Omit<ReadDeps, 'consoleScript'>;

export function buildRead(a: Adapters, s: Settings<'read'>): ReadBuild {
  const policies = policyStore(a.db);
  return {
    policies,
    catalog: new RevisionCatalog(policies, s.revisionCacheTtlMs),
    clock: a.clock,
    publicBaseUrl: s.publicBaseUrl,
    orgName: s.orgName,
  };
}

export function readFromEnv(): ReadBuild {
  const { settings, locations } = environmentOf('read', readSettings);
  return buildRead({ ...system, db: lambdaDb(locations) }, settings);
}
