/**
 * Fault injection on the local pipeline (dynalite in memory, in-process queues with SQS semantics, the
 * real handlers): SES mocked with aws-sdk-client-mock on the client the runtime uses, plus failing or
 * dying adapters. Every scenario ends with every active customer emailed exactly once and counts that
 * add up. The one window that cannot be closed is in notify-window.test.ts.
 */

import {
  SESClient,
  SESServiceException,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NotificationOptions } from '../../bin/local/notifications';
import type { LocalService } from '../../bin/local/runtime';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import type { DynamoCustomerStore } from '../../functions/adapters/dynamodb/customer-store';
import { DynamoNotificationStore } from '../../functions/adapters/dynamodb/notification-store';
import type { DynamoPolicyStore } from '../../functions/adapters/dynamodb/policy-store';
import { SesMailer } from '../../functions/adapters/ses';
import { systemClock } from '../../functions/adapters/system';
import { customerStore, notificationStore, policyStore } from '../../functions/composition/stores';
import { createNotifyWorkerHandler } from '../../functions/handlers/notify-worker';
import type { Mailer, NotificationStore } from '../../functions/ports';
import { RevisionCatalog } from '../../functions/usecases/catalog';
import { Limiter } from '../../functions/usecases/notification-worker';
import { publishRevision } from '../../functions/usecases/publish';
import { TEXTS_V1, TEXTS_V2 } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

/**
 * Short timeouts where a test waits for them (a failed message comes back after 300 ms, a stalled
 * fan-out after 300 ms); generous ones where only a slow machine would hit them (claims, invocations).
 */
const FAST: Partial<NotificationOptions> = {
  sweepIntervalMs: 0,
  leaseMs: 1_000,
  fanoutLeaseMs: 300,
  visibilityTimeoutMs: 300,
  invocationTimeoutMs: 10_000,
  maxReceiveCount: 10,
  retryBaseMs: 2,
  retryMaxMs: 20,
  sendAttempts: 8,
  markAttempts: 2,
};

const throttling = () =>
  new SESServiceException({
    name: 'Throttling',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Maximum sending rate exceeded.',
  });

/** Small seedable PRNG (mulberry32): the same faults on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scenario {
  service: LocalService;
  /** Addresses SES accepted a message for, with how many times. */
  accepted: Map<string, number>;
  /** Every SendEmail call per address, accepted or not. */
  attempts: Map<string, number>;
  emails: string[];
  sesClient: SESClient;
  stores: {
    customers: DynamoCustomerStore;
    notifications: DynamoNotificationStore;
    policies: DynamoPolicyStore;
  };
  publish(notify?: boolean): Promise<void>;
  progress(version?: number): Promise<Record<string, unknown>>;
}

const running: Scenario[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of running.splice(0)) await s.service.stop();
});

async function scenario(args: {
  customers: number;
  /** Decides each SendEmail: return to accept, throw to fail. */
  onSend?: (to: string, call: number) => void;
  notifications?: Partial<NotificationOptions>;
}): Promise<Scenario> {
  const sesClient = new SESClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const accepted = new Map<string, number>();
  const attempts = new Map<string, number>();
  let calls = 0;
  mockClient(sesClient)
    .on(SendEmailCommand)
    .callsFake(async (input: SendEmailCommandInput) => {
      const to = input.Destination!.ToAddresses![0]!;
      attempts.set(to, (attempts.get(to) ?? 0) + 1);
      args.onSend?.(to, calls++);
      accepted.set(to, (accepted.get(to) ?? 0) + 1);
      return { MessageId: `m-${calls}` };
    });
  const service = await startTestService({
    sesClient,
    sesMaxSendRate: 5_000,
    notifications: { ...FAST, ...args.notifications },
  });
  const doc = createDocumentClient(createDynamoClient({ endpoint: service.dynamodbEndpoint }));
  const stores = {
    customers: customerStore({ doc, tables: service.tables }, { counting: false }),
    notifications: notificationStore({ doc, tables: service.tables }),
    policies: policyStore({ doc, tables: service.tables }),
  };
  const emails = Array.from(
    { length: args.customers },
    (_, i) => `u${String(i).padStart(4, '0')}@faults.example`,
  );
  const now = new Date().toISOString();
  await Promise.all(
    emails.map((email) =>
      stores.customers.put({
        userId: email.split('@')[0]!,
        email,
        locale: 'en',
        name: null,
        timeZone: null,
        status: 'active',
        registeredAt: now,
        updatedAt: now,
      }),
    ),
  );
  const s: Scenario = {
    service,
    accepted,
    attempts,
    emails,
    sesClient,
    stores,
    publish: async (notify = true) => {
      const v1 = await call(service, 'POST', '/policies/privacy/revisions', {
        token: TOKENS.publisher,
        body: { texts: TEXTS_V1, change: 'material', notify: false },
      });
      expect(v1.status).toBe(201);
      const v2 = await call(service, 'POST', '/policies/privacy/revisions', {
        token: TOKENS.publisher,
        body: { texts: TEXTS_V2, change: 'material', notify, summary: { en: 'We keep your name too.' } },
      });
      expect(v2.status).toBe(201);
    },
    progress: async (version = 2) =>
      (
        await call(service, 'GET', `/policies/privacy/revisions/${version}/notification`, {
          token: TOKENS.publisher,
        })
      ).json,
  };
  running.push(s);
  return s;
}

