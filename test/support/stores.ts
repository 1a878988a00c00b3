import { randomBytes } from 'node:crypto';
import { ensureTables, tableNames } from '../../bin/local/stores';
import { DynamoAcknowledgmentStore } from '../../functions/adapters/dynamodb/acknowledgment-store';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { DynamoCustomerStore } from '../../functions/adapters/dynamodb/customer-store';
import { DynamoPolicyStore } from '../../functions/adapters/dynamodb/policy-store';

/** Fresh tables (random prefix) on a DynamoDB endpoint, with every store built on them. */
export async function storesOn(endpoint: string) {
  const client = createDynamoClient({ endpoint });
  const tables = tableNames(`t${randomBytes(4).toString('hex')}-`);
  await ensureTables(client, tables);
  const doc = createDocumentClient(client);
  return {
    client,
    doc,
    tables,
    policies: new DynamoPolicyStore(doc, tables.policies),
    customers: new DynamoCustomerStore(doc, tables.customers),
    acks: new DynamoAcknowledgmentStore(doc, tables.acknowledgments),
  };
}
export type Stores = Awaited<ReturnType<typeof storesOn>>;
