/**
 * The notification pipeline in one process: the Lambda handlers (fan-out, worker, sweeper, SES events),
 * each built by its function's builder (functions/composition/), on in-process queues with SQS
 * semantics, the SES client of the caller's choice and a sweeper timer. `startLocalService` (npm start,
 * integration tests) and the benchmark use it; only the adapters differ from Lambda, never a default.
 */
import type { SESClient } from '@aws-sdk/client-ses';
import {
  drainQueues,
  InProcessQueue,
  type InProcessQueue as Queue,
} from '../../functions/adapters/in-process-queue';
import { ConfiguredSendQuota } from '../../functions/adapters/send-quota';
import { SimulatingMailer } from '../../functions/adapters/ses-simulator';
import type { Adapters } from '../../functions/composition/adapters';
import { type Env, parseSettings, type Settings } from '../../functions/composition/env';
import { buildNotifyFanout } from '../../functions/composition/notify-fanout';
import { buildNotifySweeper } from '../../functions/composition/notify-sweeper';
import { buildNotifyWorker, type NotifyWorkerDeps } from '../../functions/composition/notify-worker';
import { buildSesEvents } from '../../functions/composition/ses-events';
import { notificationStore } from '../../functions/composition/stores';
import { DEFAULTS } from '../../functions/domain/defaults';
import type { OrgContact } from '../../functions/domain/email';
import type { Revision } from '../../functions/domain/revision';
import { createNotifyFanoutHandler } from '../../functions/handlers/notify-fanout';
import { createNotifySweeperHandler } from '../../functions/handlers/notify-sweeper';
import { createNotifyWorkerHandler } from '../../functions/handlers/notify-worker';
import { createSesEventsHandler } from '../../functions/handlers/ses-events';
import { createLogger, describeError } from '../../functions/http/log';
import type { Logger, Mailer, MetricsSink, NotificationStore, Pacer } from '../../functions/ports';
import { campaignStarter, type SweepReport } from '../../functions/usecases/notifications';

export interface NotificationOptions {
  /** The worker's other variables (NOTIFY_LEASE_MS, NOTIFY_SEND_CONCURRENCY, ...), parsed as in Lambda. */
  env?: Env;
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
  /** Claim lease (default: functions/domain/defaults.ts, as in Lambda). */
  leaseMs?: number;
  /** Fan-out lease before the sweeper restarts a stalled fan-out (default as in Lambda). */
  fanoutLeaseMs?: number;
  /** Queue visibility timeout (default 30 s) and receives before the dead-letter list (default 5). */
  visibilityTimeoutMs?: number;
  maxReceiveCount?: number;
  /** Worker invocation timeout (default: the visibility timeout). */
  invocationTimeoutMs?: number;
  /** Sweeper period; 0 turns the timer off (tests call `sweep()` themselves). Default 60 s. */
  sweepIntervalMs?: number;
  /** No progress for this long → the sweeper re-enqueues a campaign's uncounted batches (default as in Lambda). */
  stallMs?: number;
  /** Sends in flight in the worker (default as in Lambda), records per worker invocation (default 5), concurrent invocations (default 2). */
  sendConcurrency?: number;
  workerBatchSize?: number;
  workerConcurrency?: number;
  /** Fan-out page size and recipients per batch (defaults as in Lambda). */
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
  worker: NotifyWorkerDeps;
  /** Waits until both queues are empty with nothing in flight (a test's "the campaign has run"). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The organisation as the environment variables a function's settings parse (ORG_*). */
export const orgEnv = (org: OrgContact, timeZone: string | undefined) => ({
  ORG_NAME: org.name,
  ORG_PHONE: org.phone ?? undefined,
  ORG_EMAIL: org.email ?? undefined,
  ORG_ADDRESS: org.address ?? undefined,
  ORG_WEBSITE: org.website ?? undefined,
  ORG_TIME_ZONE: timeZone,
});

/** The worker's settings: the Lambda function's own schema and defaults, with this run's choices. */
export function workerSettings(opts: NotificationOptions): Settings<'notify-worker'> {
  const settings = parseSettings('notify-worker', {
    ...opts.env,
    SES_FROM_ADDRESS: opts.from,
    PUBLIC_BASE_URL: opts.publicBaseUrl,
    ...orgEnv(opts.org, opts.orgTimeZone),
    SES_MAX_SEND_RATE: String(opts.sesMaxSendRate),
  });
  return {
    ...settings,
    ...defined({
      leaseMs: opts.leaseMs,
      sendConcurrency: opts.sendConcurrency,
      sendAttempts: opts.sendAttempts,
      retryBaseMs: opts.retryBaseMs,
      retryMaxMs: opts.retryMaxMs,
      markAttempts: opts.markAttempts,
    }),
  };
}

/** The options that were given: an absent one keeps the default of the settings it overrides. */
function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The worker's dependencies as one Lambda instance would build them (fresh caches and memory), through
 * the worker's builder: only the adapters differ (the caller's mailer or SES client, configured limits
 * instead of GetSendQuota, which the emulator does not answer).
 */
export function createWorkerDeps(a: Adapters, opts: NotificationOptions): NotifyWorkerDeps {
  const deps = buildNotifyWorker(
    {
      ...a,
      ...(opts.logger ? { logger: () => opts.logger! } : {}),
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
    },
    workerSettings(opts),
    {
      ...(opts.sesClient ? { ses: opts.sesClient } : {}),
      ...(opts.mailer ? { mailer: opts.mailer } : {}),
      ...(opts.pacer ? { pacer: opts.pacer } : {}),
      quotaSource: new ConfiguredSendQuota({
        maxSendRate: opts.sendQuota?.maxSendRate ?? opts.sesMaxSendRate,
        max24HourSend: opts.sendQuota?.max24HourSend ?? -1,
      }),
    },
  );
  if (opts.wrapWorkerStore) deps.notifications = opts.wrapWorkerStore(deps.notifications);
  return deps;
}

/**
 * Starts the pipeline on `a` (the embedded store's tables, the clock and ids): each function built by
 * its Lambda builder, on in-process queues.
 */
export function startNotificationPipeline(
  a: Omit<Adapters, 'queues'>,
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
  const adapters: Adapters = {
    ...a,
    queues: { fanout: fanoutQueue, send: sendQueue },
    ...(opts.logger ? { logger: () => opts.logger! } : {}),
  };
  const fanoutLeaseMs = opts.fanoutLeaseMs ?? DEFAULTS.fanoutLeaseMs;
  const sizes = defined({ pageSize: opts.pageSize, batchSize: opts.batchSize });

  const sesEvents = createSesEventsHandler(buildSesEvents(adapters, parseSettings('ses-events', {})));
  const worker = createWorkerDeps(adapters, opts);
  const simulator =
    (opts.simulateSesEvents ?? !opts.mailer)
      ? new SimulatingMailer(worker.mailer, sesEvents, {
          onError: (e) => logger.error('local SES event failed', describeError(e)),
        })
      : null;
  if (simulator) worker.mailer = simulator;
  sendQueue.consume(createNotifyWorkerHandler(worker));
  fanoutQueue.consume(
    createNotifyFanoutHandler({
      ...buildNotifyFanout(adapters, parseSettings('notify-fanout', {})),
      fanoutLeaseMs,
      ...sizes,
    }),
  );
  const sweeper = createNotifySweeperHandler({
    ...buildNotifySweeper(adapters, parseSettings('notify-sweeper', {})),
    fanoutLeaseMs,
    ...defined({ stallMs: opts.stallMs, batchSize: opts.batchSize }),
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
      notifications: notificationStore(a.db),
      fanoutQueue,
      clock: a.clock,
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
