/**
 * The README's tour must work as written: the README shows examples/tour.sh word for word, and the script
 * runs here, in bash, against a local service started on an empty data directory as the README says.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { call, startTestService } from '../support/service';
import { expectTourShown, runTour } from '../support/tour';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const script = readFileSync(new URL('../../examples/tour.sh', import.meta.url), 'utf8');
const tourBlock = /<!-- tour:start -->\s*```sh\n([\s\S]*?)```\s*<!-- tour:end -->/.exec(readme)?.[1];
const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;

describe('README tour text', () => {
  it('is examples/tour.sh word for word, which stops at its first failing command', () => {
    expect(tourBlock).toBe(script);
    expect(script.split('\n').find((l) => l !== '' && !l.startsWith('#'))).toBe('set -euo pipefail');
    expect(readme).toContain(
      'DATA_DIR=$(mktemp -d) POLICY_APP_TOKEN=app-dev-token POLICY_PUBLISHER_TOKEN=pub-dev-token npm start',
    );
  });

  it('reads only files that exist in the repository', () => {
    const files = [...script.matchAll(/=(examples\/[\w./-]+)/g)].map((m) => m[1]!);
    expect(new Set(files)).toEqual(
      new Set([
        'examples/privacy-policy.vi.txt',
        'examples/privacy-policy.en.txt',
        'examples/privacy-policy-v2.vi.txt',
        'examples/privacy-policy-v2.en.txt',
      ]),
    );
    for (const f of files) expect(readFileSync(join(root, f), 'utf8').length, f).toBeGreaterThan(1000);
  });
});

describe.runIf(hasCurl)('README tour', () => {
  const dirs: string[] = [];
  let service: LocalService | undefined;
  const start = async () => {
    await service?.stop();
    // `DATA_DIR=$(mktemp -d)`: a fresh, empty data directory on disk for every start.
    const dataDir = mkdtempSync(join(tmpdir(), 'tour-data-'));
    dirs.push(dataDir);
    service = await startTestService({
      dataDir,
      tokens: { app: ['app-dev-token'], publisher: ['pub-dev-token'] },
    });
    return service;
  };
  afterAll(async () => {
    await service?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('runs end to end and shows what it says it shows', { timeout: 180_000 }, async () => {
    const s = await start();
    // Asynchronously: the service runs in this process and must keep answering while bash runs.
    expectTourShown(await runTour(root, { ...process.env, POLICY_API_URL: s.url }));
    expect((await call(s, 'GET', '/policies/privacy')).json.latestVersion).toBe(2);
    const progress = await call(s, 'GET', '/policies/privacy/revisions/2/notification', {
      token: 'pub-dev-token',
    });
    expect(progress.json).toMatchObject({ status: 'completed', total: 1, sent: 1 });
  });

  it('stops at its first failing command: a refused publish, not a wall of 404s after it', {
    timeout: 60_000,
  }, async () => {
    const s = service!;
    const run = await runTour(root, {
      ...process.env,
      POLICY_API_URL: s.url,
      POLICY_PUBLISHER_TOKEN: 'wrong-token',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.match(/^error:.*$/gm)).toEqual([expect.stringMatching(/^error: 401 UNAUTHENTICATED/)]);
    expect(run.stdout).toBe(''); // no later command ran
    expect((await call(s, 'GET', '/policies/privacy')).json.latestVersion).toBe(2);
  });

  it('runs again, with the same results, after a restart on a fresh data directory', {
    timeout: 180_000,
  }, async () => {
    const s = await start();
    expectTourShown(await runTour(root, { ...process.env, POLICY_API_URL: s.url }));
  });

  it('stops at a failing curl too, with the error body, before anything later runs', {
    timeout: 120_000,
  }, async () => {
    const s = await start();
    // The publisher token works, the app token does not: the first app call (registering the customer)
    // gets a 401 and the tour ends there, not in a wall of 401s.
    const run = await runTour(root, {
      ...process.env,
      POLICY_API_URL: s.url,
      POLICY_APP_TOKEN: 'wrong-token',
    });
    expect(run.status).toBe(22); // curl --fail-with-body
    expect(run.stdout.match(/"code":"UNAUTHENTICATED"/g)).toHaveLength(1);
    expect(run.stdout).not.toContain('"reason"');
    expect((await call(s, 'GET', '/policies/privacy')).json.latestVersion).toBe(1);
  });
});
