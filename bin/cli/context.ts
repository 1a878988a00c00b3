/** What a command gets: where to write, which endpoint, and an API client holding the right token. */
import {
  type ErrorDetail,
  type OperationName,
  PolicyApiError,
  PolicyClient,
  PolicyNetworkError,
  type RequestOf,
  type Success,
} from '../../client';
import { nodeFetch } from '../../client/node-fetch';
import type { OptionSpec, Parsed } from './args';
import { CliError, oneLine, usageError } from './errors';

export type Role = 'app' | 'publisher';

export interface OutStream {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on Ctrl-C: long commands stop cleanly and report what they did. */
  signal?: AbortSignal;
}

export interface Globals {
  endpoint: string;
  token: string | undefined;
  json: boolean;
}

export interface Command {
  /** As typed: `publish`, `customers import`. */
  name: string;
  summary: string;
  usage: string;
  /** The rest of `--help`: arguments, options, examples. */
  help: string;
  options: OptionSpec;
  run(ctx: Context, args: Parsed): Promise<number>;
}

const ROLE_ENV: Record<Role, string> = { app: 'POLICY_APP_TOKEN', publisher: 'POLICY_PUBLISHER_TOKEN' };

export class Context {
  constructor(
    readonly io: Io,
    readonly globals: Globals,
    readonly command: string,
  ) {}

  get json(): boolean {
    return this.globals.json;
  }

  /** A client for a route of `role`: --token, then POLICY_TOKEN, then the role's own variable. */
  client(role: Role | 'public'): CliApi {
    if (role === 'public') return new CliApi(this.globals.endpoint, undefined);
    const env = this.io.env;
    const token = this.globals.token || env.POLICY_TOKEN || env[ROLE_ENV[role]];
    if (!token) {
      throw usageError(
        `${this.command} needs a${role === 'app' ? 'n app' : ' publisher'} token: pass --token or set POLICY_TOKEN or ${ROLE_ENV[role]}`,
      );
    }
    return new CliApi(this.globals.endpoint, token);
  }

  /** Writes to stdout, waiting when the reader is slower than us (large exports into a pipe). */
  async out(text: string): Promise<void> {
    if (!this.io.stdout.write(text))
      await new Promise<void>((resolve) => this.io.stdout.once('drain', resolve));
  }

  /** A line of diagnostics on stderr. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  async printJson(value: unknown): Promise<void> {
    await this.out(`${JSON.stringify(value, null, 2)}\n`);
  }
}

/** The API refused a request: `409 NO_CHANGES — every text equals version 3's` (the client's error, as a CLI failure). */
export class ApiError extends CliError {
  readonly status: number;
  readonly code: string;
  readonly apiMessage: string;
  readonly details: ErrorDetail[];
  readonly requestId: string | undefined;

  constructor(e: PolicyApiError) {
    // The request id only helps with faults: a 4xx explains itself.
    const message = e.status >= 500 ? e.message : e.message.replace(/ \(request [^)]*\)$/, '');
    super(message);
    this.name = 'ApiError';
    this.status = e.status;
    this.code = e.code;
    this.apiMessage = e.apiMessage;
    this.details = e.details;
    this.requestId = e.requestId;
  }
}

const WHY: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the service running? start it with npm start)',
  ENOTFOUND: 'unknown host (check --endpoint or POLICY_API_URL)',
  EAI_AGAIN: 'host name lookup failed (check --endpoint or your network)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the connection was reset',
};
const TIMEOUT_MS = 30_000;

/** The typed client (client/) with the CLI's transport, retry settings and one-line failures. */
export class CliApi {
  readonly #client: PolicyClient;

  constructor(endpoint: string, token: string | undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw usageError(`--endpoint is not a URL: '${oneLine(endpoint, 100)}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw usageError(`--endpoint must be an http(s) URL, not '${url.protocol}'`);
    this.#client = new PolicyClient({
      baseUrl: endpoint,
      token,
      fetch: nodeFetch,
      retries: 2,
      backoffMs: 250,
      timeoutMs: TIMEOUT_MS,
    });
  }

  /** The base URL without credentials (safe to show). */
  get endpoint(): string {
    return this.#client.baseUrl;
  }

  async call<O extends OperationName>(op: O, req?: RequestOf<O>): Promise<Success<O>> {
    try {
      return await this.#client.call(op, req);
    } catch (e) {
      if (e instanceof PolicyApiError) throw new ApiError(e);
      if (e instanceof PolicyNetworkError) {
        if (e.code === 'TIMEOUT')
          throw new CliError(`no answer from ${this.endpoint} within ${TIMEOUT_MS / 1000} s`);
        const cause = e.cause instanceof Error ? e.cause.message : '';
        const why = WHY[e.code] ?? (e.code === 'NETWORK_ERROR' ? oneLine(cause || e.message, 120) : e.code);
        throw new CliError(`cannot reach ${this.endpoint}: ${why}`);
      }
      throw e;
    }
  }
}
