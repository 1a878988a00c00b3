/**
 * The repository stands on its own. A clone of the committed HEAD, in a temporary folder with nothing
 * beside it (so `../anything` does not exist), starts with `npm start`, runs the README tour and passes a
 * subset of the tests. `node_modules` is a symlink to this checkout's install: a full `npm ci` per run
 * would take minutes, and the dependencies are not what is under test.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestedRunEnv } from '../support/nested-run';
import { expectTourShown, runTour } from '../support/tour';

const root = fileURLToPath(new URL('../..', import.meta.url));

function git(args: string[], cwd = root) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the repository names nothing outside itself', () => {
  it('has no tracked file outside .ci/ that points into the shared folder beside the clone', () => {
    const r = git(['grep', '-n', String.raw`\.\./shared`, '--', '.', ':!.ci']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1); // git grep: 1 = no match (2 would be an error)
  });
});

describe('a fresh clone with nothing beside it', () => {
  const parent = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
  const clone = join(parent, 'repo');
  const dataDir = mkdtempSync(join(tmpdir(), 'fresh-clone-data-'));
  let service: ChildProcess | undefined;
  let apiUrl = '';
  let serviceLog = '';

  beforeAll(async () => {
    const head = git(['rev-parse', 'HEAD']).stdout.trim();
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(git(['clone', '-q', '--no-checkout', root, clone], parent).code).toBe(0);
    expect(git(['checkout', '-q', head], clone).code).toBe(0);
    symlinkSync(realpathSync(join(root, 'node_modules')), join(clone, 'node_modules'));
    expect(readdirSync(parent)).toEqual(['repo']);

    const [port, sesPort] = [await freePort(), await freePort()];
    // `npm start` as the README says, in its own process group so that its children stop with it.
    service = spawn('npm', ['start'], {
      cwd: clone,
      detached: true,
      env: {
        ...process.env,
        PORT: String(port),
        SES_PORT: String(sesPort),
        DATA_DIR: dataDir,
        POLICY_APP_TOKEN: 'app-dev-token',
        POLICY_PUBLISHER_TOKEN: 'pub-dev-token',
      },
    });
    apiUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${serviceLog}`)), 120_000);
      const onData = (d: Buffer) => {
        serviceLog += d.toString('utf8');
        const url = /API: +(http:\/\/\S+)/.exec(serviceLog)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      };
      service!.stdout!.on('data', onData);
      service!.stderr!.on('data', onData);
      service!.once('exit', (code) => reject(new Error(`npm start exited ${code}:\n${serviceLog}`)));
    });
  }, 180_000);

  afterAll(async () => {
    if (service?.pid !== undefined && service.exitCode === null) {
      const exited = new Promise((r) => service!.once('exit', r));
      process.kill(-service.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    rmSync(parent, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has the committed examples, nothing beside it and no policyctl bundle yet', () => {
    expect(existsSync(join(clone, 'examples/privacy-policy-v2.vi.txt'))).toBe(true);
    expect(existsSync(join(clone, '..', 'shared'))).toBe(false);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
  });

  it('serves the API started with npm start from the clone', async () => {
    expect(serviceLog).toContain(`data in ${dataDir}`);
    const res = await fetch(`${apiUrl}/health`);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('runs the README tour from the clone', { timeout: 240_000 }, async () => {
    expectTourShown(await runTour(clone, { ...process.env, POLICY_API_URL: apiUrl }));
    expect(existsSync(join(clone, 'dist/policyctl.mjs'))).toBe(true); // built on first use, in the clone
  });

  it('passes a subset of the tests in the clone, counted by its own summary line', {
    timeout: 240_000,
  }, () => {
    const subset = [
      'test/unit/diff.sections.test.ts',
      'test/unit/domain.test.ts',
      'test/unit/route-docs.test.ts',
    ];
    const r = spawnSync(process.execPath, [join(clone, 'node_modules/vitest/vitest.mjs'), 'run', ...subset], {
      cwd: clone,
      encoding: 'utf8',
      env: nestedRunEnv({ NO_COLOR: '1' }),
      timeout: 230_000,
    });
    const last = r.stdout.trimEnd().split('\n').at(-1);
    expect(last, r.stdout + r.stderr).toMatch(/^[1-9]\d* passed, 0 failed$/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Test Files  3 passed (3)');
  });
});
