/**
 * Production wiring: builds adapters from the environment, once per process (module scope, reused by
 * warm invocations). Only the tables a function is granted appear in its environment, so asking for
 * another one fails fast with the variable's name.
 */

import { DynamoAcknowledgmentStore } from '../adapters/dynamodb/acknowledgment-store';
import { createDocumentClient, createDynamoClient } from '../adapters/dynamodb/client';
import { DynamoCountStore } from '../adapters/dynamodb/count-store';
import { DynamoCustomerStore } from '../adapters/dynamodb/customer-store';
import { DynamoNotificationStore } from '../adapters/dynamodb/notification-store';
import { DynamoPolicyStore } from '../adapters/dynamodb/policy-store';
import { DynamoSuppressionStore } from '../adapters/dynamodb/suppression-store';
import { tableNameFromEnv } from '../adapters/dynamodb/tables';
import { beginInvocation, endInvocation } from '../adapters/observability';
import { createSqsClient, SqsQueue } from '../adapters/sqs';
import { systemClock, uuidIds } from '../adapters/system';
import type { ApiEvent, ApiResponse } from '../http/api';
import { DEFAULT_REVISION_CACHE_TTL_MS, RevisionCatalog } from '../usecases/catalog';

let doc: ReturnType<typeof createDocumentClient> | undefined;
export function documentClient() {
  doc ??= createDocumentClient(
    createDynamoClient({
      endpoint: process.env.DYNAMODB_ENDPOINT || undefined,
      region: process.env.AWS_REGION,
    }),
  );
  return doc;
}

export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`environment variable ${name} must be a whole number`);
  return value;
}

export const policyStoreFromEnv = () => new DynamoPolicyStore(documentClient(), tableNameFromEnv('policies'));
export const customerStoreFromEnv = () =>
  new DynamoCustomerStore(documentClient(), tableNameFromEnv('customers'));
/** The counters live in the Acknowledgments table (adapters/dynamodb/count-store.ts). */
export const countStoreFromEnv = () =>
  new DynamoCountStore(documentClient(), tableNameFromEnv('acknowledgments'));
/** A customer store that updates the counters after each status change (customers, ses-events). */
export const countingCustomerStoreFromEnv = () =>
  new DynamoCustomerStore(documentClient(), tableNameFromEnv('customers'), countStoreFromEnv());
export const ackStoreFromEnv = () =>
  new DynamoAcknowledgmentStore(documentClient(), tableNameFromEnv('acknowledgments'), countStoreFromEnv());

export function policyDepsFromEnv() {
  const policies = policyStoreFromEnv();
  const ttl = intFromEnv('REVISION_CACHE_TTL_MS', DEFAULT_REVISION_CACHE_TTL_MS);
  return { policies, catalog: new RevisionCatalog(policies, ttl), clock: systemClock, ids: uuidIds };
}

/**
 * A Lambda entry point whose dependencies are built on the first invocation, then reused. Each
 * invocation's logs carry its request id and correlation id, and its metrics are published at its end.
 */
export function lazyHandler<E = ApiEvent, R = ApiResponse, C extends unknown[] = []>(
  build: () => (event: E, ...rest: C) => Promise<R>,
) {
  let built: ((event: E, ...rest: C) => Promise<R>) | undefined;
  return async (event: E, ...rest: C) => {
    beginInvocation(event, rest[0]);
    try {
      built ??= build();
      return await built(event, ...rest);
    } finally {
      endInvocation();
    }
  };
}

/** A required environment variable, failing fast with its name. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

export const notificationStoreFromEnv = () =>
  new DynamoNotificationStore(documentClient(), tableNameFromEnv('notifications'));

let sqs: ReturnType<typeof createSqsClient> | undefined;
/** The queue whose URL the named variable holds (FANOUT_QUEUE_URL, SEND_QUEUE_URL). */
export function queueFromEnv(urlVar: 'FANOUT_QUEUE_URL' | 'SEND_QUEUE_URL') {
  sqs ??= createSqsClient({
    endpoint: process.env.SQS_ENDPOINT || undefined,
    region: process.env.AWS_REGION,
  });
  return new SqsQueue(sqs, requiredEnv(urlVar));
}

export const suppressionStoreFromEnv = () =>
  new DynamoSuppressionStore(documentClient(), tableNameFromEnv('notifications'));
