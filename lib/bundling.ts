/**
 * The esbuild settings every Lambda bundle is built with, written once: lib/policy-function.ts passes
 * them to NodejsFunction and bin/bench/bundles.ts passes them to esbuild directly, so the benchmark
 * measures exactly what is deployed. Plain data, no CDK import, so the benchmark stays light.
 */

import { fileURLToPath } from 'node:url';

/** Lambda runtime family the bundles target (lib/policy-function.ts picks the matching Runtime). */
export const NODE_MAJOR = 24;

/**
 * ESM output cannot `require`, yet a few CommonJS dependencies bundled into it still call it: give the
 * module a real `require` bound to its own URL.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __policyNotifyCreateRequire } from 'node:module';" +
  ' const require = __policyNotifyCreateRequire(import.meta.url);';

export const bundleOptions = {
  target: `node${NODE_MAJOR}`,
  platform: 'node',
  format: 'esm',
  minify: true,
  /**
   * External .map files beside each bundle (in the deployed asset and cdk.out): stack traces can always be
   * mapped back to the TypeScript, offline, or at run time with the `sourceMapsAtRuntime` context option.
   */
  sourcemap: true,
  sourcesContent: false,
  /** Prefer the ESM build of dependencies that ship both (better tree shaking of the AWS SDK). */
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  charset: 'utf8',
  /**
   * Nothing is external: the AWS SDK is bundled at the version package-lock.json pins instead of
   * whatever the runtime ships, and only the commands a function imports end up in its bundle.
   */
  external: [] as string[],
  /**
   * Lambda always provides the execution role's credentials in the environment: the SDK's default
   * credential chain is replaced by the environment provider alone (see the module's comment).
   */
  alias: {
    '@aws-sdk/credential-provider-node': fileURLToPath(
      new URL('../functions/adapters/lambda-credentials.ts', import.meta.url),
    ),
  } as Record<string, string>,
} as const;

/**
 * Source-map support at run time, set as NODE_OPTIONS only when the `sourceMapsAtRuntime` context option
 * is on: Node then parses every bundle's map at load, which costs about 20-30 ms of each cold start (see
 * `bundle.runtimeSourceMaps.extraImportMs` in `npm run bench`), so it is off by default.
 */
export const SOURCE_MAPS_NODE_OPTIONS = '--enable-source-maps';

/** The same values in esbuild's own API shape (the benchmark bundles with esbuild directly). */
export function esbuildBuildOptions() {
  return {
    bundle: true,
    target: bundleOptions.target,
    platform: bundleOptions.platform,
    format: bundleOptions.format,
    minify: bundleOptions.minify,
    sourcemap: bundleOptions.sourcemap,
    sourcesContent: bundleOptions.sourcesContent,
    mainFields: [...bundleOptions.mainFields],
    banner: { js: bundleOptions.banner },
    charset: bundleOptions.charset,
    external: [...bundleOptions.external],
    alias: { ...bundleOptions.alias },
    outExtension: { '.js': '.mjs' },
  } satisfies import('esbuild').BuildOptions;
}
