/**
 * The send worker (SQS event source on the send queue with ReportBatchItemFailures). Env:
 * CUSTOMERS_TABLE, NOTIFICATIONS_TABLE, POLICIES_TABLE, SES_FROM_ADDRESS, SES_CONFIGURATION_SET
 * (optional), SES_MAX_SEND_RATE (per instance), PUBLIC_BASE_URL, ORG_NAME, ORG_PHONE, ORG_EMAIL; optional
 * SES_ENDPOINT, NOTIFY_LEASE_MS, NOTIFY_SEND_CONCURRENCY, SES_QUOTA_REFRESH_MS; SEND_QUEUE_URL (batches put
 * back while SES's 24-hour quota is used up).
 */

import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { metricsFromEnv } from '../adapters/observability';
import { QuotaGovernor, SesSendQuota } from '../adapters/send-quota';
import { createSesClient, SesMailer } from '../adapters/ses';
import { systemClock } from '../adapters/system';
import { TokenBucket } from '../adapters/token-bucket';
import { canonicalTimeZone, isSafeAddress, type OrgContact, senderHeader, singleLine } from '../domain/email';
import { sendMessageSchema } from '../domain/notification';
import { createLogger, describeError } from '../http/log';
import type { Queue } from '../ports';
import { NoticeCache } from '../usecases/notification-content';
import {
  DEFAULT_WORKER_CONFIG,
  Limiter,
  processSendBatch,
  validateWorkerConfig,
  type WorkerDeps,
} from '../usecases/notification-worker';
import {
  customerStoreFromEnv,
  intFromEnv,
  lazyHandler,
  notificationStoreFromEnv,
  policyStoreFromEnv,
  queueFromEnv,
  requiredEnv,
  suppressionStoreFromEnv,
} from './wiring';

export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** Time kept back at the end of an invocation to record what is in flight and answer SQS. */
const safetyMargin = (remainingMs: number) => Math.min(10_000, remainingMs * 0.2);

/**
 * Messages of one invocation run concurrently, all sharing the instance's token bucket and send
 * limiter. A message whose recipients are not all final (a live claim elsewhere, retries exhausted,
 * time running out) is reported in `batchItemFailures` and comes back after its visibility timeout.
 */
/** How long batches wait while SES's 24-hour quota is used up (SQS's longest message delay). */
export const QUOTA_WAIT_SECONDS = 900;

export function createNotifyWorkerHandler(deps: WorkerDeps & { sendQueue?: Queue }) {
  return async (event: SQSEvent, context?: InvocationContext): Promise<SQSBatchResponse> => {
    if (deps.quota && deps.sendQueue) {
      const { remaining } = await deps.quota.refresh();
      if (remaining <= 0) {
        // Daily quota used up: the batches go back as new messages delayed by 15 minutes, and these are
        // deleted. Reporting them failed would spend a receive each time and end in the DLQ.
        await deps.sendQueue.sendBatch(
          event.Records.map((r, i) => ({ id: `q${i}`, body: r.body, delaySeconds: QUOTA_WAIT_SECONDS })),
        );
        deps.logger.warn('SES 24-hour quota used up; batches put back with a delay', {
          batches: event.Records.length,
        });
        return { batchItemFailures: [] };
      }
    }
    const remaining = context?.getRemainingTimeInMillis();
    const deadline =
      remaining === undefined ? Number.POSITIVE_INFINITY : Date.now() + remaining - safetyMargin(remaining);
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        try {
          const parsed = sendMessageSchema.safeParse(JSON.parse(record.body));
          if (!parsed.success) throw new Error('malformed send message');
          const result = await processSendBatch(deps, parsed.data, deadline);
          if (!result.done) {
            deps.logger.info('batch not finished; it will be redelivered', {
              batchId: parsed.data.batchId,
              unfinished: result.unfinished,
              receiveCount: record.attributes.ApproximateReceiveCount,
            });
            batchItemFailures.push({ itemIdentifier: record.messageId });
          }
        } catch (e) {
          deps.logger.error('send batch failed; it will be retried', {
            messageId: record.messageId,
            ...describeError(e),
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures };
  };
}

/** A positive rate (fractions allowed: 0.5 is one send every two seconds). */
export function rateFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`environment variable ${name} must be a positive number`);
  return value;
}

