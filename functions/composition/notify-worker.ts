/** The send worker: claims, sends (paced, under SES's quota) and records each recipient of a batch. */
import type { SESClient } from '@aws-sdk/client-ses';
import { CoalescedCustomerReads } from '../adapters/coalesced-reads';
import { metricsFromEnv } from '../adapters/metrics';
import { QuotaGovernor, SesSendQuota } from '../adapters/send-quota';
import { createSesClient } from '../adapters/ses';
import { TokenBucket } from '../adapters/token-bucket';
import { senderHeader } from '../domain/email';
import { describeError } from '../http/log';
import type { Mailer, Pacer, Queue, SendQuotaSource } from '../ports';
import { NoticeCache } from '../usecases/notification-content';
import { Limiter, validateWorkerConfig, type WorkerDeps } from '../usecases/notification-worker';
import { type Adapters, loggerFor, queue } from './adapters';
import { lambdaDb } from './dynamo';
import { notifyWorkerSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { sesMailer } from './mail';
import { lambdaQueues } from './sqs';
import { customerReader, notificationStore, policyStore, suppressionStore } from './stores';

/** How the worker reaches SES; locally the emulator's client or a stand-in mailer. */
export interface MailAdapters {
  /** The SES client: sends (unless `mailer` replaces it) and, in AWS, GetSendQuota. */
  ses?: SESClient;
  /** Replaces the SES mailer (fault injection, a simulated SES). */
  mailer?: Mailer;
  /** Where SES's limits come from: GetSendQuota by default; locally configured limits (the emulator has none). */
  quotaSource?: SendQuotaSource;
  /** Replaces the token bucket, and with it the quota (benchmarks run unpaced). */
  pacer?: Pacer;
}

export type NotifyWorkerDeps = WorkerDeps & { sendQueue: Queue };

export function buildNotifyWorker(
  a: Adapters,
  s: Settings<'notify-worker'>,
  mail: MailAdapters,
): NotifyWorkerDeps {
  const config = validateWorkerConfig({
    from: senderHeader(s.org.name, s.fromAddress),
    leaseMs: s.leaseMs,
    concurrency: s.sendConcurrency,
    sendAttempts: s.sendAttempts,
    retryBaseMs: s.retryBaseMs,
    retryMaxMs: s.retryMaxMs,
    markAttempts: s.markAttempts,
  });
  const logger = loggerFor(a, 'notify-worker');
  const mailer = mail.mailer ?? (mail.ses ? sesMailer(mail.ses, s.configurationSet) : null);
  if (!mailer) throw new Error('the send worker needs an SES client or a mailer');
  const bucket = mail.pacer ? null : new TokenBucket(s.sesMaxSendRate);
  const quotaSource = mail.quotaSource ?? (mail.ses ? new SesSendQuota(mail.ses) : null);
  return {
    notifications: notificationStore(a.db),
    // Each recipient's consistent re-read before its send; the re-reads of one turn of the event loop
    // go in one batch read. 16 in flight (above the send concurrency): a re-read never waits for another.
    customers: new CoalescedCustomerReads(customerReader(a.db), 16),
    suppressions: suppressionStore(a.db),
    mailer,
    pacer: mail.pacer ?? bucket!,
    ...(bucket && quotaSource
      ? {
          quota: new QuotaGovernor(quotaSource, s.sesMaxSendRate, a.clock, bucket, s.quotaRefreshMs, (e) =>
            logger.warn('GetSendQuota failed; keeping the last known limits', describeError(e)),
          ),
        }
      : {}),
    sendQueue: queue(a, 'send'),
    content: new NoticeCache(policyStore(a.db), {
      publicBaseUrl: s.publicBaseUrl,
      org: s.org,
      timeZone: s.timeZone,
    }),
    clock: a.clock,
    ids: a.ids,
    logger,
    config,
    limiter: new Limiter(config.concurrency),
    unrecorded: new Map(),
    ...(a.metrics ? { metrics: a.metrics } : {}),
  };
}

export function notifyWorkerFromEnv(): NotifyWorkerDeps {
  const { settings, locations } = environmentOf('notify-worker', notifyWorkerSettings);
  return buildNotifyWorker(
    { ...system, db: lambdaDb(locations), queues: lambdaQueues(locations), metrics: metricsFromEnv() },
    settings,
    { ses: createSesClient({ endpoint: locations.sesEndpoint, region: locations.region }) },
  );
}
