/** The customers function: the registry, keeping the active-customer counters. */
import type { CustomerDeps } from '../usecases/customers';
import type { Adapters } from './adapters';
import { lambdaDb } from './dynamo';
import { customersSettings, type Settings } from './env';
import { environmentOf, system } from './lambda';
import { customerStore } from './stores';

export function buildCustomers(a: Adapters, _s: Settings<'customers'>): CustomerDeps {
  return { customers: customerStore(a.db, { counting: true }), clock: a.clock };
}

export function customersFromEnv(): CustomerDeps {
  const { settings, locations } = environmentOf('customers', customersSettings);
  return buildCustomers({ ...system, db: lambdaDb(locations) }, settings);
}