/**
 * The contact block of every email: ORG_NAME (required); ORG_PHONE, ORG_EMAIL, ORG_ADDRESS and
 * ORG_WEBSITE (optional: each one that is set is shown).
 */
export function orgContactFromEnv(): OrgContact {
  const name = singleLine(requiredEnv('ORG_NAME'));
  const optional = (key: string) => (process.env[key] ? singleLine(process.env[key]) : null);
  const website = optional('ORG_WEBSITE');
  if (website !== null && !/^https?:\/\/[^\s<>"']+$/i.test(website))
    throw new Error('environment variable ORG_WEBSITE must be an http(s) URL');
  return {
    name,
    phone: optional('ORG_PHONE'),
    email: optional('ORG_EMAIL'),
    address: optional('ORG_ADDRESS'),
    website,
  };
}

/** ORG_TIME_ZONE: the IANA zone emails show times in for customers without one (default UTC). */
export function orgTimeZoneFromEnv(): string {
  const zone = process.env.ORG_TIME_ZONE || 'UTC';
  const canonical = canonicalTimeZone(zone);
  if (!canonical)
    throw new Error(`environment variable ORG_TIME_ZONE must be an IANA time zone name, not ${zone}`);
  return canonical;
}

export function fromAddressFromEnv(): string {
  const from = requiredEnv('SES_FROM_ADDRESS');
  if (!isSafeAddress(from))
    throw new Error('environment variable SES_FROM_ADDRESS must be a bare email address');
  return from;
}

export const handler = lazyHandler<SQSEvent, SQSBatchResponse, [InvocationContext?]>(() => {
  const policies = policyStoreFromEnv();
  const config = validateWorkerConfig({
    ...DEFAULT_WORKER_CONFIG,
    from: senderHeader(orgContactFromEnv().name, fromAddressFromEnv()),
    leaseMs: intFromEnv('NOTIFY_LEASE_MS', DEFAULT_WORKER_CONFIG.leaseMs),
    concurrency: Math.max(1, intFromEnv('NOTIFY_SEND_CONCURRENCY', DEFAULT_WORKER_CONFIG.concurrency)),
  });
  const ses = createSesClient({
    endpoint: process.env.SES_ENDPOINT || undefined,
    region: process.env.AWS_REGION,
  });
  const rate = rateFromEnv('SES_MAX_SEND_RATE', 14);
  const pacer = new TokenBucket(rate);
  const logger = createLogger('notify-worker');
  const quota = new QuotaGovernor(
    new SesSendQuota(ses),
    rate,
    systemClock,
    pacer,
    intFromEnv('SES_QUOTA_REFRESH_MS', 5 * 60 * 1000),
    (e) => logger.warn('GetSendQuota failed; keeping the last known limits', describeError(e)),
  );
  return createNotifyWorkerHandler({
    notifications: notificationStoreFromEnv(),
    customers: customerStoreFromEnv(),
    suppressions: suppressionStoreFromEnv(),
    mailer: new SesMailer(ses, { configurationSet: process.env.SES_CONFIGURATION_SET || undefined }),
    pacer,
    quota,
    sendQueue: queueFromEnv('SEND_QUEUE_URL'),
    content: new NoticeCache(policies, {
      publicBaseUrl: requiredEnv('PUBLIC_BASE_URL'),
      org: orgContactFromEnv(),
      timeZone: orgTimeZoneFromEnv(),
    }),
    clock: systemClock,
    logger,
    config,
    limiter: new Limiter(config.concurrency),
    unrecorded: new Map(),
    metrics: metricsFromEnv(),
  });
});
