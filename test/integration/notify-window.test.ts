/**
 * The one window that cannot be closed (docs/NOTIFICATIONS.md): SES accepted a message and the ledger
 * write recording it was lost. The choice made: at-least-once. Nobody else can take the recipient while
 * the claim's lease runs; after it, another instance sends again (a duplicate email, counted once);
 * the instance that sent remembers the message id and records it instead of sending again.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createWorkerDeps } from '../../bin/local/notifications';
import { uuidIds } from '../../functions/adapters/system';
import { unpaced } from '../../functions/adapters/token-bucket';
import { type SendMessage, sendMessageSchema } from '../../functions/domain/notification';
import type { Revision } from '../../functions/domain/revision';
import { createLogger } from '../../functions/http/log';
import type { Mailer, NotificationStore, QueueMessage } from '../../functions/ports';
import { RevisionCatalog } from '../../functions/usecases/catalog';
import { processSendBatch } from '../../functions/usecases/notification-worker';
import { fanoutStep, startCampaign } from '../../functions/usecases/notifications';
import { publishRevision } from '../../functions/usecases/publish';
import { freshStoresPerTest, type Stores } from '../support/stores';

const LEASE_MS = 1_000;
/** The workers' clock: moved by hand past a lease. */
let nowMs = 0;
const clock = { now: () => new Date(nowMs) };
const logger = createLogger('test', 'error', () => {});

