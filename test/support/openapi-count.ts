/**
 * Global setup: a directory where each test file that made HTTP calls records how many responses it
 * validated against docs/openapi.json (test/support/openapi.ts); the teardown prints the total.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

export function setup() {
  dir = mkdtempSync(join(tmpdir(), 'openapi-count-'));
  process.env.OPENAPI_COUNT_DIR = dir;
}

export function teardown() {
  if (!dir) return;
  const counts = readdirSync(dir).flatMap((f) =>
    readFileSync(join(dir!, f), 'utf8').split('\n').filter(Boolean).map(Number),
  );
  const total = counts.reduce((a, b) => a + b, 0);
  // On stderr: the summary reporter's `N passed, N failed` stays the last line of stdout.
  process.stderr.write(
    `openapi: ${total} HTTP responses from ${counts.length} test files validated against docs/openapi.json\n`,
  );
  rmSync(dir, { recursive: true, force: true });
}
