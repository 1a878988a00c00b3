/**
 * The HTTP primary adapter shared by every API function: decodes an API Gateway v2 event, checks the
 * role the authorizer put in the request context, parses the body, runs the route's operation and
 * encodes the result or the error. The local server (bin/local) builds the same events and calls the
 * same handlers, so nothing about HTTP behaviour is local-only.
 */
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { DomainError, type ErrorCode, type ErrorDetail } from '../domain/errors';
import { createLogger, describeError, type Logger } from './log';
import {
  type FunctionName,
  isPageAddress,
  matchRoute,
  type OperationName,
  type Role,
  type Route,
  type RouteMatch,
  routeKey,
  routes,
} from './routes';

/** What the Lambda authorizer (functions/handlers/authorizer.ts) passes on: the caller's role. */
export type AuthorizerContext = { role?: string };
export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/**
 * Lambda's synchronous invocation payload is limited to 6 MB, event envelope included: a body that
 * reaches the function is below it, and the local server refuses the same bodies Lambda would.
 */
export const MAX_BODY_BYTES = 6_000_000;
export const PAYLOAD_TOO_LARGE_MESSAGE = `request bodies are limited to ${MAX_BODY_BYTES} bytes (6 MB, the synchronous payload limit of AWS Lambda)`;

export interface ApiRequest {
  route: Route;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body (POST/PUT), undefined otherwise. */
  body: unknown;
  role: Role;
  requestId: string;
}

export interface ApiResult {
  status: number;
  /** JSON-encoded unless `contentType` says otherwise (then it must be a string). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Operation<D> = (req: ApiRequest, deps: D) => Promise<ApiResult>;

/**
 * A page route's failure, with what its error page needs from the operation: the policy the address
 * names (when it exists) and its default language. `failure` is the error itself (status, logging).
 */
export class PageFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly page: { policyId?: string; policyLocale?: string },
  ) {
    super('page failed', { cause: failure });
    this.name = 'PageFailure';
  }
}
export type Operations<D> = Partial<Record<OperationName, Operation<D>>>;

/** The status code of each error code (the OpenAPI generator documents errors with it too). */
export const statusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NO_CHANGES: 409,
  VERSION_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
};

export const baseHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResponse {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...baseHeaders,
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export function errorResponse(
  code: ErrorCode | 'INTERNAL_ERROR',
  message: string,
  details: ErrorDetail[] = [],
) {
  const status = code === 'INTERNAL_ERROR' ? 500 : statusOf[code];
  return jsonResponse(status, { error: { code, message, details } });
}

const roles: readonly Role[] = ['public', 'app', 'publisher'];

/**
 * The role comes only from the authorizer context (API Gateway in AWS, the local server's token check
 * locally); a request that reached the function without one is unauthenticated.
 */
export function authorize(route: Route, context: AuthorizerContext | undefined): Role {
  if (route.role === 'public') return 'public';
  const role = context?.role;
  if (!role || !roles.includes(role as Role) || role === 'public')
    throw new DomainError('UNAUTHENTICATED', 'a valid bearer token is required');
  if (role !== route.role) throw new DomainError('FORBIDDEN', `this route needs the ${route.role} role`);
  return role as Role;
}

function parseBody(event: ApiEvent, headers: Record<string, string>): unknown {
  const raw =
    event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
  const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.length;
  if (size > MAX_BODY_BYTES) throw new DomainError('PAYLOAD_TOO_LARGE', PAYLOAD_TOO_LARGE_MESSAGE);
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json'))
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json');
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'the request body is not valid JSON', [
      { path: '', message: 'malformed JSON' },
    ]);
  }
}

export const lowerKeys = (h: Record<string, string | undefined> | undefined) =>
  Object.fromEntries(
    Object.entries(h ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])),
  );

/** What the answer to an unmatched request looks at: a page address gets a page. */
export interface UnmatchedRequest {
  method: string;
  path: string;
  query?: Record<string, string | undefined> | undefined;
  headers?: Record<string, string | undefined> | undefined;
}

/**
 * The HTML page that answers a person who followed a link (a page route that failed, a mistyped page
 * address) instead of the JSON error, with the same status: `page` names the policy the address names
 * (when it exists) and its default language. Only the function that serves pages (read, which also
 * takes API Gateway's `$default` route) and the local server pass one (functions/http/error-pages.ts):
 * the other functions carry no page code.
 */
export type ErrorPageRenderer = (
  failure: ApiResponse,
  request: Pick<UnmatchedRequest, 'query' | 'headers'>,
  page: { policyId?: string; policyLocale?: string },
) => ApiResponse;

/**
 * The answer to a request no route of the table takes: 405 with an `Allow` header when the path is
 * known under other methods, else 404. The local server answers with it before calling a handler; in
 * AWS, API Gateway sends such requests to the `$default` route, whose handler answers the same way.
 */
