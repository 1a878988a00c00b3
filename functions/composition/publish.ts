/** The publish function: revisions, their campaigns' start and progress, the suppression list. */
import { metricsFromEnv } from '../adapters/observability';
import type { Revision } from '../domain/revision';
import type { PublishHandlerDeps } from '../handlers/publish';
import { RevisionCatalog } from '../usecases/catalog';
import { campaignStarter } from '../usecases/notifications';
import { type Adapters, loggerFor, queue } from './adapters';
import { lambdaDb } from './dynamo';
import { publishSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { lambdaQueues } from './sqs';
import { notificationStore, policyStore, suppressionStore } from './stores';

export interface PublishHooks {
  /** After the revision is stored, before its campaign starts (locally: the other functions' caches). */
  published?: (revision: Revision) => void | Promise<void>;
}

export function buildPublish(
  a: Adapters,
  s: Settings<'publish'>,
  hooks: PublishHooks = {},
): PublishHandlerDeps & { catalog: RevisionCatalog } {
  const policies = policyStore(a.db);
  const notifications = notificationStore(a.db);
  const startCampaign = campaignStarter({
    notifications,
    fanoutQueue: queue(a, 'fanout'),
    clock: a.clock,
    logger: loggerFor(a, 'publish'),
    fanoutLeaseMs: s.fanoutLeaseMs,
  });
  return {
    policies,
    catalog: new RevisionCatalog(policies, s.revisionCacheTtlMs),
    clock: a.clock,
    notifications,
    suppressions: suppressionStore(a.db),
    onPublished: async (revision) => {
      a.metrics?.count('PublishedRevisions');
      await hooks.published?.(revision);
      await startCampaign(revision);
    },
  };
}

export function publishFromEnv(): PublishHandlerDeps {
  const { settings, locations } = environmentOf('publish', publishSettings);
  return buildPublish(
    { ...system, db: lambdaDb(locations), queues: lambdaQueues(locations), metrics: metricsFromEnv() },
    settings,
  );
}
