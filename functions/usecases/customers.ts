import { notFound } from '../domain/errors';
import type { Clock, Customer, CustomerStore } from '../ports';

export interface CustomerDeps {
  customers: CustomerStore;
  clock: Clock;
}

export interface CustomerInput {
  email: string;
  locale?: string | undefined;
  name?: string | undefined;
  timeZone?: string | undefined;
}

/**
 * Registers or updates who gets change emails. A suppressed address (bounce or complaint) stays
 * suppressed until the customer gives a different address.
 */
export async function registerCustomer(deps: CustomerDeps, userId: string, input: CustomerInput) {
  const now = deps.clock.now().toISOString();
  const existing = await deps.customers.get(userId);
  const keepSuppression = existing?.status === 'suppressed' && existing.email === input.email;
  const customer: Customer = {
    userId,
    email: input.email,
    locale: input.locale ?? null,
    name: input.name ?? null,
    timeZone: input.timeZone ?? null,
    status: keepSuppression ? 'suppressed' : 'active',
    ...(keepSuppression && existing.suppressedReason ? { suppressedReason: existing.suppressedReason } : {}),
    registeredAt: existing?.registeredAt ?? now,
    updatedAt: now,
  };
  const { created } = await deps.customers.put(customer);
  return { created, customer };
}

export async function getCustomer(deps: CustomerDeps, userId: string): Promise<Customer> {
  const customer = await deps.customers.get(userId);
  if (!customer) throw notFound(`customer ${userId} is not registered`);
  return customer;
}

/** Erasure: the record with email and name goes; acknowledgments (keyed by the pseudonymous id) stay. */
export async function eraseCustomer(deps: CustomerDeps, userId: string): Promise<void> {
  await deps.customers.delete(userId);
}
