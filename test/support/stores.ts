import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ensureTables, startDynalite, tableNames } from '../../bin/local/stores';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import {
  acknowledgmentStore,
  customerStore,
  notificationStore,
  policyStore,
  suppressionStore,
} from '../../functions/composition/stores';

/** Fresh tables (random prefix) on a DynamoDB endpoint, with every store built on them (functions/composition/stores.ts). */
export async function storesOn(endpoint: string) {
  const client = createDynamoClient({ endpoint });
  const tables = tableNames(`t${randomBytes(4).toString('hex')}-`);
  await ensureTables(client, tables);
  const doc = createDocumentClient(client);
  const db = { doc, tables };
  return {
    client,
    doc,
    tables,
    policies: policyStore(db),
    customers: customerStore(db, { counting: false }),
    acks: acknowledgmentStore(db, { counting: false }),
    notifications: notificationStore(db),
    suppressions: suppressionStore(db),
  };
}
export type Stores = Awaited<ReturnType<typeof storesOn>>;

/**
 * One embedded dynalite for the test file and fresh tables before each test. Call it at the top of a
 * `describe`: its hooks are registered first, so the caller's own `beforeEach` already finds the
 * current test's stores behind the returned function.
 */
export function freshStoresPerTest(): () => Stores {
  let dynalite: Awaited<ReturnType<typeof startDynalite>> | undefined;
  let stores: Stores | undefined;
  beforeAll(async () => {
    dynalite = await startDynalite(undefined);
  });
  afterAll(async () => {
    stores?.client.destroy();
    await dynalite?.close();
  });
  beforeEach(async () => {
    stores?.client.destroy();
    stores = await storesOn(dynalite!.endpoint);
  });
  return () => {
    if (stores === undefined) throw new Error('freshStoresPerTest: no test is running');
    return stores;
  };
}
