/**
 * The esbuild settings every Lambda bundle is built with, written once: lib/policy-function.ts passes
 * them to NodejsFunction and bin/bench/bundles.ts passes them to esbuild directly, so the benchmark
 * measures exactly what is deployed. Plain data, no CDK import, so the benchmark stays light.
 */

import { readFileSync } from 'node:fs';
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
   * Powertools Tracer and the X-Ray SDK under it come from the official Powertools Lambda layer, at
   * exactly the version package.json pins (`POWERTOOLS_VERSION`, `powertoolsLayerParameter`): they load
   * only at the first SDK call of a sampled invocation (functions/adapters/tracing.ts), and stay out of
   * every asset (~150 KB). Logger and Metrics, which every cold start loads, are bundled (about 30 KB):
   * Node loads them from one compiled bundle faster than from the ~40 small files of the layer (README
   * "Tracing and the import budget"). The AWS SDK stays bundled too, at the version package-lock.json
   * pins instead of whatever the runtime ships (docs/DEPLOY.md says why), so only the commands a function
   * imports end up in its bundle.
   */
  external: ['@aws-lambda-powertools/tracer', 'aws-xray-sdk-core'] as string[],
  /** Bundles carry no license comments (minified output otherwise keeps them at the end). */
  legalComments: 'none',
  /**
   * Lambda always provides the execution role's credentials in the environment: the SDK's default
   * credential chain is replaced by the environment provider alone (see the module's comment).
   */
  alias: {
    '@aws-sdk/credential-provider-node': fileURLToPath(
      new URL('../functions/adapters/lambda-credentials.ts', import.meta.url),
    ),
    // markdown-it's link detection, which the service's parser never turns on (see the module's comment).
    'linkify-it': fileURLToPath(new URL('../functions/adapters/no-linkify.ts', import.meta.url)),
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
    legalComments: bundleOptions.legalComments,
    alias: { ...bundleOptions.alias },
    outExtension: { '.js': '.mjs' },
  } satisfies import('esbuild').BuildOptions;
}

/**
 * The Powertools version of package.json: all Powertools packages are pinned to one exact version, and
 * the Lambda layer the functions get is that same release, so what the tests and `npm start` run is
 * what runs in Lambda.
 */
export const POWERTOOLS_VERSION: string = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const versions = new Set(
    Object.entries(pkg.dependencies)
      .filter(([name]) => name.startsWith('@aws-lambda-powertools/'))
      .map(([, version]) => version),
  );
  const [version] = versions;
  if (versions.size !== 1 || !version || !/^\d+\.\d+\.\d+$/.test(version))
    throw new Error('package.json must pin every @aws-lambda-powertools/* package to one exact version');
  return version;
})();

/**
 * The public SSM parameter AWS publishes in every region with the ARN of the official Powertools for
 * AWS Lambda (TypeScript) layer of one release (docs.aws.amazon.com/powertools/typescript, "Lambda
 * layers"): resolved by CloudFormation at deploy time, in the stack's own region.
 */
export const powertoolsLayerParameter = (version = POWERTOOLS_VERSION) =>
  `/aws/service/powertools/typescript/generic/all/${version}`;
