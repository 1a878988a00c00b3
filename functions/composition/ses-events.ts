/** The SES events function: bounces and complaints onto the suppression list, deliveries into the ledger. */
import type { SesEventDeps } from '../usecases/notifications';
import { type Adapters, loggerFor } from './adapters';
import { lambdaDb } from './dynamo';
import { type Settings, sesEventsSettings } from './env';
import { environmentOf, system } from './lambda';
import { customerStore, notificationStore, suppressionStore } from './stores';

export function buildSesEvents(a: Adapters, _s: Settings<'ses-events'>): SesEventDeps {
  return {
    customers: customerStore(a.db, { counting: true }),
    suppressions: suppressionStore(a.db),
    notifications: notificationStore(a.db),
    clock: a.clock,
    logger: loggerFor(a, 'ses-events'),
  };
}

export function sesEventsFromEnv(): SesEventDeps {
  const { settings, locations } = environmentOf('ses-events', sesEventsSettings);
  return buildSesEvents({ ...system, db: lambdaDb(locations) }, settings);
}