/** Every address in `expected` got exactly one accepted email, and no other address got any. */
function expectExactlyOnce(s: Scenario, expected = s.emails) {
  expect(s.service.notifications.sendQueue.deadLetters).toEqual([]);
  expect(s.service.notifications.fanoutQueue.deadLetters).toEqual([]);
  const counts = expected.map((e) => s.accepted.get(e) ?? 0);
  expect(counts.filter((n) => n !== 1)).toEqual([]);
  expect([...s.accepted.keys()].sort()).toEqual([...expected].sort());
}

describe('notification faults', () => {
  it('throttling on 30% of sends: backs off and retries until everyone has exactly one email', async () => {
    const random = prng(42);
    let throttled = 0;
    const s = await scenario({
      customers: 150,
      onSend: () => {
        if (random() < 0.3) {
          throttled++;
          throw throttling();
        }
      },
    });
    await s.publish();
    await s.service.notifications.drain(30_000);
    expect(throttled).toBeGreaterThan(30);
    expectExactlyOnce(s);
    expect(await s.progress()).toMatchObject({
      status: 'completed',
      total: 150,
      sent: 150,
      failed: 0,
      suppressed: 0,
    });
  });

  it('MessageRejected for one address: recorded as failed with its reason, never retried', async () => {
    const bad = 'u0007@faults.example';
    const s = await scenario({
      customers: 60,
      onSend: (to) => {
        if (to === bad)
          throw new SESServiceException({
            name: 'MessageRejected',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
            message: `Email address is not verified: ${bad}`,
          });
      },
    });
    await s.publish();
    await s.service.notifications.drain(30_000);
    expect(s.attempts.get(bad)).toBe(1);
    expectExactlyOnce(
      s,
      s.emails.filter((e) => e !== bad),
    );
    expect(await s.progress()).toMatchObject({
      status: 'completed',
      total: 60,
      sent: 59,
      failed: 1,
      suppressed: 0,
    });
    const entry = await s.stores.notifications.getEntry('privacy', 2, 'u0007');
    expect(entry).toMatchObject({ state: 'failed', finalizedBy: '0-0' });
    expect(entry!.reason).toMatch(/^MessageRejected: Email address is not verified/);
    expect(entry!.reason).not.toContain('@');
  });

  it('the same batches and fan-out steps delivered twice (concurrently too): nobody gets two emails', async () => {
    // Business metrics are counted where a batch's tally is applied: duplicates must not count twice.
    const metrics = new Map<string, number>();
    const s = await scenario({
      customers: 130,
      notifications: {
        pageSize: 40,
        workerConcurrency: 4,
        workerBatchSize: 1,
        metrics: { count: (name, n = 1) => metrics.set(name, (metrics.get(name) ?? 0) + n) },
      },
    });
    for (const queue of [s.service.notifications.sendQueue, s.service.notifications.fanoutQueue]) {
      const send = queue.sendBatch.bind(queue);
      queue.sendBatch = (messages) => send([...messages, ...messages]);
    }
    await s.publish();
    await s.service.notifications.drain(30_000);
    expectExactlyOnce(s);
    expect(await s.progress()).toMatchObject({
      status: 'completed',
      total: 130,
      sent: 130,
      failed: 0,
      suppressed: 0,
    });
    expect(Object.fromEntries(metrics)).toEqual({ EmailsSent: 130 });
  });

  it('a worker dying after half a batch: the rest is sent by the next delivery, the first half not again', async () => {
    const s = await scenario({
      customers: 120,
      notifications: {
        workerBatchSize: 1,
        workerConcurrency: 1,
        sendConcurrency: 1,
        invocationTimeoutMs: 600,
      },
    });
    const { sendQueue, worker } = s.service.notifications;
    const healthy: Mailer = new SesMailer(s.sesClient);
    let sentByFirst = 0;
    let dead = false;
    const dying: Mailer = {
      send: (email) => {
        if (dead || sentByFirst === 25) {
          // The process is gone: this send never completes, and the next delivery runs elsewhere.
          if (!dead)
            sendQueue.consume(
              createNotifyWorkerHandler({
                ...worker,
                mailer: healthy,
                limiter: new Limiter(8),
                unrecorded: new Map(),
              }),
            );
          dead = true;
          return new Promise(() => {});
        }
        sentByFirst++;
        return healthy.send(email);
      },
    };
    sendQueue.consume(
      createNotifyWorkerHandler({ ...worker, mailer: dying, limiter: new Limiter(1), unrecorded: new Map() }),
    );
    await s.publish();
    await s.service.notifications.drain(30_000);
    expect(dead).toBe(true);
    expect(sentByFirst).toBe(25);
    expectExactlyOnce(s);
    expect(await s.progress()).toMatchObject({
      status: 'completed',
      total: 120,
      sent: 120,
      failed: 0,
      suppressed: 0,
    });
  });

  it('the publisher dying right after storing the revision: the sweeper starts the campaign', async () => {
    const s = await scenario({ customers: 70 });
    // What the publish function does up to its death: the revision is stored, the campaign is not.
    const deps = {
      policies: s.stores.policies,
      catalog: new RevisionCatalog(s.stores.policies),
      clock: systemClock,
    };
    await publishRevision(
      deps,
      'privacy',
      { texts: TEXTS_V1, change: 'material', notify: true },
      { dryRun: false },
    );
    expect(await s.progress(1)).toMatchObject({ status: 'pending', total: 0 });
    await s.service.notifications.drain(5_000);
    expect(s.accepted.size).toBe(0);

    expect(await s.service.notifications.sweep()).toMatchObject({ started: 1 });
    await s.service.notifications.drain(30_000);
    expectExactlyOnce(s);
    expect(await s.progress(1)).toMatchObject({ status: 'completed', total: 70, sent: 70 });
    expect(await s.service.notifications.sweep()).toMatchObject({ started: 0, restarted: 0 });
  });

  it('the first fan-out message lost after the campaign was created: the sweeper restarts it once its lease ends', async () => {
    const s = await scenario({ customers: 50 });
    const { fanoutQueue } = s.service.notifications;
    const send = fanoutQueue.sendBatch.bind(fanoutQueue);
    let lost = 0;
    fanoutQueue.sendBatch = async (messages) => {
      if (lost++ === 0) throw new Error('SQS unavailable');
      return send(messages);
    };
    await s.publish(); // still 201: the campaign start failing does not fail the publish
    expect(await s.progress()).toMatchObject({ status: 'pending', total: 0 });
    expect(await s.service.notifications.sweep()).toMatchObject({ started: 0, restarted: 0 });
    await new Promise((r) => setTimeout(r, 350));
    expect(await s.service.notifications.sweep()).toMatchObject({ restarted: 1 });
    await s.service.notifications.drain(30_000);
    expectExactlyOnce(s);
    expect(await s.progress()).toMatchObject({ status: 'completed', total: 50, sent: 50 });
  });

  it('a fan-out step dying between enqueuing a page and its checkpoint: the page is re-enqueued, counted once', async () => {
    const s = await scenario({ customers: 100, notifications: { pageSize: 30 } });
    const checkpoint = DynamoNotificationStore.prototype.checkpointFanout;
    let crashes = 0;
    vi.spyOn(DynamoNotificationStore.prototype, 'checkpointFanout').mockImplementation(async function (
      this: DynamoNotificationStore,
      ...args
    ) {
      if (args[2].page === 1 && crashes++ === 0) throw new Error('process died');
      return checkpoint.apply(this, args);
    });
    await s.publish();
    await s.service.notifications.drain(30_000);
    expect(crashes).toBeGreaterThan(1);
    expectExactlyOnce(s);
    expect(await s.progress()).toMatchObject({ status: 'completed', total: 100, sent: 100 });
  });

  it('customers deleted or suppressed after the fan-out listed them get nothing and count as suppressed', async () => {
    let changed = false;
    const holder: { customers?: DynamoCustomerStore } = {};
    const s = await scenario({
      customers: 40,
      notifications: {
        wrapWorkerStore: (store: NotificationStore) =>
          new Proxy(store, {
            get(target, prop, receiver) {
              const value = Reflect.get(target, prop, receiver);
              if (prop !== 'getBatchState' || typeof value !== 'function') return value;
              return async (...args: unknown[]) => {
                if (!changed) {
                  changed = true;
                  await holder.customers!.delete('u0003');
                  await holder.customers!.suppressByEmail(
                    'u0004@faults.example',
                    'bounce:General',
                    new Date().toISOString(),
                  );
                }
                return value.apply(target, args);
              };
            },
          }),
      },
    });
    holder.customers = s.stores.customers;
    await s.publish();
    await s.service.notifications.drain(30_000);
    expectExactlyOnce(
      s,
      s.emails.filter((e) => !e.startsWith('u0003') && !e.startsWith('u0004')),
    );
    expect(await s.progress()).toMatchObject({
      status: 'completed',
      total: 40,
      sent: 38,
      failed: 0,
      suppressed: 2,
    });
    expect(await s.stores.notifications.getEntry('privacy', 2, 'u0003')).toMatchObject({
      state: 'suppressed',
      reason: 'deleted',
    });
    expect(await s.stores.notifications.getEntry('privacy', 2, 'u0004')).toMatchObject({
      state: 'suppressed',
      reason: 'bounce:General',
    });
  });
});
