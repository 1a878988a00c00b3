/** The README's ten-line app integration must work as written: it runs here against a local service. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { fixtureVi } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const snippet = /<!-- app:start -->\s*```ts\n([\s\S]*?)```\s*<!-- app:end -->/.exec(readme)?.[1] ?? '';

function runTsx(file: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('README app integration', () => {
  let service: LocalService;
  let dir: string;
  beforeAll(async () => {
    service = await startTestService();
    dir = mkdtempSync(join(tmpdir(), 'readme-app-'));
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is at most ten lines of code and runs as written', { timeout: 60_000 }, async () => {
    const code = snippet.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
    expect(code.length).toBeGreaterThan(4);
    expect(code.length).toBeLessThanOrEqual(10);
    await call(service, 'POST', '/policies/privacy/revisions', {
      token: TOKENS.publisher,
      body: { texts: { vi: fixtureVi }, change: 'material' },
    });

    const file = join(dir, 'app.mts');
    writeFileSync(
      file,
      snippet.replace("from './client'", `from ${JSON.stringify(join(root, 'client/index.ts'))}`),
    );
    const run = await runTsx(file, {
      ...process.env,
      POLICY_API_URL: service.url,
      POLICY_APP_TOKEN: TOKENS.app,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const status = await call(service, 'GET', '/users/user-42/policies/privacy/status', {
      token: TOKENS.app,
    });
    expect(status.json).toMatchObject({
      mustAcknowledge: false,
      reason: 'UP_TO_DATE',
      acknowledgedVersion: 1,
    });
    const customer = await call(service, 'GET', '/customers/user-42', { token: TOKENS.app });
    expect(customer.json).toMatchObject({ email: 'an@example.vn', locale: 'vi', status: 'active' });
  });
});
