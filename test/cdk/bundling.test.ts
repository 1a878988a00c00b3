/**
 * The Lambda bundles as deployed (lib/bundling.ts, shared by NodejsFunction and the bundle benchmark):
 * the SDK's default credential chain is replaced by Lambda's environment credentials, and that still
 * gives real SDK clients their credentials.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildBuildOptions } from '../../lib/bundling';
import { PROJECT_ROOT } from '../../lib/policy-function';

const work = mkdtempSync(join(tmpdir(), 'policy-notify-bundling-'));
// The externals (Powertools, aws-xray-sdk-core) resolve from here, as from the Powertools layer in Lambda.
symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function bundle(name: string, source: string): Promise<string> {
  const outfile = join(work, `${name}.mjs`);
  await build({
    ...esbuildBuildOptions(),
    stdin: { contents: source, resolveDir: PROJECT_ROOT, sourcefile: `${name}.ts`, loader: 'ts' },
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Imports the bundle in a fresh Node process, as Lambda would, and prints what `probe()` returns. */
function runProbe(file: string, env: Record<string, string>) {
  const script = 'const m = await import(process.argv[1]); console.log(JSON.stringify(await m.probe()));';
  return spawnSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(file).href], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'ap-southeast-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Were the full chain bundled, it could fall through to these: make them point nowhere.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(work, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
      ...env,
    },
    encoding: 'utf8',
  });
}

describe('Lambda bundles and credentials', () => {
  let probe = '';
  beforeAll(async () => {
    probe = await bundle(
      'probe',
      `import { SESClient } from '@aws-sdk/client-ses';
       import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
       export async function probe() {
         const ses = await new SESClient({}).config.credentials();
         const ddb = await new DynamoDBClient({}).config.credentials();
         return { ses: [ses.accessKeyId, ses.sessionToken], ddb: ddb.accessKeyId };
       }`,
    );
  });

  it('gives SDK clients the execution role credentials Lambda puts in the environment', () => {
    const run = runProbe(probe, {
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session-token',
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ ses: ['ASIAEXAMPLE', 'session-token'], ddb: 'ASIAEXAMPLE' });
  });

  it('fails with a clear error when the environment has no credentials', () => {
    const run = runProbe(probe, {});
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Unable to find environment variable credentials/);
  });

  it('leaves the rest of the default chain (SSO, INI files, web identity, STS) out of the bundle', async () => {
    const code = readFileSync(probe, 'utf8');
    for (const marker of ['sso_session', 'AssumeRoleWithWebIdentity', 'credential_process'])
      expect(code, marker).not.toContain(marker);
    // Sanity check of the markers: the same entry bundled with the default chain contains them.
    const fullChain = join(work, 'full.mjs');
    await build({
      ...esbuildBuildOptions(),
      alias: {},
      stdin: {
        contents: `export { SESClient } from '@aws-sdk/client-ses';`,
        resolveDir: PROJECT_ROOT,
        loader: 'ts',
      },
      outfile: fullChain,
      logLevel: 'error',
    });
    expect(readFileSync(fullChain, 'utf8')).toContain('sso_session');
  });
});

