/**
 * The only place the DynamoDB adapters are constructed. Every function's builder, the local runtime,
 * the CLI, the benchmarks and the tests get their stores from here, on the tables their needs declare
 * (functions/composition/needs.ts). One function per store, so a bundle keeps only the stores its
 * function uses.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAcknowledgmentStore } from '../adapters/dynamodb/acknowledgment-store';
import { DynamoCountStore } from '../adapters/dynamodb/count-store';
import { DynamoCustomerStore } from '../adapters/dynamodb/customer-store';
import { DynamoNoticeReader } from '../adapters/dynamodb/notice-reader';
import { DynamoNotificationStore } from '../adapters/dynamodb/notification-store';
import { DynamoPolicyStore } from '../adapters/dynamodb/policy-store';
import { DynamoSuppressionStore } from '../adapters/dynamodb/suppression-store';
import { type TableKey, type TableNames, tableDefs } from '../adapters/dynamodb/tables';
import type { CustomerStore } from '../ports';

/** A document client and the tables a function may use; `onTable` sees each table a store is built on. */
export interface Db {
  doc: DynamoDBDocumentClient;
  tables: Partial<TableNames>;
  onTable?: (key: TableKey) => void;
}

function table(db: Db, key: TableKey): string {
  const name = db.tables[key];
  if (!name) throw new Error(`environment variable ${tableDefs[key].envVar} is required`);
  db.onTable?.(key);
  return name;
}

/** Counting: the store also keeps the sharded counters (in the Acknowledgments table) up to date. */
export interface Counting {
  counting: boolean;
}

export const policyStore = (db: Db) => new DynamoPolicyStore(db.doc, table(db, 'policies'));
/** The counters live in the Acknowledgments table (adapters/dynamodb/count-store.ts). */
export const countStore = (db: Db) => new DynamoCountStore(db.doc, table(db, 'acknowledgments'));
export const customerStore = (db: Db, { counting }: Counting) =>
  new DynamoCustomerStore(db.doc, table(db, 'customers'), counting ? countStore(db) : undefined);
/**
 * Reading customers only (the send worker): no counters to keep, and a bundle that never changes a
 * customer carries no count store.
 */
export const customerReader = (db: Db): Pick<CustomerStore, 'get' | 'getMany'> =>
  new DynamoCustomerStore(db.doc, table(db, 'customers'));
export const acknowledgmentStore = (db: Db, { counting }: Counting) =>
  new DynamoAcknowledgmentStore(db.doc, table(db, 'acknowledgments'), counting ? countStore(db) : undefined);
export const notificationStore = (db: Db) => new DynamoNotificationStore(db.doc, table(db, 'notifications'));
/** The suppression list lives in the Notifications table. */
export const suppressionStore = (db: Db) => new DynamoSuppressionStore(db.doc, table(db, 'notifications'));
export const noticeReader = (db: Db) => new DynamoNoticeReader(db.doc, table(db, 'notifications'));
