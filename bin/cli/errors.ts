/**
 * How the CLI fails: every failure is one line on stderr and an exit code a script can branch on.
 * The codes are documented in docs/CLI.md; keep the two in step.
 */
export const EXIT = {
  OK: 0,
  /** The API refused the request, the service could not be reached, or something unexpected broke. */
  FAILURE: 1,
  /** Bad arguments, an unreadable input file, a CSV whose header is unusable, a missing token. */
  USAGE: 2,
  /** `customers import` finished but rejected some rows. */
  PARTIAL: 3,
  /** `notification --watch` gave up waiting (`--timeout`). */
  TIMEOUT: 4,
  /** Interrupted with Ctrl-C. */
  INTERRUPTED: 130,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.USAGE);

/** Messages come from files, servers and exceptions: keep them to one printable line. */
export function oneLine(text: string, max = 500): string {
  const flat = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
