/**
 * The HTTP client every command uses: bearer token, JSON bodies, the contract's error shape turned into
 * one readable line, and bounded retries of idempotent requests when the network or a proxy hiccups.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { CliError, oneLine, usageError } from './errors';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** The API answered with an error status: `409 NO_CHANGES — every text equals version 3's`. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(`${status} ${code} — ${describeApiError(apiMessage, details)}`);
    this.name = 'ApiError';
  }
}

/** The message plus the field paths that explain it, on one line. */
export function describeApiError(message: string, details: ErrorDetail[]): string {
  const extra = details
    .filter((d) => d.message && !message.includes(d.message))
    .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
  return oneLine(extra.length > 0 ? `${message} (${extra.join('; ')})` : message);
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Retry network failures and 429/502/503/504; only for requests that are safe to repeat. */
  retry?: boolean;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: the callers read the contract's documented fields
  json: any;
}

export interface ApiClientOptions {
  endpoint: string;
  token?: string | undefined;
  timeoutMs?: number;
  /** Delays before each retry; its length is the number of retries. */
  retryDelaysMs?: number[];
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const WHY: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the service running? start it with npm start)',
  ENOTFOUND: 'unknown host (check --endpoint or POLICY_API_URL)',
  EAI_AGAIN: 'host name lookup failed (check --endpoint or your network)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the connection was reset',
};
/** The service is simply not there: retrying only delays the explanation. */
const NOT_THERE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ApiClient {
  /** The base URL, without any user:password part (so it can be shown in errors). */
  readonly endpoint: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #retryDelaysMs: number[];

  constructor(opts: ApiClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.endpoint);
    } catch {
      throw usageError(`--endpoint is not a URL: '${oneLine(opts.endpoint, 100)}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw usageError(`--endpoint must be an http(s) URL, not '${url.protocol}'`);
    }
    // Credentials in the URL are not how this API authenticates, and must never be echoed in errors.
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    this.endpoint = url.href.replace(/\/+$/, '');
    this.#token = opts.token;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#retryDelaysMs = opts.retryDelaysMs ?? [250, 1000];
  }

  /** Any status the caller may want to look at (2xx); errors become an ApiError. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse> {
    const url = new URL(this.endpoint + path);
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json, text/*;q=0.9' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let body: Buffer | undefined;
    if (opts.body !== undefined) {
      body = Buffer.from(JSON.stringify(opts.body), 'utf8');
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.length);
    }

    const delays = opts.retry ? this.#retryDelaysMs : [];
    for (let attempt = 0; ; attempt++) {
      let res: RawResponse;
      try {
        res = await send(url, method, headers, body, this.#timeoutMs);
      } catch (e) {
        const failure = this.#networkFailure(e);
        if (attempt < delays.length && !failure.notThere) {
          await sleep(delays[attempt]!);
          continue;
        }
        throw failure.error;
      }
      if (RETRY_STATUS.has(res.status) && attempt < delays.length) {
        await sleep(retryAfterMs(res.headers['retry-after']) ?? delays[attempt]!);
        continue;
      }
      const contentType = String(res.headers['content-type'] ?? '');
      const json = parseJson(res.text, contentType);
      if (res.status >= 400) throw toApiError(res, contentType, json);
      return { status: res.status, contentType, text: res.text, json };
    }
  }

  #networkFailure(e: unknown): { error: CliError; notThere: boolean } {
    if (e instanceof RequestTimeout) {
      return {
        error: new CliError(`no answer from ${this.endpoint} within ${this.#timeoutMs / 1000} s`),
        notThere: false,
      };
    }
    const code = (e as { code?: string })?.code ?? '';
    const notThere = NOT_THERE.has(code);
    const why = WHY[code] ?? (code || oneLine(e instanceof Error ? e.message : String(e), 120));
    return { error: new CliError(`cannot reach ${this.endpoint}: ${why}`), notThere };
  }
}

interface RawResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  text: string;
}

class RequestTimeout extends Error {}

// node:http rather than fetch: an import sends thousands of small requests, and fetch costs several
// times the CPU per request (measured: ~2 ms against ~0.5 ms), CPU the service on the same laptop needs.
const agents = {
  'http:': new HttpAgent({ keepAlive: true }),
  'https:': new HttpsAgent({ keepAlive: true }),
};

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = requestFn(
      url,
      { method, headers, agent: agents[url.protocol as 'http:' | 'https:'] },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new RequestTimeout()));
    req.on('error', reject);
    req.end(body);
  });
}

function parseJson(text: string, contentType: string): unknown {
  if (!/json/i.test(contentType)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(res: RawResponse, contentType: string, json: unknown): ApiError {
  const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } })?.error;
  if (error && typeof error.code === 'string') {
    const details = Array.isArray(error.details)
      ? error.details
          .filter((d): d is ErrorDetail => typeof d?.message === 'string')
          .map((d) => ({ path: String(d.path ?? ''), message: d.message }))
      : [];
    return new ApiError(res.status, error.code, String(error.message ?? ''), details);
  }
  // Not the contract's error shape (a proxy, a load balancer, a different server on that port).
  const snippet = /html/i.test(contentType) ? '' : oneLine(res.text, 160);
  return new ApiError(res.status, 'HTTP_ERROR', snippet || res.statusText || 'unexpected answer');
}

function retryAfterMs(header: string | undefined): number | undefined {
  const value = Number(header);
  return Number.isFinite(value) && value > 0 ? Math.min(value, 10) * 1000 : undefined;
}

/** A path segment: ids are validated by the API, the CLI only makes sure they stay one segment. */
export const seg = (value: string | number) => encodeURIComponent(String(value));
