import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { type LocalOptions, type LocalService, startLocalService } from '../../bin/local/runtime';
import { createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { TEXTS_V1, TEXTS_V2 } from './fixtures';
import { checkAgainstDocument } from './openapi';

export const TOKENS = { app: 'test-app-token', publisher: 'test-publisher-token' };

export async function startTestService(opts: LocalOptions = {}): Promise<LocalService> {
  return startLocalService({ tokens: { app: [TOKENS.app], publisher: [TOKENS.publisher] }, ...opts });
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (for malformed JSON and wrong content types). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for reading JSON responses
  json: any;
}

export async function call(
  service: LocalService,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Buffer | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${service.url}${path}`, { method, headers, body });
  const text = await res.text();
  // Every response a test receives must be one the OpenAPI document describes (docs/API.md, versioning).
  checkAgainstDocument({
    method,
    path,
    status: res.status,
    contentType: res.headers.get('content-type'),
    text,
  });
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Every item of every table, for proving that a rejected request stored nothing. */
export async function dumpTables(service: LocalService): Promise<Record<string, unknown[]>> {
  const client = createDynamoClient({ endpoint: service.dynamodbEndpoint });
  const out: Record<string, unknown[]> = {};
  for (const [key, TableName] of Object.entries(service.tables)) {
    const items: unknown[] = [];
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    out[key] = items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  client.destroy();
  return out;
}

/**
 * Publishes `privacy` v1 (not notified) then v2 (material, notified): one campaign, for v2, to every
 * registered customer. Throws unless both are stored.
 */
export async function publishNotifiedV2(service: LocalService): Promise<void> {
  for (const [texts, notify] of [
    [TEXTS_V1, false],
    [TEXTS_V2, true],
  ] as const) {
    const res = await call(service, 'POST', '/policies/privacy/revisions', {
      token: TOKENS.publisher,
      body: { texts, change: 'material', notify },
    });
    if (res.status !== 201) throw new Error(`publishing privacy failed: ${res.status} ${res.text}`);
  }
}
