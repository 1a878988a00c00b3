/**
 * Assembles the whole service in one process: embedded stores, the Lambda handlers with their
 * adapters, and the HTTP front door. `npm start` (bin/local.ts) and the integration tests both use it.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import { DynamoAcknowledgmentStore } from '../../functions/adapters/dynamodb/acknowledgment-store';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { DynamoCountStore } from '../../functions/adapters/dynamodb/count-store';
import { DynamoCustomerStore } from '../../functions/adapters/dynamodb/customer-store';
import { DynamoNoticeReader } from '../../functions/adapters/dynamodb/notice-reader';
import { DynamoNotificationStore } from '../../functions/adapters/dynamodb/notification-store';
import { DynamoPolicyStore } from '../../functions/adapters/dynamodb/policy-store';
import { DynamoSuppressionStore } from '../../functions/adapters/dynamodb/suppression-store';
import type { TableNames } from '../../functions/adapters/dynamodb/tables';
import { createSesClient, SesMailer } from '../../functions/adapters/ses';
import { systemClock, uuidIds } from '../../functions/adapters/system';
import { type OrgContact, senderHeader } from '../../functions/domain/email';
import { createAcknowledgmentsHandler } from '../../functions/handlers/acknowledgments';
import { createComplianceHandler } from '../../functions/handlers/compliance';
import { createCustomersHandler } from '../../functions/handlers/customers';
import { createPublishHandler, TestSendLimiter } from '../../functions/handlers/publish';
import { createReadHandler } from '../../functions/handlers/read';
import type { ApiEvent, ApiResponse } from '../../functions/http/api';
import type { TokenSet } from '../../functions/http/auth';
import type { Clock, IdGenerator } from '../../functions/ports';
import { DEFAULT_REVISION_CACHE_TTL_MS, RevisionCatalog } from '../../functions/usecases/catalog';
import { buildConsoleScript } from '../../lib/console-bundle';
import { createLocalServer, dispatch, listen } from './http-server';
import {
  type NotificationOptions,
  type NotificationPipeline,
  startNotificationPipeline,
} from './notifications';
import { ensureTables, startDynalite, startSesEmulator, tableNames } from './stores';

export interface LocalOptions {
  port?: number;
  /** Where dynalite keeps its data; undefined keeps it in memory (tests). Ignored with dynamodbEndpoint. */
  dataDir?: string | undefined;
  dynamodbEndpoint?: string | undefined;
  /** Port of the embedded DynamoDB (0: any free port), so `policyctl counts --reconcile` can reach it. */
  dynamodbPort?: number;
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
  /** Change notifications (docs/NOTIFICATIONS.md): sender, pace, links and contact block of the emails. */
  sesFromAddress?: string;
  sesMaxSendRate?: number;
  /** Base of the links in emails; default the local API URL. */
  publicBaseUrl?: string;
  orgContact?: OrgContact;
  /** ORG_TIME_ZONE (IANA name): times in emails for customers without a zone of their own; default UTC. */
  orgTimeZone?: string;
  /** Replaces the client for the SES emulator (fault injection with aws-sdk-client-mock). */
  sesClient?: SESClient;
  /** Leases, visibility timeout, sweeper period, fault-injection hooks of the local pipeline. */
  notifications?: Partial<NotificationOptions>;
}

