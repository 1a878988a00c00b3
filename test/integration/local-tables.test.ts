import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTables, startDynalite, tableNames } from '../../bin/local/stores';
import { createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { createTableInput, tableDefs } from '../../functions/adapters/dynamodb/tables';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function store() {
  const dyn = await startDynalite(undefined);
  stops.push(dyn.close);
  return createDynamoClient({ endpoint: dyn.endpoint });
}

describe('ensureTables (npm start)', () => {
  it('creates every table with its indexes, and a second start keeps them', async () => {
    const client = await store();
    const names = tableNames('t_');
    await ensureTables(client, names);
    await ensureTables(client, names);
    const customers = await client.send(new DescribeTableCommand({ TableName: names.customers }));
    expect(customers.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byEmail', 'byStatus']);
  });

  it('refuses data from an older version whose table lacks an index, naming the index and the fix', async () => {
    const client = await store();
    const names = tableNames('old_');
    // The Customers table as an older version created it, before its indexes.
    await client.send(
      new CreateTableCommand(createTableInput({ ...tableDefs.customers, indexes: [] }, names.customers)),
    );
    await expect(ensureTables(client, names)).rejects.toThrow(
      /old_Customers .* lacks the index byEmail, byStatus: start with a fresh data directory/,
    );
  });
});
