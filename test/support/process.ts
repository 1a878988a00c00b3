import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

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
