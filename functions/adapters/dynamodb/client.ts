import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { validationFailed } from '../../domain/errors';

export interface DynamoEndpoint {
  /** Set for the embedded store or DynamoDB Local; unset in AWS. */
  endpoint?: string;
  region?: string;
}

/**
 * One client per process, reused across warm invocations. Against a local endpoint it gets explicit
 * region and dummy credentials so the SDK never goes looking for instance metadata.
 */
export function createDynamoClient(opts: DynamoEndpoint = {}): DynamoDBClient {
  const config: DynamoDBClientConfig = { maxAttempts: 5 };
  if (opts.endpoint) {
    config.endpoint = opts.endpoint;
    config.region = opts.region ?? 'local';
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  } else if (opts.region) {
    config.region = opts.region;
  }
  return new DynamoDBClient(config);
}

export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;

/**
 * Cursors are opaque to clients. A malformed one, or one that points into another partition than the
 * request's (`expected`), is the caller's error: 400, never a DynamoDB validation fault.
 */
export function decodeCursor(
  cursor: string | null,
  expected: Record<string, string> = {},
): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const ok =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => typeof v === 'string' || typeof v === 'number') &&
    Object.entries(expected).every(([k, v]) => (parsed as Record<string, unknown>)[k] === v);
  if (!ok) throw validationFailed('cursor is not valid', [{ path: 'cursor', message: 'invalid cursor' }]);
  return parsed as Record<string, unknown>;
}

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
