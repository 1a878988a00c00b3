/**
 * The publish function: revisions, their campaigns' start, progress and retry, the suppression list,
 * and a dry run's preview (the emails each reader language would get, recipients from the counters, a
 * test email put on the send queue for the worker, which alone talks to SES).
 */
import { metricsFromEnv } from '../adapters/metrics';
import type { Revision } from '../domain/revision';
import type { PublishHandlerDeps } from '../handlers/publish';
import { RevisionCatalog } from '../usecases/catalog';
import { campaignStarter } from '../usecases/notifications';
import { TestSendLimiter } from '../usecases/preview';
import { type Adapters, loggerFor, queue } from './adapters';
import { lambdaDb } from './dynamo';
import { publishSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { lambdaQueues } from './sqs';
import { countStore, notificationStore, policyStore, suppressionStore } from './stores';

export interface PublishHooks {
  /** After the revision is stored, before its campaign starts (locally: the other functions' caches). */
  published?: (revision: Revision) => void | Promise<void>;
  /** The link base of a dry run's emails, when known only later (locally: once the server listens). */
  publicBaseUrl?: () => string;
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
  const sendQueue = queue(a, 'send');
  return {
    policies,
    catalog: new RevisionCatalog(policies, s.revisionCacheTtlMs),
    clock: a.clock,
    notifications,
    suppressions: suppressionStore(a.db),
    sendQueue,
    batchSize: s.batchSize,
    counts: countStore(a.db),
    notice: () => ({
      publicBaseUrl: hooks.publicBaseUrl?.() ?? s.publicBaseUrl,
      org: s.org,
      timeZone: s.timeZone,
    }),
    testSend: { sendQueue, ids: a.ids, limiter: new TestSendLimiter() },
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