describe('Powertools Tracer on the SDK clients', () => {
  /** What active tracing puts in a Lambda environment (the trace id of the current invocation aside). */
  const lambdaTracing = {
    AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: 'policy-notify-test-worker',
    LAMBDA_TASK_ROOT: work,
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  };
  let probe = '';
  beforeAll(async () => {
    probe = await bundle(
      'tracing',
      `import { createRequire } from 'node:module';
       import { GetItemCommand } from '@aws-sdk/client-dynamodb';
       import { GetSendQuotaCommand } from '@aws-sdk/client-ses';
       import { SendMessageCommand } from '@aws-sdk/client-sqs';
       // As every handler: the composition root applies the process's switches (tracing) when it loads.
       import './functions/composition/handler';
       import { createDynamoClient } from './functions/adapters/dynamodb/client';
       import { createSesClient } from './functions/adapters/ses';
       import { createSqsClient } from './functions/adapters/sqs';
       const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=';
       export async function probe() {
         const clients = [createDynamoClient(), createSesClient(), createSqsClient()];
         const commands = [
           new GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } }),
           new GetSendQuotaCommand({}),
           new SendMessageCommand({ QueueUrl: 'https://sqs.ap-southeast-1.amazonaws.com/1/q', MessageBody: 'm' }),
         ];
         // Each call stops right before the network (no AWS here), after the client's middleware ran.
         for (const c of clients)
           c.middlewareStack.add(() => async () => { throw new Error('stopped before sending'); }, { step: 'finalizeRequest', name: 'probeStop' });
         const state = () => ({
           traced: clients.map((c) => c.middlewareStack.identify().some((m) => m.startsWith('XRaySDKInstrumentation'))),
           xraySdkLoaded: Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('aws-xray-sdk-core')),
         });
         const callAll = async () => {
           for (const [i, c] of clients.entries()) await c.send(commands[i]).catch((e) => { if (e.message !== 'stopped before sending') throw e; });
         };
         const init = state();
         process.env._X_AMZN_TRACE_ID = TRACE + '0';
         await callAll();
         const unsampled = state();
         process.env._X_AMZN_TRACE_ID = TRACE + '1';
         await callAll();
         return { init, unsampled, sampled: state() };
       }`,
    );
  });

  it('leaves Tracer and the X-Ray SDK to the layer (not in the bundle)', () => {
    const code = readFileSync(probe, 'utf8');
    expect(code).toContain('"@aws-lambda-powertools/tracer"');
    expect(code).not.toContain('Disabling centralized sampling in Lambda environment');
    expect(code).not.toContain('class Tracer');
  });

  const untouched = { traced: [false, false, false], xraySdkLoaded: false };

  it('records every DynamoDB, SES and SQS call of a sampled invocation in Lambda with tracing on, loading Tracer at the first one, not during init', () => {
    const run = runProbe(probe, lambdaTracing);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      init: untouched,
      unsampled: untouched,
      sampled: { traced: [true, true, true], xraySdkLoaded: true },
    });
  });

  it('does not load Tracer nor touch the clients when POWERTOOLS_TRACE_ENABLED is false', () => {
    const run = runProbe(probe, { ...lambdaTracing, POWERTOOLS_TRACE_ENABLED: 'false' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ init: untouched, unsampled: untouched, sampled: untouched });
  });

  it('does not load Tracer nor touch the clients outside Lambda (npm start, tests, CLI)', () => {
    const run = runProbe(probe, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ init: untouched, unsampled: untouched, sampled: untouched });
  });
});

describe('what each bundle carries', () => {
  /** The source files and packages esbuild put in a function's bundle. */
  async function inputsOf(entry: string): Promise<string[]> {
    const result = await build({
      ...esbuildBuildOptions(),
      entryPoints: [join(PROJECT_ROOT, entry)],
      outfile: join(work, 'inputs.mjs'),
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const out = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
    return Object.entries(out?.inputs ?? {})
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([path]) => path);
  }

  it('keeps the diff engine and the Markdown parser out of the send worker (what changed is stored at publish)', async () => {
    const worker = await inputsOf('functions/handlers/notify-worker.ts');
    expect(worker.some((p) => p.includes('functions/usecases/notification-content.ts'))).toBe(true);
    expect(worker.filter((p) => /markdown-it|functions\/domain\/(diff|document)\//.test(p))).toEqual([]);
    // The same check sees them where they are used.
    const publish = await inputsOf('functions/handlers/publish.ts');
    expect(publish.some((p) => p.includes('node_modules/markdown-it/'))).toBe(true);
    expect(publish.some((p) => p.includes('functions/domain/diff/index.ts'))).toBe(true);
  });

  it('bundles Powertools Logger and Metrics, and leaves linkify-it and the error pages out where unused', async () => {
    const publish = await inputsOf('functions/handlers/publish.ts');
    expect(publish.some((p) => p.includes('node_modules/@aws-lambda-powertools/logger/'))).toBe(true);
    expect(publish.some((p) => p.includes('node_modules/@aws-lambda-powertools/metrics/'))).toBe(true);
    expect(publish.some((p) => p.includes('node_modules/@aws-lambda-powertools/tracer/'))).toBe(false);
    expect(publish.some((p) => p.includes('node_modules/linkify-it/'))).toBe(false);
    expect(publish.some((p) => p.includes('functions/adapters/no-linkify.ts'))).toBe(true);
    // The HTML error pages (and the page strings of every language) only where pages are served.
    expect(publish.some((p) => p.includes('functions/views/'))).toBe(false);
    const read = await inputsOf('functions/handlers/read.ts');
    expect(read.some((p) => p.includes('functions/http/error-pages.ts'))).toBe(true);
  });

  it('parses Markdown in a bundle as in the tests: a bare address stays text, links still link', async () => {
    const file = await bundle(
      'markdown',
      `import { createMarkdownParser } from './functions/domain/document/markdown';
       export async function probe() {
         const md = createMarkdownParser();
         return { linkify: md.options.linkify, html: md.render('See https://example.com and [us](https://example.org).') };
       }`,
    );
    const run = runProbe(file, {});
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      linkify: false,
      html: '<p>See https://example.com and <a href="https://example.org">us</a>.</p>\n',
    });
  });
});
