/**
 * Powertools Tracer as the official Powertools layer provides it (lib/bundling.ts keeps it and
 * aws-xray-sdk-core external), loaded through `require`: it is loaded only at the first SDK call of a
 * sampled invocation (./tracing.ts), and `require` resolves it from the layer (/opt/nodejs/node_modules
 * is on Lambda's NODE_PATH), and from node_modules elsewhere.
 *
 * Logger and Metrics are bundled into each function instead (./observability.ts, ./metrics.ts import
 * them): one bundle compiles faster than Node resolves, reads and evaluates the ~40 small files they are
 * made of in the layer (README "Tracing and the import budget").
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const powertoolsTracer = () =>
  load('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
