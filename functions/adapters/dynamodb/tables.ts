/**
 * Table definitions, written once (DESIGN.md decision 5): the CDK stack (lib/) and the local bootstrap
 * (bin/local) both build their tables from these, so key schemas and indexes cannot drift apart.
 * Separate tables let each Lambda function be granted only what it touches.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface KeyDef {
  name: string;
  type: 'S' | 'N';
}

export interface IndexDef {
  name: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDef {
  /** Logical id; also the CDK construct id. */
  id: 'Policies' | 'Customers' | 'Acknowledgments' | 'Notifications';
  /** Environment variable that carries the physical table name to the functions. */
  envVar: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  indexes: IndexDef[];
  ttlAttribute?: string;
}

const S = (name: string): KeyDef => ({ name, type: 'S' });

export const tableDefs = {
  /**
   * `POLICY#<id>` / `REV#<10-digit version>` revisions; `POLICY#<id>` / `TEXT#<hash>` text heads and
   * `TEXT#<hash>#<4-digit index>` text chunks (text-chunks.ts); `POLICIES` / `POLICY#<id>` registry.
   */
  policies: {
    id: 'Policies',
    envVar: 'POLICIES_TABLE',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [],
  },
  /**
   * `CUSTOMER#<userId>`; the email index finds the customers an SES bounce or complaint names; the status
   * index pages through active customers with Query (fan-out, reconciliation), so nothing needs Scan.
   */
  customers: {
    id: 'Customers',
    envVar: 'CUSTOMERS_TABLE',
    partitionKey: S('pk'),
    indexes: [
      { name: 'byEmail', partitionKey: S('email'), projection: 'KEYS_ONLY' },
      { name: 'byStatus', partitionKey: S('status'), sortKey: S('pk'), projection: 'ALL' },
    ],
  },
  /**
   * `USER#<userId>` / `ACK#<policyId>#<10-digit version>`: newest-first Query, Limit 1, answers the status
   * check. Also the sharded counters and per-user count state (adapters/dynamodb/count-store.ts).
   */
  acknowledgments: {
    id: 'Acknowledgments',
    envVar: 'ACKNOWLEDGMENTS_TABLE',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [{ name: 'byPolicy', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk'), projection: 'ALL' }],
  },
  /** Campaign items with counters, a ledger item per recipient, and fan-out progress. */
  notifications: {
    id: 'Notifications',
    envVar: 'NOTIFICATIONS_TABLE',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [{ name: 'byUser', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk'), projection: 'ALL' }],
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableDef>;

export type TableKey = keyof typeof tableDefs;
export type TableNames = Record<TableKey, string>;

export function createTableInput(def: TableDef, tableName: string): CreateTableCommandInput {
  const keys = [
    def.partitionKey,
    def.sortKey,
    ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ].filter((k): k is KeyDef => k !== undefined);
  const attributes = [...new Map(keys.map((k) => [k.name, k])).values()];
  const schema = (pk: KeyDef, sk?: KeyDef) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: schema(def.partitionKey, def.sortKey),
    ...(def.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: def.indexes.map((i) => ({
            IndexName: i.name,
            KeySchema: schema(i.partitionKey, i.sortKey),
            Projection: { ProjectionType: i.projection },
          })),
        }
      : {}),
  };
}