describe('the window between SES accepting a message and the ledger recording it', () => {
  const currentStores = freshStoresPerTest();
  let stores: Stores;
  let notifications: NotificationStore;
  let revision: Revision;
  let batch: SendMessage;
  /** Every accepted send: [instance, address, message id]. */
  let sent: [string, string, string][];

  beforeEach(async () => {
    stores = currentStores();
    nowMs = Date.parse('2026-03-01T09:00:00.000Z');
    notifications = stores.notifications;
    const now = new Date().toISOString();
    for (const id of ['u1', 'u2', 'u3'])
      await stores.customers.put({
        userId: id,
        email: `${id}@window.example`,
        locale: 'en',
        name: null,
        timeZone: null,
        status: 'active',
        registeredAt: now,
        updatedAt: now,
      });
    const deps = {
      policies: stores.policies,
      catalog: new RevisionCatalog(stores.policies),
      clock: clock,
    };
    ({ revision } = await publishRevision(
      deps,
      'privacy',
      { texts: { en: '1. Scope\n\nAll.\n' }, change: 'material' },
      { dryRun: false },
    ));
    const enqueued: QueueMessage[] = [];
    const queue = { sendBatch: async (m: QueueMessage[]) => void enqueued.push(...m) };
    await startCampaign({ notifications, fanoutQueue: queue, clock: clock }, revision);
    const fanout = {
      notifications,
      customers: stores.customers,
      sendQueue: queue,
      fanoutQueue: queue,
      clock: clock,
      logger,
    };
    expect(await fanoutStep(fanout, { kind: 'fanout', policyId: 'privacy', version: 1 })).toBe('done');
    batch = sendMessageSchema().parse(JSON.parse(enqueued.find((m) => m.body.includes('"send"'))!.body));
    sent = [];
  });

  /** A worker instance: its own memory, a mailer that records, a store that may lose u1's "sent" write. */
  function instance(name: string, loseWrites: number) {
    let lost = 0;
    const mailer: Mailer = {
      send: async (email) => {
        const messageId = `${name}-${sent.length}`;
        sent.push([name, email.to, messageId]);
        return { messageId };
      },
    };
    const wrap = (store: NotificationStore): NotificationStore =>
      new Proxy(store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop !== 'finish' || typeof value !== 'function') return value;
          return async (...args: Parameters<NotificationStore['finish']>) => {
            if (args[2] === 'u1' && args[3].state === 'sent' && lost < loseWrites) {
              lost++;
              throw Object.assign(new Error('connection reset'), { name: 'TimeoutError' });
            }
            return value.apply(target, args);
          };
        },
      });
    return createWorkerDeps(
      {
        db: { doc: stores.doc, tables: stores.tables },
        clock,
        ids: uuidIds,
        queues: { send: { sendBatch: async () => {} } },
      },
      {
        from: 'privacy@window.example',
        publicBaseUrl: 'https://p.example',
        org: { name: 'Org', phone: null, email: null },
        sesMaxSendRate: 1,
        mailer,
        pacer: unpaced,
        leaseMs: LEASE_MS,
        retryMaxMs: 20,
        markAttempts: 2,
        wrapWorkerStore: wrap,
        logger,
      },
    );
  }

  const emailsTo = (address: string) => sent.filter(([, to]) => to === address);
  /** The lease passes on the injected clock: no real time is raced. */
  const leaseEnds = () => {
    nowMs += LEASE_MS + 50;
  };

  it('another instance sends again only after the lease: one duplicate, still counted once', async () => {
    const a = instance('A', Number.POSITIVE_INFINITY);
    const b = instance('B', 0);
    expect(await processSendBatch(a, batch, Number.POSITIVE_INFINITY)).toMatchObject({
      done: false,
      sent: 2,
    });
    expect(await notifications.getEntry('privacy', 1, 'u1')).toMatchObject({ state: 'claimed' });

    // While the lease runs, nobody takes u1: the batch waits instead of sending again.
    expect(await processSendBatch(b, batch, Number.POSITIVE_INFINITY)).toMatchObject({
      done: false,
      sent: 0,
    });
    expect(emailsTo('u1@window.example')).toHaveLength(1);

    leaseEnds();
    expect(await processSendBatch(b, batch, Number.POSITIVE_INFINITY)).toMatchObject({ done: true, sent: 1 });
    expect(emailsTo('u1@window.example').map(([who]) => who)).toEqual(['A', 'B']);
    expect(emailsTo('u2@window.example')).toHaveLength(1);
    expect(emailsTo('u3@window.example')).toHaveLength(1);
    expect(await notifications.getEntry('privacy', 1, 'u1')).toMatchObject({
      state: 'sent',
      messageId: 'B-3',
      attempts: 2,
    });
    expect(await notifications.getCampaign('privacy', 1)).toMatchObject({
      status: 'completed',
      total: 3,
      sent: 3,
      failed: 0,
    });
  });

  it('the instance that sent records the remembered message id instead of sending again', async () => {
    const a = instance('A', 2); // both attempts of the first ledger write fail, later ones succeed
    expect(await processSendBatch(a, batch, Number.POSITIVE_INFINITY)).toMatchObject({ done: false });
    leaseEnds();
    expect(await processSendBatch(a, batch, Number.POSITIVE_INFINITY)).toMatchObject({ done: true, sent: 1 });
    expect(sent.map(([, to]) => to).sort()).toEqual([
      'u1@window.example',
      'u2@window.example',
      'u3@window.example',
    ]);
    const u1 = await notifications.getEntry('privacy', 1, 'u1');
    expect(u1).toMatchObject({ state: 'sent', messageId: emailsTo('u1@window.example')[0]![2] });
    expect(await notifications.getCampaign('privacy', 1)).toMatchObject({
      status: 'completed',
      total: 3,
      sent: 3,
    });
  });

  it('a second delivery of a finished batch sends nothing and counts nothing', async () => {
    const a = instance('A', 0);
    expect(await processSendBatch(a, batch, Number.POSITIVE_INFINITY)).toMatchObject({ done: true, sent: 3 });
    expect(await processSendBatch(instance('B', 0), batch, Number.POSITIVE_INFINITY)).toMatchObject({
      done: true,
      sent: 0,
    });
    expect(sent).toHaveLength(3);
    expect(await notifications.getCampaign('privacy', 1)).toMatchObject({
      total: 3,
      sent: 3,
      rolledUpPages: [0],
    });
  });
});