export interface LocalService {
  url: string;
  sesEndpoint: string;
  dynamodbEndpoint: string;
  tables: TableNames;
  tokens: { app: string; publisher: string };
  /** The local notification pipeline: queues, `drain()`, `sweep()`, the SES events handler. */
  notifications: NotificationPipeline;
  /**
   * One request in-process: the same route match, token check, API Gateway event and handler as a
   * request to `url`, without a socket (the fuzz suite sends thousands).
   */
  handle(request: InProcessRequest): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface InProcessRequest {
  method: string;
  /** Path and query string, as on the wire (`/policies/x/revisions?limit=1`). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const DEFAULT_ORG: OrgContact = { name: 'Example Co.', phone: null, email: null };

const randomToken = (role: string) => `${role}_${randomBytes(18).toString('base64url')}`;

export async function startLocalService(opts: LocalOptions = {}): Promise<LocalService> {
  const closers: (() => Promise<void>)[] = [];
  try {
    let dynamodbEndpoint = opts.dynamodbEndpoint;
    if (!dynamodbEndpoint) {
      const dyn = await startDynalite(opts.dataDir, opts.dynamodbPort ?? 0);
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
    const counts = new DynamoCountStore(doc, tables.acknowledgments);
    const customers = new DynamoCustomerStore(doc, tables.customers, counts);
    const acks = new DynamoAcknowledgmentStore(doc, tables.acknowledgments, counts);
    const notificationStore = new DynamoNotificationStore(doc, tables.notifications);
    const suppressions = new DynamoSuppressionStore(doc, tables.notifications);
    // Built once the API's URL (the default link base) is known; a publish before that is the sweeper's.
    let pipeline: NotificationPipeline | undefined;
    // One catalog per function, as in AWS where each function has its own memory.
    const catalog = () =>
      new RevisionCatalog(policies, opts.revisionCacheTtlMs ?? DEFAULT_REVISION_CACHE_TTL_MS);
    const publishCatalog = catalog();
    const readCatalog = catalog();
    const ackCatalog = catalog();

    const sesClient = opts.sesClient ?? createSesClient({ endpoint: sesEndpoint });
    if (!opts.sesClient) closers.push(async () => sesClient.destroy());
    const org = opts.orgContact ?? DEFAULT_ORG;
    // Feed and email links use the listening address (or PUBLIC_BASE_URL), known once the server listens.
    let url = '';
    let readHandler: ReturnType<typeof createReadHandler> | undefined;
    const handlers = {
      read: (event: ApiEvent) => {
        if (!readHandler) throw new Error('the read function is not ready');
        return readHandler(event);
      },
      publish: createPublishHandler({
        policies,
        catalog: publishCatalog,
        clock,
        // In one process the other functions' caches can be told at once; in AWS their TTL bounds staleness.
        onPublished: async (revision) => {
          readCatalog.invalidate(revision.policyId);
          ackCatalog.invalidate(revision.policyId);
          await pipeline?.onPublished(revision);
        },
        notifications: notificationStore,
        suppressions,
        // The pipeline (and its queue) is built once the server listens; a retry before that fails.
        sendQueue: {
          sendBatch: (messages) =>
            pipeline
              ? pipeline.sendQueue.sendBatch(messages)
              : Promise.reject(new Error('the notification pipeline is not running')),
        },
        ...(opts.notifications?.batchSize ? { batchSize: opts.notifications.batchSize } : {}),
        counts,
        notice: () => ({
          publicBaseUrl: opts.publicBaseUrl ?? url,
          org,
          timeZone: opts.orgTimeZone ?? 'UTC',
        }),
        testSend: {
          mailer: opts.notifications?.mailer ?? new SesMailer(sesClient),
          from: senderHeader(org.name, opts.sesFromAddress ?? 'privacy@example.com'),
          limiter: new TestSendLimiter(),
        },
      }),
      customers: createCustomersHandler({ customers, clock }),
      acknowledgments: createAcknowledgmentsHandler({ policies, catalog: ackCatalog, clock, ids, acks }),
      compliance: createComplianceHandler({
        policies,
        catalog: catalog(),
        clock,
        acks,
        counts,
        notices: new DynamoNoticeReader(doc, tables.notifications),
      }),
    };

    const tokens = {
      app: opts.tokens?.app?.[0] ?? randomToken('app'),
      publisher: opts.tokens?.publisher?.[0] ?? randomToken('pub'),
    };
    const tokenSet = { app: [tokens.app], publisher: [tokens.publisher] };
    const server: Server = createLocalServer(handlers, tokenSet);
    const port = await listen(server, opts.port ?? 0);
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    url = `http://127.0.0.1:${port}`;
    // The console's TypeScript, bundled by esbuild now (once per process), served as /console/app.js.
    const consoleScript = buildConsoleScript();
    readHandler = createReadHandler({
      policies,
      catalog: readCatalog,
      clock,
      publicBaseUrl: opts.publicBaseUrl ?? url,
      orgName: (opts.orgContact ?? DEFAULT_ORG).name,
      consoleScript: () => consoleScript,
    });
    const notifications = startNotificationPipeline(
      { notifications: notificationStore, customers, policies, suppressions },
      clock,
      {
        from: opts.sesFromAddress ?? 'privacy@example.com',
        sesMaxSendRate: opts.sesMaxSendRate ?? 14,
        publicBaseUrl: opts.publicBaseUrl ?? url,
        org: opts.orgContact ?? DEFAULT_ORG,
        orgTimeZone: opts.orgTimeZone ?? 'UTC',
        sesClient,
        ...opts.notifications,
      },
    );
    pipeline = notifications;
    closers.push(() => notifications.stop());
    // Once at start: campaigns a previous run left unstarted or stalled carry on. The queues are in
    // memory, so whatever a previous process (killed, even with -9) had queued is gone: re-enqueue it.
    await notifications.sweep({ queuesLost: true }).catch(() => {});
    return {
      url,
      sesEndpoint,
      dynamodbEndpoint,
      tables,
      tokens,
      notifications,
      handle: (request) => {
        const headers: Record<string, string> = { host: new URL(url).host };
        for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
        const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
        const info = { headers, httpVersion: '1.1', socket: { remoteAddress: '127.0.0.1' } };
        return dispatch(handlers, tokenSet, { ...info, method: request.method, url: request.path }, body);
      },
      stop: async () => {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (e) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw e;
  }
}
