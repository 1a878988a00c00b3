/**
 * A typed client for the policy-notify API. Operations, paths and roles come from the route table;
 * request and response types from the same zod schemas the OpenAPI document (docs/openapi.json) is
 * generated from, so the client cannot drift from the document.
 *
 *   const api = new PolicyClient({ baseUrl: process.env.POLICY_API_URL!, token: process.env.POLICY_APP_TOKEN });
 *   if ((await api.mustAcknowledge('user-42', 'privacy')).mustAcknowledge) { ... }
 *
 * Retries: 429 always (the request was not processed), 5xx and dropped connections only for requests
 * that are safe to repeat (GET, PUT, DELETE and POSTs the route table marks idempotent), with exponential
 * backoff or the server's Retry-After. Errors carry the status, the API's error code and the request id.
 */
import type { infer as Infer, input as Input, ZodMiniType } from '../functions/domain/schema';
import type { Contract } from '../functions/http/contract';
import { type Route, routes } from '../functions/http/routes';

export type OperationName = keyof Contract;
type RouteOf<O extends OperationName> = Extract<(typeof routes)[number], { op: O }>;
type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}`
  ? N | ParamNames<Rest>
  : never;
type Responses<O extends OperationName> = Contract[O]['responses'];
type BodyOf<R> =
  | (R extends { schema: infer S extends ZodMiniType } ? Infer<S> : never)
  | (R extends { text: readonly string[] } ? string : never);

/** A success answer of operation O: the status and its body, typed per status. */
export type Success<O extends OperationName> = {
  [S in keyof Responses<O> & number]: {
    status: S;
    data: BodyOf<Responses<O>[S]>;
    contentType: string;
    requestId: string | undefined;
  };
}[keyof Responses<O> & number];

/** The JSON body of status S of operation O. */
export type ResponseBody<O extends OperationName, S extends keyof Responses<O>> = BodyOf<Responses<O>[S]>;

export type RequestOf<O extends OperationName> = ([ParamNames<RouteOf<O>['path']>] extends [never]
  ? { params?: undefined }
  : { params: Record<ParamNames<RouteOf<O>['path']>, string | number> }) &
  (Contract[O] extends { query: infer Q }
    ? { query?: { [K in keyof Q]?: string | number | undefined } }
    : {
        query?: undefined;
      }) &
  (Contract[O] extends { body: infer B extends ZodMiniType } ? { body: Input<B> } : { body?: undefined }) & {
    signal?: AbortSignal;
  };

export type AcknowledgmentStatus = ResponseBody<'status', 200>;
export type Acknowledgment = ResponseBody<'acknowledge', 201>;
export type AcknowledgeInput = RequestOf<'acknowledge'>['body'];
export type Customer = ResponseBody<'putCustomer', 201>;
export type CustomerInput = RequestOf<'putCustomer'>['body'];

export interface ErrorDetail {
  path: string;
  message: string;
}

/** The API answered with an error status: `409 NO_CHANGES — every text equals version 3's`. */
export class PolicyApiError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    /** The API's error code (`VALIDATION_FAILED`…), or `HTTP_ERROR` when the answer was not the API's error shape. */
    readonly code: string,
    readonly apiMessage: string,
    readonly details: ErrorDetail[],
    /** The request's id (`x-request-id`), to find it in the service's logs. */
    readonly requestId: string | undefined,
  ) {
    super(
      `${status} ${code} — ${describeApiError(apiMessage, details)}${requestId ? ` (request ${requestId})` : ''}`,
    );
    this.name = 'PolicyApiError';
  }
}

/** No answer: the connection failed or timed out (after the retries the request allowed). */
export class PolicyNetworkError extends Error {
  constructor(
    readonly operation: string,
    readonly baseUrl: string,
    /** `ECONNREFUSED`, `ENOTFOUND`, … or `TIMEOUT`. */
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(`cannot reach ${baseUrl}: ${code}`, options);
    this.name = 'PolicyNetworkError';
  }
}

/** The message plus the field paths that explain it, on one line. */
export function describeApiError(message: string, details: ErrorDetail[]): string {
  const extra = details
    .filter((d) => d.message && !message.includes(d.message))
    .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
  return (extra.length > 0 ? `${message} (${extra.join('; ')})` : message).replace(/\s+/g, ' ').trim();
}

export interface PolicyClientOptions {
  /** The API's base URL, e.g. `https://policies.example.com` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The app (or publisher) bearer token; public operations need none. */
  token?: string | undefined;
  /** Attempts after the first (default 3). */
  retries?: number;
  /** First backoff delay; doubled each retry, capped at 8 s (default 200 ms). */
  backoffMs?: number;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** How to wait between attempts (tests inject a fake). */
  sleep?: (ms: number) => Promise<void>;
}

const RETRY_AFTER_CAP_MS = 10_000;
const MAX_BACKOFF_MS = 8_000;
/** The service is simply not there: retrying only delays the answer. */
const NOT_THERE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const byOp = new Map<string, Route>((routes as readonly Route[]).map((r) => [r.op, r]));

