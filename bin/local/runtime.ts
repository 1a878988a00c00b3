/**
 * Assembles the whole service in one process: embedded stores, the Lambda handlers built by their
 * functions' builders (functions/composition/) on local adapters, and the HTTP front door. `npm start` (bin/local.ts) and the integration tests both use it.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import type { TableNames } from '../../functions/adapters/dynamodb/tables';
import { createSesClient } from '../../functions/adapters/ses';
import { systemClock, uuidIds } from '../../functions/adapters/system';
import { buildAcknowledgments } from '../../functions/composition/acknowledgments';
import { buildCompliance } from '../../functions/composition/compliance';
import { buildCustomers } from '../../functions/composition/customers';
import { parseSettings } from '../../functions/composition/env';
import { buildPublish } from '../../functions/composition/publish';
import { buildRead } from '../../functions/composition/read';
import { DEFAULTS } from '../../functions/domain/defaults';
import type { OrgContact } from '../../functions/domain/email';
import { createAcknowledgmentsHandler } from '../../functions/handlers/acknowledgments';
import { createComplianceHandler } from '../../functions/handlers/compliance';
import { createCustomersHandler } from '../../functions/handlers/customers';
import { createPublishHandler } from '../../functions/handlers/publish';
import { createReadHandler } from '../../functions/handlers/read';
import type { ApiEvent, ApiResponse } from '../../functions/http/api';
import type { TokenSet } from '../../functions/http/auth';
import type { Clock, IdGenerator, Queue } from '../../functions/ports';
import { buildConsoleScript } from '../../lib/console-bundle';
import { createLocalServer, dispatch, listen } from './http-server';
import {
  type NotificationOptions,
  type NotificationPipeline,
  orgEnv,
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

/** The options that were given, as environment values. */
const defined = (values: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, string>;

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

    const adapters = {
      db: { doc: createDocumentClient(client), tables },
      clock: opts.clock ?? systemClock,
      ids: opts.ids ?? uuidIds,
    };
    // Each function built by its Lambda builder on the embedded store: one instance of each, with its
    // own caches, as in AWS where each function has its own memory. Settings parse the same schemas.
    const cache = defined({ REVISION_CACHE_TTL_MS: opts.revisionCacheTtlMs?.toString() });
    const org = opts.orgContact ?? DEFAULT_ORG;
    const orgTimeZone = opts.orgTimeZone ?? 'UTC';
    const from = opts.sesFromAddress ?? 'privacy@example.com';
    // Feed and email links use the listening address (or PUBLIC_BASE_URL), known once the server listens.
    let url = '';
    // Built once the API's URL (the default link base) is known; a publish before that is the sweeper's.
    let pipeline: NotificationPipeline | undefined;
    const pipelineQueue = (key: 'fanoutQueue' | 'sendQueue'): Queue => ({
      sendBatch: async (messages) => {
        if (!pipeline) throw new Error('the notification pipeline is not started yet');
        await pipeline[key].sendBatch(messages);
      },
    });
    const sesClient = opts.sesClient ?? createSesClient({ endpoint: sesEndpoint });
    if (!opts.sesClient) closers.push(async () => sesClient.destroy());
    const acknowledgments = buildAcknowledgments(adapters, parseSettings('acknowledgments', cache));
    let read: ReturnType<typeof buildRead> | undefined;
    const publish = buildPublish(
      // The retry route puts failed recipients' batches on the pipeline's send queue.
      { ...adapters, queues: { fanout: pipelineQueue('fanoutQueue'), send: pipelineQueue('sendQueue') } },
      {
        ...parseSettings('publish', {
          ...cache,
          ...orgEnv(org, orgTimeZone),
          // Replaced by the listening address (the hook below) unless PUBLIC_BASE_URL is set.
          PUBLIC_BASE_URL: opts.publicBaseUrl ?? 'http://127.0.0.1',
        }),
        // The pipeline's fan-out lease and batch size (tests shorten them) are the ones campaigns use.
        fanoutLeaseMs: opts.notifications?.fanoutLeaseMs ?? DEFAULTS.fanoutLeaseMs,
        ...(opts.notifications?.batchSize ? { batchSize: opts.notifications.batchSize } : {}),
      },
      {
        // In one process the other functions' caches can be told at once; in AWS their TTL bounds staleness.
        published: (revision) => {
          read?.catalog.invalidate(revision.policyId);
          acknowledgments.catalog.invalidate(revision.policyId);
        },
        publicBaseUrl: () => opts.publicBaseUrl ?? url,
      },
    );

    let readHandler: ReturnType<typeof createReadHandler> | undefined;
    const handlers = {
      read: (event: ApiEvent) => {
        if (!readHandler) throw new Error('the read function is not ready');
        return readHandler(event);
      },
      publish: createPublishHandler(publish),
      customers: createCustomersHandler(buildCustomers(adapters, parseSettings('customers', {}))),
      acknowledgments: createAcknowledgmentsHandler(acknowledgments),
      compliance: createComplianceHandler(buildCompliance(adapters, parseSettings('compliance', cache))),
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
    read = buildRead(
      adapters,
      parseSettings('read', { ...cache, PUBLIC_BASE_URL: opts.publicBaseUrl ?? url, ORG_NAME: org.name }),
    );
    // The console's TypeScript, bundled by esbuild now (once per process), served as /console/app.js.
    const consoleScript = buildConsoleScript();
    readHandler = createReadHandler({ ...read, consoleScript: () => consoleScript });
    const notifications = startNotificationPipeline(adapters, {
      from,
      sesMaxSendRate: opts.sesMaxSendRate ?? DEFAULTS.sesMaxSendRate,
      publicBaseUrl: opts.publicBaseUrl ?? url,
      org,
      orgTimeZone,
      sesClient,
      ...opts.notifications,
    });
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
