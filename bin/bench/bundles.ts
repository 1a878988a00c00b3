/**
 * Lambda bundle benchmark: bundles every function entry with exactly the esbuild settings the CDK
 * construct deploys (lib/bundling.ts), then measures the minified bundle size and the time a fresh Node
 * process takes to import it (a proxy for the cold-start init phase), next to an empty handler bundled
 * the same way and imported in alternation with it (so both see the same machine load). Goal: every
 * bundle < 500 KB and within 100 ms of the empty handler.
 *
 * Powertools Tracer and aws-xray-sdk-core are external (the Powertools Lambda layer provides them,
 * lib/bundling.ts); Logger and Metrics are bundled. The size is the function's own asset; the layer's
 * modules resolve from a `node_modules` beside the bundle that holds the same pinned release, as
 * /opt/nodejs/node_modules does in Lambda. The environment is Lambda's with active tracing. Tracer and
 * the X-Ray SDK load at the first SDK call of a sampled invocation, not during init: their load is
 * measured on its own (`bundle.deferredTracerMs`) and added to the worst import for the cold start of
 * a sampled first invocation (`bundle.maxSampledColdStartOverheadMs`).
 *
 * Run alone with `npx tsx bin/bench/bundles.ts`, or through `npm run bench` once bin/bench.ts lists it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { tableDefs } from '../../functions/adapters/dynamodb/tables';
import { type Route, routes } from '../../functions/http/routes';
import { esbuildBuildOptions, SOURCE_MAPS_NODE_OPTIONS } from '../../lib/bundling';
import { allFunctionSpecs, queueEnvVar } from '../../lib/function-specs';
import { PROJECT_ROOT } from '../../lib/policy-function';
import { type BenchRecord, median } from './common';

export const BUNDLE_KB_GOAL = 500;
export const IMPORT_OVERHEAD_MS_GOAL = 100;
const IMPORT_RUNS = 7;

/**
 * What a function finds in its environment in Lambda with the default configuration (no runtime source
 * maps, active tracing), with dummy values: imports must not need AWS. With the execution-environment
 * and X-Ray variables the bundle takes its Lambda paths exactly as in a Lambda cold start
 * (functions/adapters/observability.ts), and Tracer loads as at a sampled invocation's first SDK call.
 */
export function lambdaLikeEnv(taskRoot: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LOG_LEVEL: 'error',
    API_TOKENS_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench',
  };
  for (const def of Object.values(tableDefs)) env[def.envVar] = `bench-${def.id}`;
  for (const v of Object.values(queueEnvVar))
    env[v] = 'https://sqs.us-east-1.amazonaws.com/000000000000/bench';
  return env;
}

async function bundle(entry: string, outdir: string): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  await build({
    ...esbuildBuildOptions(),
    entryPoints: [entry],
    outfile,
    tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return outfile;
}

/** Wall time of one `import()` of the bundle in a fresh Node process (module load + init code). */
function importOnceMs(file: string, env: NodeJS.ProcessEnv): number {
  const script =
    'const t0 = performance.now(); await import(process.argv[1]);' +
    ' process.stdout.write(String(performance.now() - t0));';
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(file).href], {
    env,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`importing ${file} failed:\n${run.stderr}`);
  return Number(run.stdout);
}

/**
 * What the first SDK call of a sampled invocation adds (functions/adapters/observability.ts `traced`):
 * in a fresh process that imported the bundle, the wall time to load Powertools Tracer (and
 * aws-xray-sdk-core under it) from beside the bundle, as the layer provides them, the way the bundle
 * loads it (`require`, functions/adapters/powertools.ts), and construct it.
 */
function deferredTracerOnceMs(file: string, env: NodeJS.ProcessEnv): number {
  const script =
    "import { createRequire } from 'node:module';" +
    ' await import(process.argv[1]); const t0 = performance.now();' +
    " const { Tracer } = createRequire(process.argv[1])('@aws-lambda-powertools/tracer');" +
    ' new Tracer({ captureHTTPsRequests: false });' +
    ' process.stdout.write(String(performance.now() - t0));';
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(file).href], {
    env,
    encoding: 'utf8',
    cwd: env.LAMBDA_TASK_ROOT,
  });
  if (run.status !== 0) throw new Error(`loading Tracer after ${file} failed:\n${run.stderr}`);
  return Number(run.stdout);
}

