/** The sweeper: starts, restarts, re-enqueues and completes campaigns on a schedule. */
import type { SweeperDeps } from '../usecases/notifications';
import { type Adapters, loggerFor, queue } from './adapters';
import { lambdaDb } from './dynamo';
import { notifySweeperSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { lambdaQueues } from './sqs';
import { notificationStore, policyStore } from './stores';

export function buildNotifySweeper(a: Adapters, s: Settings<'notify-sweeper'>): SweeperDeps {
  return {
    policies: policyStore(a.db),
    notifications: notificationStore(a.db),
    fanoutQueue: queue(a, 'fanout'),
    sendQueue: queue(a, 'send'),
    clock: a.clock,
    logger: loggerFor(a, 'notify-sweeper'),
    stallMs: s.stallMs,
    fanoutLeaseMs: s.fanoutLeaseMs,
    batchSize: s.batchSize,
  };
}

export function notifySweeperFromEnv(): SweeperDeps {
  const { settings, locations } = environmentOf('notify-sweeper', notifySweeperSettings);
  return buildNotifySweeper(
    { ...system, db: lambdaDb(locations), queues: lambdaQueues(locations) },
    settings,
  );
}
