/**
 * Powertools for AWS Lambda (Logger, Metrics, Tracer) as the Powertools layer provides them, loaded
 * through Node's CommonJS loader (the packages' `require` build, lib/cjs) rather than as ES modules.
 * Same release, same code, same API; but Node loads the ~30 small files Logger and Metrics are made of
 * markedly faster as CommonJS than through the ES module loader (resolution, linking and evaluation are
 * asynchronous jobs per module there): about 40% less in `npm run bench -- bundles` (README "Tracing
 * and the import budget"). All three load the same way, so they share one copy of
 * @aws-lambda-powertools/commons. The packages stay external to the bundles (lib/bundling.ts): `require`
 * resolves them from the layer (/opt/nodejs/node_modules is on Lambda's NODE_PATH), and from
 * node_modules elsewhere.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const powertoolsLogger = () =>
  load('@aws-lambda-powertools/logger') as typeof import('@aws-lambda-powertools/logger');

export const powertoolsMetrics = () =>
  load('@aws-lambda-powertools/metrics') as typeof import('@aws-lambda-powertools/metrics');

export const powertoolsTracer = () =>
  load('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
