/**
 * The notification pipeline in one process: the Lambda handlers (fan-out, worker, sweeper, SES events)
 * wired to in-process queues with SQS semantics, the SES client of the caller's choice and a sweeper
 * timer. `startLocalService` (npm start, integration tests) and the benchmark use it, so the local
 * wiring exists once and runs the very handlers Lambda runs.
 */
import type { SESClient } from '@aws-sdk/client-ses';
import {
  drainQueues,
  InProcessQueue,
  type InProcessQueue as Queue,
} from '../../functions/adapters/in-process-queue';
import { ConfiguredSendQuota, QuotaGovernor } from '../../functions/adapters/send-quota';
import { SesMailer } from '../../functions/adapters/ses';
import { SimulatingMailer } from '../../functions/adapters/ses-simulator';
import { type Pacer, TokenBucket } from '../../functions/adapters/token-bucket';
import { type OrgContact, senderHeader } from '../../functions/domain/email';
import type { Revision } from '../../functions/domain/revision';
import { createNotifyFanoutHandler } from '../../functions/handlers/notify-fanout';
import { createNotifySweeperHandler } from '../../functions/handlers/notify-sweeper';
import { createNotifyWorkerHandler } from '../../functions/handlers/notify-worker';
import { createSesEventsHandler } from '../../functions/handlers/ses-events';
import { createLogger, describeError, type Logger } from '../../functions/http/log';
import type {
  Clock,
  CustomerStore,
  Mailer,
  MetricsSink,
  NotificationStore,
  PolicyStore,
  SuppressionStore,
} from '../../functions/ports';
import { NoticeCache } from '../../functions/usecases/notification-content';
import {
  DEFAULT_WORKER_CONFIG,
  Limiter,
  validateWorkerConfig,
  type WorkerDeps,
} from '../../functions/usecases/notification-worker';
import { campaignStarter, type SweepReport } from '../../functions/usecases/notifications';

export interface NotificationOptions {
  from: string;
  publicBaseUrl: string;
  org: OrgContact;
  /** ORG_TIME_ZONE: the zone emails show times in for customers without one (default UTC). */
  orgTimeZone?: string;
  /** Sends per second for the one local worker instance (SES_MAX_SEND_RATE). */
  sesMaxSendRate: number;
  /** What sends: an SES client (the emulator's, or a mocked one) or any Mailer (fault injection). */
  sesClient?: SESClient;
  mailer?: Mailer;
  /**
   * Publish the SES events (Delivery, and the mailbox simulator's bounces and complaints) to the
   * ses-events handler after each accepted send, as SES does in AWS. Default: on with an SES client,
   * off with a custom mailer.
   */
  simulateSesEvents?: boolean;
  /** Replaces the token bucket (benchmarks run unpaced). */
  pacer?: Pacer;
  /**
   * SES's limits as the local worker sees them (never read from the emulator, which hangs on
   * GetSendQuota): max send rate (default sesMaxSendRate) and 24-hour quota (default unlimited).
   */
  sendQuota?: { maxSendRate?: number; max24HourSend?: number };
  /** Claim lease (default 60 s). */
  leaseMs?: number;
  /** Fan-out lease before the sweeper restarts a stalled fan-out (default 60 s). */
  fanoutLeaseMs?: number;
  /** Queue visibility timeout (default 30 s) and receives before the dead-letter list (default 5). */
  visibilityTimeoutMs?: number;
  maxReceiveCount?: number;
  /** Worker invocation timeout (default: the visibility timeout). */
  invocationTimeoutMs?: number;
  /** Sweeper period; 0 turns the timer off (tests call `sweep()` themselves). Default 60 s. */
  sweepIntervalMs?: number;
  /** No progress for this long → the sweeper re-enqueues a campaign's uncounted batches (default 120 s). */
  stallMs?: number;
  /** Sends in flight in the worker (default 8), records per worker invocation (default 5), concurrent invocations (default 2). */
  sendConcurrency?: number;
  workerBatchSize?: number;
  workerConcurrency?: number;
  /** Fan-out page size and recipients per batch (defaults: 500 and 50). */
  pageSize?: number;
  batchSize?: number;
  sendAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts to record an accepted send (default 6). */
  markAttempts?: number;
  /** Wraps the store the worker sees (fault injection). */
  wrapWorkerStore?: (store: NotificationStore) => NotificationStore;
  /** Receives the worker's business metrics (EmailsSent / EmailsFailed / EmailsSuppressed). */
  metrics?: MetricsSink;
  logger?: Logger;
}

