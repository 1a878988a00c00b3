/**
 * The local HTTP front door: what API Gateway does in AWS. It matches the route table, maps the bearer
 * token to a role (the authorizer's job), turns the node:http request into an API Gateway v2 event and
 * calls the very Lambda handler for the route's function.
 */
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiEvent,
  type ApiResponse,
  errorResponse,
  MAX_BODY_BYTES,
  PAYLOAD_TOO_LARGE_MESSAGE,
  unmatchedResponse,
} from '../../functions/http/api';
import { resolveRole, type TokenSet } from '../../functions/http/auth';
import { htmlErrorPage } from '../../functions/http/error-pages';
import { type FunctionName, matchRoute, type Route, routeKey } from '../../functions/http/routes';

export type ApiHandlers = Record<FunctionName, (event: ApiEvent) => Promise<ApiResponse>>;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** What the event needs of a request: a node:http IncomingMessage, or an in-process request (tests). */
export interface RequestInfo {
  headers: IncomingHttpHeaders;
  httpVersion: string;
  socket: { remoteAddress?: string | undefined };
}

export function toApiEvent(
  req: RequestInfo,
  url: URL,
  route: Route,
  pathParameters: Record<string, string>,
  body: Buffer,
  role: string | null,
): ApiEvent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: routeKey(route),
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { lambda: role ? { role } : {} },
    },
    ...(body.length > 0
      ? { body: body.toString('utf8'), isBase64Encoded: false }
      : { isBase64Encoded: false }),
  };
}

function send(res: ServerResponse, response: ApiResponse) {
  const headers = { ...(response.headers as Record<string, string> | undefined) };
  res.writeHead(response.statusCode, headers);
  // As API Gateway does: a base64 body (a large response, see compactPayload) goes out decoded.
  res.end(response.isBase64Encoded ? Buffer.from(response.body, 'base64') : response.body);
}

/**
 * Routes one request the way API Gateway would (route match, token → role, event) and calls the route's
 * function. The HTTP server calls it for every request; tests and the fuzz suite call it in-process.
 */
export async function dispatch(
  handlers: ApiHandlers,
  tokens: TokenSet,
  req: RequestInfo & { method: string; url: string },
  body: Buffer,
): Promise<ApiResponse> {
  const url = new URL(req.url, 'http://localhost');
  const match = matchRoute(req.method, url.pathname);
  if (match.kind !== 'found')
    return unmatchedResponse(
      match,
      {
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { 'accept-language': [req.headers['accept-language'] ?? ''].flat().join(',') },
      },
      htmlErrorPage,
    );
  if (body.length > MAX_BODY_BYTES)
    return errorResponse('PAYLOAD_TOO_LARGE', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  const authorization = req.headers.authorization;
  const role = match.route.role === 'public' ? null : resolveRole(authorization, tokens);
  const event = toApiEvent(req, url, match.route, match.pathParameters, body, role);
  return handlers[match.route.fn](event);
}

export function createLocalServer(handlers: ApiHandlers, tokens: TokenSet): Server {
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (matchRoute(req.method ?? 'GET', url.pathname).kind !== 'found') {
        req.resume();
        return send(
          res,
          await dispatch(
            handlers,
            tokens,
            { ...requestInfo(req), method: req.method ?? 'GET', url: req.url ?? '/' },
            Buffer.alloc(0),
          ),
        );
      }
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          res.setHeader('connection', 'close');
          return send(res, errorResponse('PAYLOAD_TOO_LARGE', PAYLOAD_TOO_LARGE_MESSAGE));
        }
        throw e;
      }
      send(
        res,
        await dispatch(
          handlers,
          tokens,
          { ...requestInfo(req), method: req.method ?? 'GET', url: req.url ?? '/' },
          body,
        ),
      );
    } catch {
      send(res, errorResponse('INTERNAL_ERROR', 'internal error'));
    }
  });
}

const requestInfo = (req: IncomingMessage): RequestInfo => ({
  headers: req.headers,
  httpVersion: req.httpVersion,
  socket: { remoteAddress: req.socket.remoteAddress },
});

export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
