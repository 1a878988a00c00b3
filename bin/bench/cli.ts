/**
 * CLI start time: `policyctl --help` as a user runs it (`node bin/policyctl.mjs`, which loads the prebuilt
 * bundle), next to the same command through tsx (how policyctl started before the bundle) and to a bare
 * `node -e 0`, run in alternation so that all three see the same machine load. Goal: cli.startMs < 300.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchRecord, median, round } from './common';

const RUNS = 15;
const root = fileURLToPath(new URL('../..', import.meta.url));

function timeRun(args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export function runCliBench(): BenchRecord[] {
  const variants: Record<string, string[]> = {
    bundle: ['bin/policyctl.mjs', '--help'],
    tsx: ['--import', 'tsx', 'bin/policyctl.ts', '--help'],
    node: ['-e', '0'],
  };
  // The first call builds the bundle if it is missing or stale; that is install-time work, not start time.
  for (const args of Object.values(variants)) timeRun(args);
  const times: Record<string, number[]> = { bundle: [], tsx: [], node: [] };
  for (let i = 0; i < RUNS; i++)
    for (const [name, args] of Object.entries(variants)) times[name]!.push(timeRun(args));
  const startMs = median(times.bundle!);
  const nodeMs = median(times.node!);
  return [
    { name: 'cli.startMs', value: round(startMs), unit: 'ms' },
    { name: 'cli.tsxStartMs', value: round(median(times.tsx!)), unit: 'ms' },
    { name: 'cli.nodeStartMs', value: round(nodeMs), unit: 'ms' },
    // What policyctl adds to Node's own start: the part of cli.startMs that machine load moves least.
    { name: 'cli.startOverNodeMs', value: round(startMs - nodeMs), unit: 'ms' },
  ];
}
