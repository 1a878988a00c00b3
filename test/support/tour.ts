import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { outputOf } from './process';

export interface TourRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `bash examples/tour.sh` in `cwd` (a repository root), as the README says to run it. */
export async function runTour(cwd: string, env: NodeJS.ProcessEnv): Promise<TourRun> {
  const child = spawn('bash', ['examples/tour.sh'], {
    cwd,
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { code, stdout, stderr } = await outputOf(child);
  return { status: code, stdout, stderr };
}

/** What a successful tour shows: the status check's three answers in order, the dry run and the diff. */
export function expectTourShown(run: TourRun): void {
  expect(run.stderr).not.toMatch(/^error:/m);
  expect(run.status).toBe(0);
  const statuses = [...run.stdout.matchAll(/"reason":"(\w+)"/g)].map((m) => m[1]);
  expect(statuses).toEqual(['NEVER_ACKNOWLEDGED', 'UP_TO_DATE', 'MATERIAL_CHANGE']);
  expect(run.stdout).toContain('[vi] 7 sections changed'); // the dry run
  // The unified diff of the example revisions: the new section and the retention period.
  expect(run.stdout).toMatch(/^-- Dữ liệu tài khoản: 12 tháng sau khi tài khoản bị đóng$/m);
  expect(run.stdout).toMatch(/^\+- Dữ liệu tài khoản: 18 tháng sau khi tài khoản bị đóng$/m);
  expect(run.stdout).toMatch(/^\+7\. Dữ liệu của trẻ em$/m);
}
