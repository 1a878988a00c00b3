/**
 * Assembles the whole service in one process: embedded stores, the Lambda handlers with their
 * adapters, and the HTTP front door. `npm start` (bin/local.ts) and the integration tests both use it.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAcknowledgmentStore } from '../../functions/adapters/dynamodb/acknowledgment-store';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { DynamoCustomerStore } from '../../functions/adapters/dynamodb/customer-store';
import { DynamoPolicyStore } from '../../functions/adapters/dynamodb/policy-store';
import type { TableNames } from '../../functions/adapters/dynamodb/tables';
import { systemClock, uuidIds } from '../../functions/adapters/system';
import { createAcknowledgmentsHandler } from '../../functions/handlers/acknowledgments';
import { createCustomersHandler } from '../../functions/handlers/customers';
import { createPublishHandler } from '../../functions/handlers/publish';
import { createReadHandler } from '../../functions/handlers/read';
import type { TokenSet } from '../../functions/http/auth';
import type { Clock, IdGenerator } from '../../functions/ports';
import { DEFAULT_REVISION_CACHE_TTL_MS, RevisionCatalog } from '../../functions/usecases/catalog';
import { createLocalServer, listen } from './http-server';
import { ensureTables, startDynalite, startSesEmulator, tableNames } from './stores';

export interface LocalOptions {
  port?: number;
  /** Where dynalite keeps its data; undefined keeps it in memory (tests). Ignored with dynamodbEndpoint. */
  dataDir?: string | undefined;
  dynamodbEndpoint?: string | undefined;
  /** Start the SES emulator on this port (0: any free port) unless sesEndpoint is given. */
  sesPort?: number;
  sesEndpoint?: string | undefined;
  tablePrefix?: string;
  tokens?: Partial<TokenSet>;
  clock?: Clock;
  ids?: IdGenerator;
  revisionCacheTtlMs?: number;
  /** Sees the DynamoDB client before use (benchmarks count requests with a middleware). */
  onDynamoClient?: (client: DynamoDBClient) => void;
}

export interface LocalService {
  url: string;
  sesEndpoint: string;
  dynamodbEndpoint: string;
  tables: TableNames;
  tokens: { app: string; publisher: string };
  stop(): Promise<void>;
}

const randomToken = (role: string) => `${role}_${randomBytes(18).toString('base64url')}`;

export async function startLocalService(opts: LocalOptions = {}): Promise<LocalService> {
  const closers: (() => Promise<void>)[] = [];
  try {
    let dynamodbEndpoint = opts.dynamodbEndpoint;
    if (!dynamodbEndpoint) {
      const dyn = await startDynalite(opts.dataDir);
      closers.push(dyn.close);
      dynamodbEndpoint = dyn.endpoint;
    }
    let sesEndpoint = opts.sesEndpoint;
    if (!sesEndpoint) {
      const ses = await startSesEmulator(opts.sesPort ?? 0);
      closers.push(ses.close);
      sesEndpoint = ses.endpoint;
    }

    const client = createDynamoClient({ endpoint: dynamodbEndpoint });
    opts.onDynamoClient?.(client);
    closers.push(async () => client.destroy());
    const tables = tableNames(opts.tablePrefix ?? '');
    await ensureTables(client, tables);

    const doc = createDocumentClient(client);
    const clock = opts.clock ?? systemClock;
    const ids = opts.ids ?? uuidIds;
    const policies = new DynamoPolicyStore(doc, tables.policies);
    const customers = new DynamoCustomerStore(doc, tables.customers);
    const acks = new DynamoAcknowledgmentStore(doc, tables.acknowledgments);
    // One catalog per function, as in AWS where each function has its own memory.
    const catalog = () =>
      new RevisionCatalog(policies, opts.revisionCacheTtlMs ?? DEFAULT_REVISION_CACHE_TTL_MS);
    const publishCatalog = catalog();
    const readCatalog = catalog();
    const ackCatalog = catalog();

    const handlers = {
      read: createReadHandler({ policies, catalog: readCatalog, clock }),
      publish: createPublishHandler({
        policies,
        catalog: publishCatalog,
        clock,
        // In one process the other functions' caches can be told at once; in AWS their TTL bounds staleness.
        onPublished: async (revision) => {
          readCatalog.invalidate(revision.policyId);
          ackCatalog.invalidate(revision.policyId);
        },
      }),
      customers: createCustomersHandler({ customers, clock }),
      acknowledgments: createAcknowledgmentsHandler({ policies, catalog: ackCatalog, clock, ids, acks }),
    };

    const tokens = {
      app: opts.tokens?.app?.[0] ?? randomToken('app'),
      publisher: opts.tokens?.publisher?.[0] ?? randomToken('pub'),
    };
    const server: Server = createLocalServer(handlers, { app: [tokens.app], publisher: [tokens.publisher] });
    const port = await listen(server, opts.port ?? 0);
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return {
      url: `http://127.0.0.1:${port}`,
      sesEndpoint,
      dynamodbEndpoint,
      tables,
      tokens,
      stop: async () => {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (e) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw e;
  }
}
