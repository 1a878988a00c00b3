/** The README's tour must work as written: it runs here, in bash, against a fresh local service. */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { call, startTestService } from '../support/service';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const tour = /<!-- tour:start -->\s*```sh\n([\s\S]*?)```\s*<!-- tour:end -->/.exec(readme)?.[1] ?? '';
const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;

function runBash(script: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe.runIf(hasCurl)('README tour', () => {
  let service: LocalService;
  beforeAll(async () => {
    service = await startTestService({ tokens: { app: ['app-dev-token'], publisher: ['pub-dev-token'] } });
  });
  afterAll(async () => service?.stop());

  it('runs end to end and shows what it says it shows', { timeout: 120_000 }, async () => {
    expect(tour).toContain('npx policyctl publish privacy');
    // Asynchronously: the service runs in this process and must keep answering while bash runs.
    const run = await runBash(tour, { ...process.env, POLICY_API_URL: service.url, NO_COLOR: '1' });
    expect(run.stderr).not.toMatch(/^error:/m);
    expect(run.status).toBe(0);
    const statuses = [...run.stdout.matchAll(/"reason":"(\w+)"/g)].map((m) => m[1]);
    expect(statuses).toEqual(['NEVER_ACKNOWLEDGED', 'UP_TO_DATE', 'MATERIAL_CHANGE']);
    expect(run.stdout).toMatch(/^\+.*quản lý rất nghiêm ngặt/m); // the unified diff
    expect((await call(service, 'GET', '/policies/privacy')).json.latestVersion).toBe(2);
    const progress = await call(service, 'GET', '/policies/privacy/revisions/2/notification', {
      token: 'pub-dev-token',
    });
    expect(progress.json).toMatchObject({ status: 'completed', total: 1, sent: 1 });
  });
});