export class PolicyClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(opts: PolicyClientOptions) {
    const url = new URL(opts.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`baseUrl must be an http(s) URL, not '${url.protocol}'`);
    // Credentials in the URL are not how this API authenticates, and must never be echoed in errors.
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.#token = opts.token;
    this.#retries = opts.retries ?? 3;
    this.#backoffMs = opts.backoffMs ?? 200;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#fetch = opts.fetch ?? ((url, init) => fetch(url, init));
    this.#sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Calls an operation by its id; resolves with a 2xx answer, rejects with PolicyApiError or PolicyNetworkError. */
  async call<O extends OperationName>(op: O, req: RequestOf<O> = {} as RequestOf<O>): Promise<Success<O>> {
    const route = byOp.get(op);
    if (!route) throw new TypeError(`unknown operation ${op}`);
    const { params, query, body, signal } = req as {
      params?: Record<string, string | number>;
      query?: Record<string, string | number | undefined>;
      body?: unknown;
      signal?: AbortSignal;
    };
    const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = params?.[name];
      if (value === undefined || value === '') throw new TypeError(`${op} needs the path parameter ${name}`);
      return encodeURIComponent(String(value));
    });
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json, text/*;q=0.9' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const repeatable = route.method !== 'POST' || route.idempotent === true;

    for (let attempt = 0; ; attempt++) {
      const retriesLeft = attempt < this.#retries;
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(this.#timeoutMs);
        res = await this.#fetch(url.href, {
          method: route.method,
          headers,
          body: payload,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (e) {
        if (signal?.aborted) throw e;
        const code = networkCode(e);
        if (repeatable && retriesLeft && !NOT_THERE.has(code)) {
          await this.#sleep(this.#delay(attempt));
          continue;
        }
        throw new PolicyNetworkError(op, this.baseUrl, code, { cause: e });
      }
      const retryable = res.status === 429 || (res.status >= 500 && repeatable);
      if (retryable && retriesLeft) {
        await res.body?.cancel();
        await this.#sleep(retryAfterMs(res.headers.get('retry-after')) ?? this.#delay(attempt));
        continue;
      }
      const text = await res.text();
      const contentType = res.headers.get('content-type') ?? '';
      const requestId = res.headers.get('x-request-id') ?? res.headers.get('apigw-requestid') ?? undefined;
      const json = /json/i.test(contentType) ? safeJson(text) : undefined;
      if (res.status >= 400) throw toApiError(op, res, text, contentType, json, requestId);
      return {
        status: res.status,
        data: json === undefined ? text : json,
        contentType,
        requestId,
      } as Success<O>;
    }
  }

  /** Must this user acknowledge the policy (again)? The login-time check: read `.mustAcknowledge`. */
  async mustAcknowledge(userId: string, policyId: string): Promise<AcknowledgmentStatus> {
    return (await this.call('status', { params: { userId, policyId } })).data;
  }

  /** Records that the user accepted a version; repeating it returns the first record (`created: false`). */
  async acknowledge(
    userId: string,
    input: AcknowledgeInput,
  ): Promise<{ created: boolean; acknowledgment: Acknowledgment }> {
    const res = await this.call('acknowledge', { params: { userId }, body: input });
    return { created: res.status === 201, acknowledgment: res.data };
  }

  /** Registers (or updates) the customer who gets change emails. */
  async registerCustomer(
    userId: string,
    input: CustomerInput,
  ): Promise<{ created: boolean; customer: Customer }> {
    const res = await this.call('putCustomer', { params: { userId }, body: input });
    return { created: res.status === 201, customer: res.data };
  }

  #delay(attempt: number): number {
    return Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2 ** attempt);
  }
}

function networkCode(e: unknown): string {
  const err = e as { name?: string; code?: unknown; cause?: { code?: unknown } };
  if (err?.name === 'TimeoutError') return 'TIMEOUT';
  const code = err?.code ?? err?.cause?.code;
  return typeof code === 'string' ? code : 'NETWORK_ERROR';
}

function retryAfterMs(header: string | null): number | undefined {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0
    ? Math.min(seconds * 1000, RETRY_AFTER_CAP_MS)
    : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(
  op: string,
  res: Response,
  text: string,
  contentType: string,
  json: unknown,
  requestId: string | undefined,
): PolicyApiError {
  const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } })?.error;
  if (error && typeof error.code === 'string') {
    const details = Array.isArray(error.details)
      ? error.details
          .filter((d): d is ErrorDetail => typeof d?.message === 'string')
          .map((d) => ({ path: String(d.path ?? ''), message: d.message }))
      : [];
    return new PolicyApiError(op, res.status, error.code, String(error.message ?? ''), details, requestId);
  }
  // Not the API's error shape (a proxy, a load balancer, another server on that port).
  const snippet = /html/i.test(contentType) ? '' : text.replace(/\s+/g, ' ').trim().slice(0, 160);
  return new PolicyApiError(
    op,
    res.status,
    'HTTP_ERROR',
    snippet || res.statusText || 'unexpected answer',
    [],
    requestId,
  );
}
