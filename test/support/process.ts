import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export interface ProcessOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Everything a spawned process writes, and its exit code, once it has closed. */
export function outputOf(child: ChildProcessByStdio<null, Readable, Readable>): Promise<ProcessOutput> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const POLICYCTL = fileURLToPath(new URL('../../bin/policyctl.mjs', import.meta.url));

/**
 * `policyctl <args>` against a running local service with its publisher token, in a child process whose
 * environment holds no other `POLICY_*` setting of this shell.
 */
export function policyctlAgainst(
  service: { url: string },
  publisherToken: string,
  args: string[],
): Promise<ProcessOutput> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('POLICY_')) delete env[key];
  const child = spawn(process.execPath, [POLICYCTL, ...args], {
    env: { ...env, POLICY_API_URL: service.url, POLICY_PUBLISHER_TOKEN: publisherToken },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return outputOf(child);
}
