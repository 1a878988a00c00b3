/**
 * The console's script in the read function's Lambda asset (issue 13 item 3): the asset build runs the
 * same esbuild command CDK's afterBundling hook runs (lib/console-bundle.ts), and the bundled handler
 * code reads the file beside itself, as it does in Lambda.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildBuildOptions } from '../../lib/bundling';
import { buildConsoleScript, CONSOLE_ASSET, consoleBundleCommand } from '../../lib/console-bundle';
import { PROJECT_ROOT } from '../../lib/policy-function';

const work = mkdtempSync(join(tmpdir(), 'policy-notify-console-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the console script in the read function asset', () => {
  it('is built by the asset hook command and read by the bundled handler code from beside itself', async () => {
    const root = PROJECT_ROOT.replace(/\/$/, '');
    const hook = spawnSync('bash', ['-c', consoleBundleCommand(root, work)], { encoding: 'utf8' });
    expect(hook.status, hook.stderr).toBe(0);
    const asset = readFileSync(join(work, CONSOLE_ASSET), 'utf8');
    // The same build as the local server's: one script, minified, no module syntax, no Node import.
    expect(asset).toBe(buildConsoleScript());
    expect(asset).not.toMatch(/^import |\bexport \{|require\("node:/m);
    expect(asset).toContain('confirm-dialog');

    await build({
      ...esbuildBuildOptions(),
      stdin: {
        contents: `import { fileBesideHandler } from './functions/handlers/read';
          export const probe = () => fileBesideHandler('${CONSOLE_ASSET}')();`,
        resolveDir: PROJECT_ROOT,
        sourcefile: 'probe.ts',
        loader: 'ts',
      },
      outfile: join(work, 'index.mjs'),
      logLevel: 'error',
    });
    // Powertools comes from its Lambda layer (/opt/nodejs/node_modules), not the bundle: here the
    // project's packages stand in for the layer, beside the asset.
    symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
    const script = 'const m = await import(process.argv[1]); process.stdout.write(m.probe());';
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', script, pathToFileURL(join(work, 'index.mjs')).href],
      { encoding: 'utf8', env: { PATH: process.env.PATH, AWS_REGION: 'ap-southeast-1' } },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(asset);
  });
});
