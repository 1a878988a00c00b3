/** The fan-out function: one page of customers per step, into send batches. */
import type { FanoutDeps } from '../usecases/notifications';
import { type Adapters, loggerFor, queue } from './adapters';
import { lambdaDb } from './dynamo';
import { notifyFanoutSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { lambdaQueues } from './sqs';
import { customerStore, notificationStore } from './stores';

export function buildNotifyFanout(a: Adapters, s: Settings<'notify-fanout'>): FanoutDeps {
  return {
    notifications: notificationStore(a.db),
    customers: customerStore(a.db, { counting: false }),
    sendQueue: queue(a, 'send'),
    fanoutQueue: queue(a, 'fanout'),
    clock: a.clock,
    logger: loggerFor(a, 'notify-fanout'),
    fanoutLeaseMs: s.fanoutLeaseMs,
    pageSize: s.pageSize,
    batchSize: s.batchSize,
  };
}

export function notifyFanoutFromEnv(): FanoutDeps {
  const { settings, locations } = environmentOf('notify-fanout', notifyFanoutSettings);
  return buildNotifyFanout({ ...system, db: lambdaDb(locations), queues: lambdaQueues(locations) }, settings);
}
