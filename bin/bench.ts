/**
 * `npm run bench`: every benchmark in one run, printed as one table and written to bench-results.json
 * as [{name, value, unit}] so runs can be compared by tools. Benchmarks are not tests: they measure.
 */
import { writeFileSync } from 'node:fs';
import { configureProcess } from '../functions/composition/process';
import { runBundleBench } from './bench/bundles';
import { runCliBench } from './bench/cli';
import { runClientBench } from './bench/client';
import type { BenchRecord } from './bench/common';
import { runComplianceBench } from './bench/compliance';
import { runCorpusBench } from './bench/corpus';
import { runDiffBench } from './bench/diff';
import { runHostileBench } from './bench/hostile';
import { runNotifyBench } from './bench/notify';
import { runStatusBench } from './bench/status';

process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'error';
configureProcess(process.env);

const suites: [string, () => Promise<BenchRecord[]>][] = [
  ['status and publish', runStatusBench],
  ['typed client', runClientBench],
  ['diff', runDiffBench],
  ['corpus', runCorpusBench],
  ['hostile inputs', runHostileBench],
  ['notifications', runNotifyBench],
  ['compliance counts', () => runComplianceBench()],
  ['bundles', () => runBundleBench()],
  ['cli', async () => runCliBench()],
];

const only = process.argv.slice(2);
const records: BenchRecord[] = [];
for (const [title, run] of suites) {
  if (only.length > 0 && !only.some((o) => title.includes(o))) continue;
  process.stderr.write(`running ${title}...\n`);
  const started = performance.now();
  const got = await run();
  records.push(...got);
  process.stderr.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

const width = Math.max(...records.map((r) => r.name.length), 10);
process.stdout.write(`${'name'.padEnd(width)}  ${'value'.padStart(12)}  unit\n`);
for (const r of records)
  process.stdout.write(`${r.name.padEnd(width)}  ${String(r.value).padStart(12)}  ${r.unit}\n`);
writeFileSync('bench-results.json', `${JSON.stringify(records, null, 2)}\n`);
process.stdout.write(`\nwrote ${records.length} records to bench-results.json\n`);
