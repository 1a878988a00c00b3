/**
 * The embedded AWS stand-ins: dynalite (DynamoDB API, on disk) and aws-ses-v2-local (SES API + mail
 * viewer), both in this process. The adapters reach them with the real SDK clients through endpoint
 * configuration, exactly as they reach AWS.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import sesModule from 'aws-ses-v2-local';
import dynalite from 'dynalite';
import {
  createTableInput,
  type TableKey,
  type TableNames,
  tableDefs,
} from '../../functions/adapters/dynamodb/tables';

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Starts dynalite on loopback; `path` keeps data on disk, undefined keeps it in memory. */
export async function startDynalite(path: string | undefined, port = 0) {
  if (path) mkdirSync(path, { recursive: true });
  const server: Server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return { endpoint: `http://127.0.0.1:${actual}`, close: () => closeServer(server) };
}

export function tableNames(prefix: string): TableNames {
  return Object.fromEntries(
    Object.entries(tableDefs).map(([key, def]) => [key, `${prefix}${def.id}`]),
  ) as TableNames;
}

const describe = (client: DynamoDBClient, TableName: string) =>
  client.send(new DescribeTableCommand({ TableName }));

/** Creates any missing table from the shared definitions (idempotent: data survives restarts). */
export async function ensureTables(client: DynamoDBClient, names: TableNames) {
  for (const [key, def] of Object.entries(tableDefs) as [TableKey, (typeof tableDefs)[TableKey]][]) {
    const TableName = names[key];
    let existing: Awaited<ReturnType<typeof describe>> | null = null;
    try {
      existing = await describe(client, TableName);
    } catch (e) {
      if (!(e instanceof Error && e.name === 'ResourceNotFoundException')) throw e;
    }
    if (existing) {
      // Data written by an older version may lack an index added since (dynalite cannot add one to a
      // table in place): say so at start, rather than fail on the first query that needs it.
      const have = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
      const missing = def.indexes.map((i) => i.name).filter((name) => !have.has(name));
      if (missing.length > 0)
        throw new Error(
          `table ${TableName} in the data directory was created by an older version and lacks the index ${missing.join(', ')}: start with a fresh data directory (DATA_DIR=$(mktemp -d) npm start, or remove .data)`,
        );
      continue;
    }
    await client.send(new CreateTableCommand(createTableInput(def, TableName)));
    for (let i = 0; i < 100; i++) {
      const out = await client.send(new DescribeTableCommand({ TableName }));
      if (out.Table?.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if ('ttlAttribute' in def && def.ttlAttribute) {
      try {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName,
            TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
          }),
        );
      } catch {
        // dynalite does not implement TTL; expiry only matters in AWS.
      }
    }
  }
}

type SesServerFactory = (config: { host?: string; port?: number }) => Promise<Server>;

/** The SES emulator: SendEmail on POST /, the mail viewer on GET /, the sent mail as JSON on GET /store. */
export async function startSesEmulator(port: number) {
  const factory = ((sesModule as unknown as { default?: SesServerFactory }).default ??
    (sesModule as unknown as SesServerFactory)) as SesServerFactory;
  const server = await factory({ host: '127.0.0.1', port });
  const actual = (server.address() as AddressInfo).port;
  return { endpoint: `http://127.0.0.1:${actual}`, close: () => closeServer(server) };
}