export interface NotificationPipeline {
  fanoutQueue: Queue;
  sendQueue: Queue;
  /** The publish function's `onPublished`. */
  onPublished: (revision: Revision) => Promise<void>;
  /** One sweeper run (also run by the timer); `queuesLost` after a restart (the in-memory queues died). */
  sweep(opts?: { queuesLost?: boolean }): Promise<SweepReport>;
  /** The SES events function (SNS → suppression); locally called directly. */
  sesEvents: ReturnType<typeof createSesEventsHandler>;
  worker: WorkerDeps;
  /** Waits until both queues are empty with nothing in flight (a test's "the campaign has run"). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PipelineStores {
  notifications: NotificationStore;
  customers: CustomerStore;
  policies: PolicyStore;
  suppressions: SuppressionStore;
}

/** The worker's dependencies as one Lambda instance would build them (fresh caches and memory). */
export function createWorkerDeps(
  stores: PipelineStores,
  clock: Clock,
  opts: NotificationOptions,
): WorkerDeps {
  const config = validateWorkerConfig({
    ...DEFAULT_WORKER_CONFIG,
    from: senderHeader(opts.org.name, opts.from),
    leaseMs: opts.leaseMs ?? 60_000,
    concurrency: opts.sendConcurrency ?? DEFAULT_WORKER_CONFIG.concurrency,
    sendAttempts: opts.sendAttempts ?? DEFAULT_WORKER_CONFIG.sendAttempts,
    retryBaseMs: opts.retryBaseMs ?? DEFAULT_WORKER_CONFIG.retryBaseMs,
    retryMaxMs: opts.retryMaxMs ?? DEFAULT_WORKER_CONFIG.retryMaxMs,
    markAttempts: opts.markAttempts ?? DEFAULT_WORKER_CONFIG.markAttempts,
  });
  const mailer = opts.mailer ?? (opts.sesClient ? new SesMailer(opts.sesClient) : null);
  const pacer = opts.pacer ?? new TokenBucket(opts.sesMaxSendRate);
  if (!mailer) throw new Error('the notification pipeline needs an SES client or a mailer');
  const notifications = opts.wrapWorkerStore
    ? opts.wrapWorkerStore(stores.notifications)
    : stores.notifications;
  return {
    notifications,
    customers: stores.customers,
    suppressions: stores.suppressions,
    mailer,
    pacer,
    ...(pacer instanceof TokenBucket
      ? {
          quota: new QuotaGovernor(
            new ConfiguredSendQuota({
              maxSendRate: opts.sendQuota?.maxSendRate ?? opts.sesMaxSendRate,
              max24HourSend: opts.sendQuota?.max24HourSend ?? -1,
            }),
            opts.sesMaxSendRate,
            clock,
            pacer,
          ),
        }
      : {}),
    content: new NoticeCache(stores.policies, {
      publicBaseUrl: opts.publicBaseUrl,
      org: opts.org,
      timeZone: opts.orgTimeZone ?? 'UTC',
    }),
    clock,
    logger: opts.logger ?? createLogger('notify-worker'),
    config,
    limiter: new Limiter(config.concurrency),
    unrecorded: new Map(),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  };
}

export function startNotificationPipeline(
  stores: PipelineStores,
  clock: Clock,
  opts: NotificationOptions,
): NotificationPipeline {
  const logger = opts.logger ?? createLogger('notifications');
  const visibilityTimeoutMs = opts.visibilityTimeoutMs ?? 30_000;
  const queueOptions = {
    visibilityTimeoutMs,
    maxReceiveCount: opts.maxReceiveCount ?? 5,
    invocationTimeoutMs: opts.invocationTimeoutMs ?? visibilityTimeoutMs,
  };
  const fanoutQueue = new InProcessQueue('notify-fanout', { ...queueOptions, batchSize: 1, concurrency: 1 });
  const sendQueue = new InProcessQueue('notify-send', {
    ...queueOptions,
    batchSize: opts.workerBatchSize ?? 5,
    concurrency: opts.workerConcurrency ?? 2,
  });
  const fanoutLeaseMs = opts.fanoutLeaseMs ?? 60_000;

  const sesEvents = createSesEventsHandler({
    customers: stores.customers,
    suppressions: stores.suppressions,
    notifications: stores.notifications,
    clock,
    logger: opts.logger ?? createLogger('ses-events'),
  });
  const worker = createWorkerDeps(stores, clock, opts);
  const simulator =
    (opts.simulateSesEvents ?? !opts.mailer)
      ? new SimulatingMailer(worker.mailer, sesEvents, {
          onError: (e) => logger.error('local SES event failed', describeError(e)),
        })
      : null;
  if (simulator) worker.mailer = simulator;
  sendQueue.consume(createNotifyWorkerHandler({ ...worker, sendQueue }));
  fanoutQueue.consume(
    createNotifyFanoutHandler({
      notifications: stores.notifications,
      customers: stores.customers,
      sendQueue,
      fanoutQueue,
      clock,
      logger: opts.logger ?? createLogger('notify-fanout'),
      fanoutLeaseMs,
      ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
    }),
  );
  const sweeper = createNotifySweeperHandler({
    policies: stores.policies,
    notifications: stores.notifications,
    fanoutQueue,
    sendQueue,
    clock,
    logger: opts.logger ?? createLogger('notify-sweeper'),
    fanoutLeaseMs,
    stallMs: opts.stallMs ?? 120_000,
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
  });
  let sweeping: Promise<SweepReport> | null = null;
  const sweep = (sweepOpts: { queuesLost?: boolean } = {}) => {
    // One run at a time, as one scheduled Lambda would be.
    sweeping ??= sweeper(undefined, sweepOpts).finally(() => {
      sweeping = null;
    });
    return sweeping;
  };
  const interval = opts.sweepIntervalMs ?? 60_000;
  const timer =
    interval > 0
      ? setInterval(() => void sweep().catch((e) => logger.error('sweep failed', { e: String(e) })), interval)
      : null;
  timer?.unref();

  return {
    fanoutQueue,
    sendQueue,
    onPublished: campaignStarter({
      notifications: stores.notifications,
      fanoutQueue,
      clock,
      logger,
      fanoutLeaseMs,
    }),
    sweep,
    sesEvents,
    worker,
    drain: async (timeoutMs) => {
      await drainQueues([fanoutQueue, sendQueue], timeoutMs);
      await simulator?.idle();
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      fanoutQueue.stop();
      sendQueue.stop();
      await sweeping?.catch(() => {});
    },
  };
}
