/**
 * Lambda REQUEST authorizer of the HTTP API (simple responses). Resolves the bearer token to a role
 * with the same `resolveRole` the local server uses, against tokens kept in a Secrets Manager secret
 * (`{"app": [...], "publisher": [...]}`, each also accepted as a single string), cached in memory for
 * TOKEN_CACHE_TTL_MS. When the secret cannot be read once that time is up, it fails closed.
 *
 * It authorizes every request and reports the role in the context — `none` for a missing or unknown
 * token — so the API function answers API.md's 401 UNAUTHENTICATED / 403 FORBIDDEN JSON itself rather
 * than API Gateway answering `{"message":"Forbidden"}`.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { authorizerFromEnv } from '../composition/authorizer';
import { lazyHandler } from '../composition/handler';
import { DEFAULTS } from '../domain/defaults';
import type { AuthorizerContext } from '../http/api';
import { resolveRole, type TokenSet } from '../http/auth';
import { createLogger, describeError } from '../http/log';

export const NO_ROLE = 'none';
export const DEFAULT_TOKEN_CACHE_TTL_MS = DEFAULTS.tokenCacheTtlMs;

/** The context the API function reads (functions/http/api.ts); the authorizer always sets the role. */
export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<Required<AuthorizerContext>>;

const logger = createLogger('authorizer');

/**
 * A role's tokens: a list, or a single string (the form CloudFormation generates for the first publisher
 * token). Blank entries are ignored.
 */
function tokenList(value: unknown, role: keyof TokenSet): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string'))
    throw new Error(`the API token secret's "${role}" must be a list of strings`);
  return list.map((t) => t.trim()).filter((t) => t.length > 0);
}

/** Parses the secret; errors name the problem but never echo the secret's content. */
export function parseTokenSet(secretString: string | undefined): TokenSet {
  let json: unknown;
  try {
    json = JSON.parse(secretString ?? '');
  } catch {
    throw new Error('the API token secret is not JSON; expected {"app": [...], "publisher": [...]}');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error('the API token secret must be a JSON object: {"app": [...], "publisher": [...]}');
  const record = json as Record<string, unknown>;
  return { app: tokenList(record.app, 'app'), publisher: tokenList(record.publisher, 'publisher') };
}

export function secretsManagerTokens(
  client: SecretsManagerClient,
  secretId: string,
): () => Promise<TokenSet> {
  return async () => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return parseTokenSet(out.SecretString);
  };
}

/**
 * CloudWatch namespace and name of the metric the fail-closed path emits (lib/alarms.ts alarms on
 * Sum >= 1): the deployment's metrics namespace (POWERTOOLS_METRICS_NAMESPACE), PolicyNotify by default.
 */
export const METRIC_NAMESPACE = 'PolicyNotify';
export const SECRET_UNAVAILABLE_METRIC = 'AuthorizerSecretUnavailable';

/** No token matches an empty set: every request is unauthenticated. */
const NO_TOKENS: TokenSet = { app: [], publisher: [] };

/**
 * One CloudWatch embedded-metric-format line: CloudWatch Logs turns it into a metric without any API
 * call, so it works even when the function has lost its other AWS access.
 */
export function emitSecretUnavailable(
  write: (line: string) => void,
  at: number,
  namespace: string = METRIC_NAMESPACE,
) {
  write(
    JSON.stringify({
      _aws: {
        Timestamp: at,
        CloudWatchMetrics: [
          {
            Namespace: namespace,
            Dimensions: [['service']],
            Metrics: [{ Name: SECRET_UNAVAILABLE_METRIC, Unit: 'Count' }],
          },
        ],
      },
      service: 'authorizer',
      [SECRET_UNAVAILABLE_METRIC]: 1,
    }),
  );
}

/**
 * Serves tokens from memory for `ttlMs`, then reloads; concurrent callers share one load. It fails
 * closed: when the secret cannot be read and the cached copy is older than its TTL (or there is none),
 * no token is accepted, so a token that was revoked while the secret was unreadable is never honoured
 * (every request gets 401), and each such refusal emits the `AuthorizerSecretUnavailable` metric.
 */
export function cachedTokens(
  load: () => Promise<TokenSet>,
  ttlMs: number,
  now: () => number = Date.now,
  writeMetric: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  /** The deployment's metrics namespace (POWERTOOLS_METRICS_NAMESPACE, parsed by the composition root). */
  metricNamespace: string = METRIC_NAMESPACE,
): () => Promise<TokenSet> {
  let cached: { tokens: TokenSet; expiresAt: number } | undefined;
  let inflight: Promise<TokenSet> | undefined;
  return async () => {
    if (cached && now() < cached.expiresAt) return cached.tokens;
    inflight ??= load()
      .then((tokens) => {
        cached = { tokens, expiresAt: now() + ttlMs };
        return tokens;
      })
      .catch((e: unknown) => {
        logger.error('the API token secret cannot be read; refusing every token', describeError(e));
        emitSecretUnavailable(writeMetric, now(), metricNamespace);
        return NO_TOKENS;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
}

function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

export function createAuthorizer(
  tokens: () => Promise<TokenSet>,
): (event: APIGatewayRequestAuthorizerEventV2) => Promise<AuthorizerResult> {
  return async (event) => {
    const role = resolveRole(header(event.headers, 'authorization'), await tokens()) ?? NO_ROLE;
    return { isAuthorized: true, context: { role } };
  };
}

export const handler = lazyHandler<APIGatewayRequestAuthorizerEventV2, AuthorizerResult>(() =>
  authorizerFromEnv(),
);
