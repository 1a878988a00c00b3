import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { nestedRunEnv } from '../support/nested-run';

const root = fileURLToPath(new URL('../..', import.meta.url));
const reporter = join(root, 'test/support/summary-reporter.ts');

describe('summary reporter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'summary-reporter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A real vitest run over `files` (with globals, as they live outside the project), this reporter last. */
  function vitest(files: Record<string, string>) {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        dir,
        '--globals',
        '--reporter=default',
        `--reporter=${reporter}`,
      ],
      { cwd: dir, encoding: 'utf8', env: nestedRunEnv({ NO_COLOR: '1', CI: 'true' }), timeout: 120_000 },
    );
    return { code: r.status, stdout: r.stdout, lines: r.stdout.trimEnd().split('\n') };
  }

  it('counts and names a file that fails to load, and fails the run', { timeout: 120_000 }, () => {
    const run = vitest({
      'ok.test.ts': "it('passes', () => { expect(1).toBe(1); });\nit('passes too', () => {});\n",
      'broken.test.ts': "import './missing-module';\nit('never runs', () => {});\n",
      'failing.test.ts': "it('fails', () => { expect(1).toBe(2); });\n",
    });
    expect(run.code).not.toBe(0);
    expect(run.lines.at(-1)).toBe('2 passed, 2 failed');
    expect(run.stdout).toContain(
      '1 test file(s) failed outside their tests (did not load, or a hook failed):\n  broken.test.ts\n',
    );
  });

  it('exits 0 with no failure when every file loads and passes', { timeout: 120_000 }, () => {
    rmSync(join(dir, 'broken.test.ts'));
    rmSync(join(dir, 'failing.test.ts'));
    const run = vitest({});
    expect(run.code).toBe(0);
    expect(run.lines.at(-1)).toBe('2 passed, 0 failed');
    expect(run.stdout).not.toContain('failed outside');
  });

  it('names skipped suites and counts their tests just above the last line, never a silent pass', {
    timeout: 120_000,
  }, () => {
    const run = vitest({
      'skipped.test.ts':
        "describe.skipIf(true)('needs a tool (skipped: not installed)', () => { it('a', () => {}); it('b', () => {}); });\n",
    });
    expect(run.code).toBe(0);
    // The last line keeps the form CI reads; the skipped ones are listed right above it.
    expect(run.lines.slice(-3)).toEqual([
      '2 test(s) skipped:',
      '  skipped.test.ts > needs a tool (skipped: not installed)',
      '2 passed, 0 failed',
    ]);
  });
});
