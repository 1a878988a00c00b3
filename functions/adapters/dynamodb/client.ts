import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { validationFailed } from '../../domain/errors';
import { type AwsEndpoint, createAwsClient } from '../aws-client';

/** A DynamoDB client (functions/adapters/aws-client.ts); the SDK retries throttled requests. */
export const createDynamoClient = (where: AwsEndpoint = {}): DynamoDBClient =>
  createAwsClient(DynamoDBClient, where, { maxAttempts: 5 } satisfies DynamoDBClientConfig, 'local');

export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    // Keys such as `constructor` in a stored record (evidence, texts) would make the marshaller take the
    // object for a class instance and throw; with this it is marshalled as the plain map it is.
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;

/**
 * The exact key a cursor must decode to: each attribute's check, by name. No other attribute may be
 * present. `expected` values fix an attribute to one string (the partition the request pages through).
 */
export type CursorShape = Record<string, (value: string) => boolean>;

/** Far above any key this service writes (a 128-character user id in three attributes). */
export const MAX_CURSOR_CHARS = 2048;

const invalidCursor = (message: string) =>
  validationFailed('cursor is not valid', [{ path: 'cursor', message }]);

/**
 * Cursors are opaque to clients, and checked against their exact shape and size before DynamoDB sees
 * them: a forged cursor (missing or extra attributes, wrong types, empty or oversize values, another
 * partition than the request's) is the caller's error, 400 `VALIDATION_FAILED` with path `cursor`,
 * never a DynamoDB ValidationException answered as 500.
 */
export function decodeCursor(cursor: string | null, shape: CursorShape): Record<string, string> | undefined {
  if (cursor === null) return undefined;
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_CHARS || !BASE64URL.test(cursor))
    throw invalidCursor(
      `not a cursor this service issued (at most ${MAX_CURSOR_CHARS} base64url characters)`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('not a cursor this service issued');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidCursor('not a cursor this service issued');
  const entries = Object.entries(parsed as Record<string, unknown>);
  const names = Object.keys(shape);
  const ok =
    entries.length === names.length &&
    entries.every(([name, value]) => {
      const check = Object.hasOwn(shape, name) ? shape[name] : undefined;
      return check !== undefined && typeof value === 'string' && value.length > 0 && check(value);
    });
  if (!ok) throw invalidCursor('not a cursor of this list');
  return Object.fromEntries(entries) as Record<string, string>;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A check that accepts exactly `value`. */
export const exactly = (value: string) => (candidate: string) => candidate === value;

/** A check that accepts strings matching `pattern` (callers pass anchored, linear patterns). */
export const matches = (pattern: RegExp) => (candidate: string) => pattern.test(candidate);

export const isConditionalFailure = (e: unknown) =>
  e instanceof Error && e.name === 'ConditionalCheckFailedException';

/** Every item a Query matches, following LastEvaluatedKey page by page. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Consistent BatchGet of any number of keys (100 per request), retrying unprocessed keys with a short
 * backoff: every item found, in no particular order.
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out: BatchGetCommandOutput = await doc.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(out.Responses?.[table] ?? []));
      pending = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}