export function unmatchedResponse(
  match: Exclude<RouteMatch, { kind: 'found' }>,
  request?: UnmatchedRequest,
  errorPage?: ErrorPageRenderer,
): ApiResponse {
  if (match.kind === 'not-found') {
    const failure = errorResponse('NOT_FOUND', 'no such route');
    if (!request || !errorPage || !isPageAddress(request.method, request.path)) return failure;
    // A mistyped link to a public page gets the 404 page, in the language asked for or the browser's.
    return errorPage(failure, request, {});
  }
  const allow = match.allowed.join(', ');
  const response = errorResponse('METHOD_NOT_ALLOWED', `allowed: ${allow}`);
  return { ...response, headers: { ...response.headers, allow } };
}

export function createApiHandler<D>(
  fn: FunctionName,
  operations: Operations<D>,
  deps: D,
  options: { logger?: Logger; errorPage?: ErrorPageRenderer } = {},
): (event: ApiEvent) => Promise<ApiResponse> {
  const { logger = createLogger(`api-${fn}`), errorPage } = options;
  const own = routes.filter((r) => r.fn === fn) as Route[];
  if (!errorPage && own.some((r) => r.page))
    throw new Error(`the ${fn} function serves pages: its handler needs an error page renderer`);
  const byKey = new Map(own.map((r) => [routeKey(r), r]));
  return async (event) => {
    const requestId = event.requestContext?.requestId ?? 'unknown';
    const route = byKey.get(event.routeKey);
    const operation = route ? operations[route.op as OperationName] : undefined;
    if (!route || !operation) {
      const method = event.requestContext?.http?.method ?? '';
      const match = matchRoute(method, event.rawPath ?? '');
      // A route of another function (or a path with an undecodable parameter) is not this one's to serve.
      return unmatchedResponse(
        match.kind === 'method-not-allowed' ? match : { kind: 'not-found' },
        { method, path: event.rawPath ?? '', query: event.queryStringParameters, headers: event.headers },
        errorPage,
      );
    }
    try {
      const role = authorize(route, event.requestContext?.authorizer?.lambda);
      const headers = lowerKeys(event.headers);
      const body = route.method === 'POST' || route.method === 'PUT' ? parseBody(event, headers) : undefined;
      const result = await operation(
        {
          route,
          params: definedValues(event.pathParameters),
          query: definedValues(event.queryStringParameters),
          headers,
          body,
          role,
          requestId,
        },
        deps,
      );
      return withRequestId(encode(result), requestId);
    } catch (caught) {
      const e = caught instanceof PageFailure ? caught.failure : caught;
      const failure =
        e instanceof DomainError
          ? errorResponse(e.code, e.message, e.details)
          : errorResponse('INTERNAL_ERROR', `internal error (request ${requestId})`);
      if (e instanceof DomainError)
        logger.info('request rejected', { requestId, op: route.op, code: e.code });
      else logger.error('request failed', { requestId, op: route.op, ...describeError(e) });
      if (!route.page || !errorPage) return withRequestId(failure, requestId);
      const page = caught instanceof PageFailure ? caught.page : {};
      return withRequestId(
        errorPage(failure, { query: event.queryStringParameters, headers: event.headers }, page),
        requestId,
      );
    }
  };
}

/**
 * Every answer names its request (API Gateway's request id in AWS): clients put it into their errors,
 * and it is the key to the function's log lines.
 */
function withRequestId(response: ApiResponse, requestId: string): ApiResponse {
  return { ...response, headers: { ...response.headers, 'x-request-id': requestId } };
}

/** The entries whose value is set (API Gateway gives parameters as optional strings). */
const definedValues = (h: Record<string, string | undefined> | undefined) =>
  Object.fromEntries(Object.entries(h ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])));

function encode(result: ApiResult): ApiResponse {
  if (result.status === 204) return { statusCode: 204, headers: { ...baseHeaders }, body: '' };
  if (result.contentType) {
    return compactPayload({
      statusCode: result.status,
      headers: { 'content-type': result.contentType, ...baseHeaders, ...result.headers },
      body: String(result.body ?? ''),
    });
  }
  return compactPayload(jsonResponse(result.status, result.body, result.headers));
}

/**
 * Lambda's 6 MB response limit applies to the whole payload, in which the body is a JSON string: each
 * `"`, `\` and line break of a large body costs two bytes (a JSON body's `\"` four). Base64 costs 4/3 of
 * the body whatever it holds, and API Gateway decodes it: a large body goes out in whichever is smaller.
 */
const COMPACT_FROM_BYTES = 1_000_000;
export function compactPayload(response: ApiResponse): ApiResponse {
  if (response.body.length * 3 < COMPACT_FROM_BYTES) return response;
  const raw = Buffer.from(response.body, 'utf8');
  if (raw.length < COMPACT_FROM_BYTES) return response;
  const asString = Buffer.byteLength(JSON.stringify(response.body), 'utf8');
  const asBase64 = Math.ceil(raw.length / 3) * 4 + 2;
  if (asBase64 >= asString) return response;
  return { ...response, body: raw.toString('base64'), isBase64Encoded: true };
}
