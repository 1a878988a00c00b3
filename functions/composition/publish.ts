/**
 * The publish function: revisions, their campaigns' start, progress and retry, the suppression list,
 * and a dry run's preview (the emails each reader language would get, recipients from the counters, a
 * test email by SES).
 */
import type { SESClient } from '@aws-sdk/client-ses';
import { metricsFromEnv } from '../adapters/observability';
import { createSesClient } from '../adapters/ses';
import { senderHeader } from '../domain/email';
import type { Revision } from '../domain/revision';
import type { PublishHandlerDeps } from '../handlers/publish';
import type { Mailer } from '../ports';
import { RevisionCatalog } from '../usecases/catalog';
import { campaignStarter } from '../usecases/notifications';
import { TestSendLimiter } from '../usecases/preview';
import { type Adapters, loggerFor, queue } from './adapters';
import { lambdaDb } from './dynamo';
import { publishSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { sesMailer } from './mail';
import { lambdaQueues } from './sqs';
import { countStore, notificationStore, policyStore, suppressionStore } from './stores';

export interface PublishHooks {
  /** After the revision is stored, before its campaign starts (locally: the other functions' caches). */
  published?: (revision: Revision) => void | Promise<void>;
  /** The link base of a dry run's emails, when known only later (locally: once the server listens). */
  publicBaseUrl?: () => string;
}

/** How a dry run's test email reaches SES: the SES client, or a stand-in mailer (tests). */
export interface PublishMail {
  ses?: SESClient;
  mailer?: Mailer;
}

export function buildPublish(
  a: Adapters,
  s: Settings<'publish'>,
  hooks: PublishHooks = {},
  mail: PublishMail = {},
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
  const mailer = mail.mailer ?? (mail.ses ? sesMailer(mail.ses, s.configurationSet) : undefined);
  return {
    policies,
    catalog: new RevisionCatalog(policies, s.revisionCacheTtlMs),
    clock: a.clock,
    notifications,
    suppressions: suppressionStore(a.db),
    sendQueue: queue(a, 'send'),
    batchSize: s.batchSize,
    counts: countStore(a.db),
    notice: () => ({
      publicBaseUrl: hooks.publicBaseUrl?.() ?? s.publicBaseUrl,
      org: s.org,
      timeZone: s.timeZone,
    }),
    ...(mailer
      ? {
          testSend: { mailer, from: senderHeader(s.org.name, s.fromAddress), limiter: new TestSendLimiter() },
        }
      : {}),
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
    {},
    { ses: createSesClient({ endpoint: locations.sesEndpoint, region: locations.region }) },
  );
}
