/**
 * The staff console's script: functions/views/console/app.ts (TypeScript, type-checked and linted with
 * the rest) bundled by esbuild into one browser script, served as /console/app.js.
 *
 * Built in two places, with the same options: in the read function's Lambda asset at synth time (the
 * `afterBundling` hook of lib/policy-function.ts writes `console-app.js` beside `index.mjs`, where
 * functions/handlers/read.ts reads it), and when the local server starts (`buildConsoleScript`, in
 * memory, once per process).
 */
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync } from 'esbuild';
import { CONSOLE_ASSET } from '../functions/views/console';

/** The console's entry, relative to the repository root. */
export const CONSOLE_ENTRY = 'functions/views/console/app.ts';
/** The bundle's file name beside the read function's `index.mjs` (where the handler reads it). */
export { CONSOLE_ASSET };

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One classic script (the page loads it with a plain `<script src>`), for current browsers. */
export const consoleBuildOptions = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  charset: 'utf8',
  legalComments: 'none',
} as const satisfies BuildOptions;

/**
 * The shared domain modules the console bundles (the Markdown document model) import `node:crypto` for
 * content hashes the console never computes: a stub that throws stands in for it.
 */
export const CONSOLE_CRYPTO_STUB = 'functions/views/console/no-node-crypto.ts';

let built: string | undefined;

/** The bundled script (memoised: one build per process). */
export function buildConsoleScript(): string {
  if (built !== undefined) return built;
  const out = buildSync({
    ...consoleBuildOptions,
    entryPoints: [`${ROOT}${CONSOLE_ENTRY}`],
    alias: { 'node:crypto': `${ROOT}${CONSOLE_CRYPTO_STUB}` },
    write: false,
    logLevel: 'error',
  });
  built = out.outputFiles[0]!.text;
  return built;
}

/** The same build as an esbuild command line, for CDK's bundling hooks (run by bash in the asset build). */
export function consoleBundleCommand(inputDir: string, outputDir: string): string {
  const flags = [
    '--bundle',
    `--format=${consoleBuildOptions.format}`,
    `--platform=${consoleBuildOptions.platform}`,
    `--target=${consoleBuildOptions.target}`,
    '--minify',
    `--charset=${consoleBuildOptions.charset}`,
    `--legal-comments=${consoleBuildOptions.legalComments}`,
    '--log-level=error',
  ];
  const alias = `--alias:node:crypto=${inputDir}/${CONSOLE_CRYPTO_STUB}`;
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    quote(`${inputDir}/node_modules/.bin/esbuild`),
    quote(`${inputDir}/${CONSOLE_ENTRY}`),
    ...flags,
    quote(alias),
    quote(`--outfile=${outputDir}/${CONSOLE_ASSET}`),
  ].join(' ');
}
