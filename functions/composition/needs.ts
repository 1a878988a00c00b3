/**
 * What each Lambda function touches, declared once beside its builder: tables and the access level,
 * queues it enqueues to, whether it sends email or reads the API token secret, and the deployment
 * settings it reads. lib/function-specs.ts turns these into IAM statements and environment variables;
 * functions/composition/env.ts requires exactly those variables; test/cdk/iam.test.ts checks the
 * resulting grants against a table written out by hand, and test/unit/composition.test.ts checks that
 * each builder uses everything its declaration grants and nothing else.
 *
 * Plain data (no adapter or CDK import), so the CDK app reads it without loading the SDK.
 */
import type { TableKey } from '../adapters/dynamodb/tables';

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

export interface Needs {
  /** Tables the function reads or writes; each also puts the table's `envVar` in its environment. */
  tables: Partial<Record<TableKey, TableAccess>>;
  /** Queues the function enqueues to; each also puts `<QUEUE>_QUEUE_URL` in its environment. */
  sendsTo?: readonly QueueKey[];
  /** Settings (not privileges) the function reads. */
  configEnv?: readonly ConfigEnvVar[];
  /** ses:SendEmail on the sender identity and configuration set only. */
  sendsEmail?: boolean;
  /** ses:GetSendQuota (no resource-level permissions): the worker paces to SES's limits. */
  readsSendQuota?: boolean;
  /** Not a grant: the function's asset also carries the console's bundled script (lib/console-bundle.ts). */
  shipsConsole?: boolean;
  /** secretsmanager:GetSecretValue on the API token secret only. */
  readsApiTokens?: boolean;
}

/** What composing a change email reads: links, the organisation. */
const EMAIL_CONTENT_SETTINGS = [
  'PUBLIC_BASE_URL',
  'ORG_NAME',
  'ORG_PHONE',
  'ORG_EMAIL',
  'ORG_ADDRESS',
  'ORG_WEBSITE',
  'ORG_TIME_ZONE',
] as const satisfies readonly ConfigEnvVar[];

/** And what sending it reads: the sender and the configuration set (delivery events). */
const EMAIL_SETTINGS = [
  ...EMAIL_CONTENT_SETTINGS,
  'SES_FROM_ADDRESS',
  'SES_CONFIGURATION_SET',
] as const satisfies readonly ConfigEnvVar[];

export const queueEnvVar: Record<QueueKey, string> = { fanout: 'FANOUT_QUEUE_URL', send: 'SEND_QUEUE_URL' };

export const functionNeeds = {
  /** Public reads; PUBLIC_BASE_URL makes the policy pages and feed link to themselves, ORG_NAME authors the feed. */
  read: { tables: { policies: 'read' }, configEnv: ['PUBLIC_BASE_URL', 'ORG_NAME'], shipsConsole: true },
  /**
   * Publishing starts the campaign of a notified revision; the suppression routes use Notifications; the
   * retry route puts failed recipients' batches on the send queue again. A dry run reads the counters
   * (recipients per language, in Acknowledgments) and composes the emails; its test email goes on the
   * send queue too, and the worker sends it: publish has no SES grant.
   */
  publish: {
    tables: { policies: 'readWrite', notifications: 'readWrite', acknowledgments: 'read' },
    sendsTo: ['fanout', 'send'],
    configEnv: [...EMAIL_CONTENT_SETTINGS],
  },
  customers: { tables: { customers: 'readWrite', acknowledgments: 'counters' } },
  acknowledgments: { tables: { policies: 'read', acknowledgments: 'readWrite' } },
  /** Acknowledgment exports, counts (from the counters), a user's timeline and receipts: reads only. */
  compliance: { tables: { policies: 'read', acknowledgments: 'read', notifications: 'read' } },
  /** Each step reads a page of customers and enqueues its send batches and the next step. */
  'notify-fanout': { tables: { customers: 'read', notifications: 'readWrite' }, sendsTo: ['send', 'fanout'] },
  'notify-worker': {
    tables: { customers: 'read', policies: 'read', notifications: 'readWrite' },
    sendsEmail: true,
    readsSendQuota: true,
    // Batches go back to the send queue, delayed, while SES's 24-hour quota is used up.
    sendsTo: ['send'],
    configEnv: [...EMAIL_SETTINGS, 'SES_MAX_SEND_RATE'],
  },
  /** The send queue too: batches of a campaign without progress are put on it again. */
  'notify-sweeper': { tables: { policies: 'read', notifications: 'readWrite' }, sendsTo: ['fanout', 'send'] },
  /** Notifications: the suppression list and delivery times in the ledger. */
  'ses-events': {
    tables: { customers: 'readWrite', notifications: 'readWrite', acknowledgments: 'counters' },
  },
  /** Recomputes the counters from the tables (functions/usecases/counts.ts). */
  'reconcile-counts': { tables: { policies: 'read', customers: 'read', acknowledgments: 'readWrite' } },
  authorizer: { tables: {}, readsApiTokens: true },
} as const satisfies Record<string, Needs>;

export type FunctionName = keyof typeof functionNeeds;
/** The functions behind the HTTP API's routes (the route table's `fn` values). */
export const API_FUNCTIONS = ['read', 'publish', 'customers', 'acknowledgments', 'compliance'] as const;

export const needsOf = (name: FunctionName): Needs => functionNeeds[name];
