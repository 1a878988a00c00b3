/**
 * Every Lambda function of the service and exactly what it may touch. The API functions are derived
 * from the route table's distinct `fn` values; each needs an entry in `apiFunctionGrants`, and a route
 * naming an `fn` without one fails synth (and the bench) with a message saying where to add it.
 *
 * Plain data (no CDK import): the stateless stack turns it into IAM statements and environment
 * variables, the benchmark into a list of bundles.
 */
import { type TableKey, tableDefs } from '../functions/adapters/dynamodb/tables';
import type { Route } from '../functions/http/routes';

/**
 * `counters`: the sharded counters and per-user count state kept in the Acknowledgments table (get, put,
 * update by key; no Query, no delete), for functions that change what is counted but own another table.
 */
export type TableAccess = 'read' | 'readWrite' | 'counters';
export type QueueKey = 'fanout' | 'send';

/** Deployment settings a function may read from its environment (values: lib/stateless-stack.ts). */
export type ConfigEnvVar =
  | 'PUBLIC_BASE_URL'
  | 'ORG_NAME'
  | 'ORG_PHONE'
  | 'ORG_EMAIL'
  | 'ORG_ADDRESS'
  | 'ORG_WEBSITE'
  | 'ORG_TIME_ZONE'
  | 'SES_FROM_ADDRESS'
  | 'SES_CONFIGURATION_SET'
  | 'SES_MAX_SEND_RATE';

export interface Grants {
  /** Tables the function reads or writes; each also puts the table's `envVar` in its environment. */
  tables: Partial<Record<TableKey, TableAccess>>;
  /** Queues the function enqueues to; each also puts `<QUEUE>_QUEUE_URL` in its environment. */
  sendsTo?: QueueKey[];
  /** Settings (not privileges) the function reads. */
  configEnv?: ConfigEnvVar[];
  /** ses:SendEmail on the sender identity and configuration set only. */
  sendsEmail?: boolean;
  /** ses:GetSendQuota (no resource-level permissions): the worker paces to SES's limits. */
  readsSendQuota?: boolean;
  /** Not a grant: the asset also carries the console's bundled script (lib/console-bundle.ts). */
  shipsConsole?: boolean;
}

export interface FunctionSpec extends Grants {
  /** Function group name: `fn` for API functions, the handler file's name otherwise. */
  name: string;
  /** Handler entry, relative to the repository root. */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** secretsmanager:GetSecretValue on the API token secret only. */
  readsApiTokens?: boolean;
  /**
   * The function feeds its own queue on purpose (bounded by a checkpoint), so Lambda's recursive loop
   * detection, which stops such a chain after about 16 rounds, must let it run.
   */
  recursiveByDesign?: boolean;
}

export const queueEnvVar: Record<QueueKey, string> = { fanout: 'FANOUT_QUEUE_URL', send: 'SEND_QUEUE_URL' };

/** Grants per route-table `fn`. Add an entry here when the route table names a new function. */
export const apiFunctionGrants: Record<string, Grants> = {
  /** Public reads; PUBLIC_BASE_URL makes the policy pages and feed link to themselves, ORG_NAME authors the feed. */
  read: { tables: { policies: 'read' }, configEnv: ['PUBLIC_BASE_URL', 'ORG_NAME'], shipsConsole: true },
  /** A dry run reads the counters (recipients) and composes the emails; its test email is sent by SES. */
  publish: {
    tables: { policies: 'readWrite', notifications: 'readWrite', acknowledgments: 'read' },
    // The send queue: the retry route puts failed recipients' batches on it again.
    sendsTo: ['fanout', 'send'],
    configEnv: [
      'PUBLIC_BASE_URL',
      'ORG_NAME',
      'ORG_PHONE',
      'ORG_EMAIL',
      'ORG_ADDRESS',
      'ORG_WEBSITE',
      'ORG_TIME_ZONE',
      'SES_FROM_ADDRESS',
      'SES_CONFIGURATION_SET',
    ],
    sendsEmail: true,
  },
  customers: { tables: { customers: 'readWrite', acknowledgments: 'counters' } },
  acknowledgments: { tables: { policies: 'read', acknowledgments: 'readWrite' } },
  /** Acknowledgment exports, counts (from the counters), a user's timeline and receipts: reads only. */
  compliance: {
    tables: { policies: 'read', acknowledgments: 'read', notifications: 'read' },
  },
};

const API_TIMEOUT_SECONDS = 10;
const API_MEMORY_MB = 1024;

export const handlerEntry = (name: string) => `functions/handlers/${name}.ts`;