/**
 * Median import time of a bundle and of the empty handler (or of the same bundle under `emptyEnv`),
 * runs interleaved so that both see the same machine load: the difference is the bundle's own cost.
 */
function importMs(
  file: string,
  emptyFile: string,
  env: NodeJS.ProcessEnv,
  emptyEnv = env,
): { ms: number; emptyMs: number } {
  const samples: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    empty.push(importOnceMs(emptyFile, emptyEnv));
    samples.push(importOnceMs(file, env));
  }
  return { ms: median(samples), emptyMs: median(empty) };
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function runBundleBench(
  routeTable: readonly Pick<Route, 'fn' | 'method' | 'path'>[] = routes as readonly Route[],
): Promise<BenchRecord[]> {
  const work = mkdtempSync(join(tmpdir(), 'policy-notify-bundles-'));
  const env = lambdaLikeEnv(work);
  try {
    // What the Powertools layer puts on the module path in Lambda: the externals resolve from here.
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    const emptyEntry = join(work, 'empty-handler.mjs');
    writeFileSync(emptyEntry, 'export const handler = async () => ({ statusCode: 200 });\n');
    const emptyFile = await bundle(emptyEntry, join(work, 'empty'));

    const records: BenchRecord[] = [];
    const emptySamples: number[] = [];
    let maxKb = 0;
    let largest = '';
    let maxOverheadMs = Number.NEGATIVE_INFINITY;
    for (const spec of allFunctionSpecs(routeTable)) {
      const file = await bundle(join(PROJECT_ROOT, spec.entry), join(work, spec.name));
      const kb = round(statSync(file).size / 1024);
      const { ms, emptyMs } = importMs(file, emptyFile, env);
      emptySamples.push(emptyMs);
      if (kb > maxKb) largest = file;
      maxKb = Math.max(maxKb, kb);
      maxOverheadMs = Math.max(maxOverheadMs, ms - emptyMs);
      records.push({ name: `bundle.${spec.name}.kb`, value: kb, unit: 'KB' });
      records.push({ name: `bundle.${spec.name}.importMs`, value: round(ms), unit: 'ms' });
    }
    const emptyMs = median(emptySamples);
    records.push({ name: 'bundle.emptyHandler.importMs', value: round(emptyMs), unit: 'ms' });
    records.push({ name: 'bundle.maxKb', value: maxKb, unit: 'KB' });
    records.push({ name: 'bundle.maxImportOverheadMs', value: round(maxOverheadMs), unit: 'ms' });
    // Tracer is not loaded during init but at the first SDK call of a sampled invocation: what that
    // costs, and the cold start of the worst function whose first invocation is sampled.
    const tracerMs = median(Array.from({ length: IMPORT_RUNS }, () => deferredTracerOnceMs(largest, env)));
    records.push({ name: 'bundle.deferredTracerMs', value: round(tracerMs), unit: 'ms' });
    records.push({
      name: 'bundle.maxSampledColdStartOverheadMs',
      value: round(maxOverheadMs + tracerMs),
      unit: 'ms',
    });
    // What the `sourceMapsAtRuntime` option would add to the largest bundle's cold start: the same
    // bundle imported with and without it, alternately.
    const { ms: mappedMs, emptyMs: plainMs } = importMs(
      largest,
      largest,
      {
        ...env,
        NODE_OPTIONS: SOURCE_MAPS_NODE_OPTIONS,
      },
      env,
    );
    records.push({
      name: 'bundle.runtimeSourceMaps.extraImportMs',
      value: round(mappedMs - plainMs),
      unit: 'ms',
    });
    return records;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = await runBundleBench();
  const width = Math.max(...records.map((r) => r.name.length));
  for (const r of records)
    process.stdout.write(`${r.name.padEnd(width)}  ${String(r.value).padStart(8)}  ${r.unit}\n`);
  const maxKb = records.find((r) => r.name === 'bundle.maxKb')?.value ?? Number.NaN;
  const overhead = records.find((r) => r.name === 'bundle.maxImportOverheadMs')?.value ?? Number.NaN;
  process.stdout.write(
    `goal: every bundle < ${BUNDLE_KB_GOAL} KB: ${maxKb < BUNDLE_KB_GOAL ? 'met' : 'NOT met'}; ` +
      `import within ${IMPORT_OVERHEAD_MS_GOAL} ms of an empty handler: ${overhead < IMPORT_OVERHEAD_MS_GOAL ? 'met' : 'NOT met'}\n`,
  );
}
