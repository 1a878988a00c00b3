/** What a command gets: where to write, which endpoint, and an API client holding the right token. */
import type { OptionSpec, Parsed } from './args';
import { usageError } from './errors';
import { ApiClient } from './http';

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
  client(role: Role | 'public'): ApiClient {
    if (role === 'public') return new ApiClient({ endpoint: this.globals.endpoint });
    const env = this.io.env;
    const token = this.globals.token || env.POLICY_TOKEN || env[ROLE_ENV[role]];
    if (!token) {
      throw usageError(
        `${this.command} needs a${role === 'app' ? 'n app' : ' publisher'} token: pass --token or set POLICY_TOKEN or ${ROLE_ENV[role]}`,
      );
    }
    return new ApiClient({ endpoint: this.globals.endpoint, token });
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