/** The API functions the route table needs, in first-route order. Throws for an `fn` without grants. */
export function apiFunctionSpecs(
  routeTable: readonly Pick<Route, 'fn' | 'method' | 'path'>[],
): FunctionSpec[] {
  const names = [...new Set(routeTable.map((r) => r.fn as string))];
  return names.map((name) => {
    const grants = Object.hasOwn(apiFunctionGrants, name) ? apiFunctionGrants[name] : undefined;
    if (!grants) {
      const example = routeTable.find((r) => r.fn === name);
      throw new Error(
        `The route table names function "${name}" (${example?.method} ${example?.path}) but lib/catalog.ts has no ` +
          `grants for it: add "${name}" to apiFunctionGrants with the tables and queues it uses.`,
      );
    }
    return {
      name,
      entry: handlerEntry(name),
      timeoutSeconds: API_TIMEOUT_SECONDS,
      memoryMb: API_MEMORY_MB,
      ...grants,
    };
  });
}

/** Timeouts matter beyond the function: each SQS queue's visibility timeout is 6× its consumer's. */
export const notificationFunctionSpecs = {
  fanout: {
    name: 'notify-fanout',
    entry: handlerEntry('notify-fanout'),
    timeoutSeconds: 120,
    memoryMb: 1024,
    tables: { customers: 'read', policies: 'read', notifications: 'readWrite' },
    sendsTo: ['send', 'fanout'],
    // Each step enqueues the next one: 1,000,000 customers at 500 per page is a 2,000-step chain.
    recursiveByDesign: true,
  },
  worker: {
    name: 'notify-worker',
    entry: handlerEntry('notify-worker'),
    // A batch of 50 recipients at a sandbox account's 1 email/s split over 2 instances takes 100 s.
    timeoutSeconds: 300,
    memoryMb: 1024,
    tables: { customers: 'read', policies: 'read', notifications: 'readWrite' },
    sendsEmail: true,
    readsSendQuota: true,
    // Batches go back to the send queue, delayed, while SES's 24-hour quota is used up.
    sendsTo: ['send'],
    configEnv: [
      'SES_FROM_ADDRESS',
      'SES_CONFIGURATION_SET',
      'SES_MAX_SEND_RATE',
      'PUBLIC_BASE_URL',
      'ORG_NAME',
      'ORG_PHONE',
      'ORG_EMAIL',
      'ORG_ADDRESS',
      'ORG_WEBSITE',
      'ORG_TIME_ZONE',
    ],
  },
  sweeper: {
    name: 'notify-sweeper',
    entry: handlerEntry('notify-sweeper'),
    timeoutSeconds: 50,
    memoryMb: 512,
    tables: { policies: 'read', notifications: 'readWrite' },
    // The send queue too: batches of a campaign without progress are put on it again.
    sendsTo: ['fanout', 'send'],
  },
  sesEvents: {
    name: 'ses-events',
    entry: handlerEntry('ses-events'),
    timeoutSeconds: 30,
    memoryMb: 512,
    // Notifications: the suppression list and delivery times in the ledger.
    tables: { customers: 'readWrite', notifications: 'readWrite', acknowledgments: 'counters' },
  },
  /** Recomputes the counters from the tables on a schedule (functions/usecases/counts.ts). */
  reconcileCounts: {
    name: 'reconcile-counts',
    entry: handlerEntry('reconcile-counts'),
    // A million customers and a million acknowledgments are ~2,000 Query pages: a few minutes at most.
    timeoutSeconds: 900,
    memoryMb: 1024,
    tables: { policies: 'read', customers: 'read', acknowledgments: 'readWrite' },
  },
} as const satisfies Record<string, FunctionSpec>;

export const authorizerSpec: FunctionSpec = {
  name: 'authorizer',
  entry: handlerEntry('authorizer'),
  timeoutSeconds: 5,
  memoryMb: 512,
  tables: {},
  readsApiTokens: true,
};

/** Every function of the service: what the stack deploys and the benchmark bundles. */
export function allFunctionSpecs(
  routeTable: readonly Pick<Route, 'fn' | 'method' | 'path'>[],
): FunctionSpec[] {
  return [...apiFunctionSpecs(routeTable), ...Object.values(notificationFunctionSpecs), authorizerSpec];
}

/** The environment variables a spec implies: its tables, queues and settings (values filled in by the stack). */
export function grantedEnvVars(spec: Grants): string[] {
  return [
    ...Object.keys(spec.tables).map((k) => tableDefs[k as TableKey].envVar),
    ...(spec.sendsTo ?? []).map((q) => queueEnvVar[q]),
    ...(spec.configEnv ?? []),
  ];
}
