/**
 * Powertools for AWS Lambda (TypeScript) behind the service's own ports: Logger receives every log event
 * of functions/http/log.ts (adding request id, cold start, X-Ray trace id and a correlation id), the
 * business counts of adapters/metrics.ts (Powertools Metrics, loaded only by the functions that count
 * something) are published at the end of each invocation, and Tracer records every AWS SDK call
 * (DynamoDB, SES, SQS, Secrets Manager) as an X-Ray subsegment of the invocation's trace: each client
 * factory passes its client through `traced`. All three are loaded through `require` (./powertools.ts).
 *
 * Tracing costs nothing outside Lambda: Tracer (and aws-xray-sdk-core under it) is imported only when
 * the composition root turned tracing on (in Lambda, AWS_EXECUTION_ENV, unless POWERTOOLS_TRACE_ENABLED
 * is `false`: functions/composition/process.ts), so `npm
 * start`, the tests and the CLI never load it, never look for an X-Ray daemon and get their clients
 * untouched. In Lambda it is imported at the first SDK call of the first sampled invocation, not during
 * init (`traced`); `npm run bench -- bundles` measures both the init and that deferred load.
 *
 * The service name comes from POWERTOOLS_SERVICE_NAME (set by the stack); outside Lambda nothing here is
 * used and logs stay plain JSON lines.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { logSink } from '../http/log';
import type { MetricsSink } from '../ports';
import { powertoolsLogger, powertoolsTracer } from './powertools';

/** Loaded with the module (every first invocation needs it), through `require` (see ./powertools.ts). */
const { Logger: PowertoolsLogger } = powertoolsLogger();

/**
 * Whether SDK calls are traced, and where this invocation's X-Ray trace header is read: set once per
 * process by the composition root (functions/composition/process.ts) from the environment. Off until
 * then, so tests and tools get their clients untouched.
 */
export interface TracingSwitch {
  on: boolean;
  /** The invocation's trace header (`Root=…;Sampled=1`), which Lambda changes per invocation. */
  traceHeader: () => string | undefined;
}

const tracing: TracingSwitch = { on: false, traceHeader: () => undefined };

export function useTracing(on: boolean, traceHeader: () => string | undefined): void {
  tracing.on = on;
  tracing.traceHeader = traceHeader;
}

/** Whether this invocation is sampled by X-Ray (the trace header Lambda sets: `Sampled=1`). */
function invocationSampled(traceHeader: () => string | undefined): boolean {
  const store = (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId(): string | undefined } } })
    .awslambda?.InvokeStore;
  return /(?:^|;)\s*Sampled=1(?:;|$)/.test(store?.getXRayTraceId() ?? traceHeader() ?? '');
}

/**
 * The process's Tracer, loaded on first need. HTTP(S) requests are not captured globally: the only
 * outbound calls are SDK calls, which `traced` records once each (global capture would record them twice).
 */
let tracer: Promise<Tracer> | undefined;
const loadTracer = () =>
  (tracer ??= Promise.resolve().then(() => {
    const { Tracer } = powertoolsTracer();
    return new Tracer({ captureHTTPsRequests: false });
  }));

/**
 * An AWS SDK v3 client whose calls become X-Ray subsegments when tracing is on; else the same client.
 *
 * Tracer, and aws-xray-sdk-core under it (60 to 90 ms of loading, README "Tracing and the import
 * budget"), load at the client's first call in a sampled invocation, not during init: a cold start
 * whose first invocation is not sampled never pays it, and one whose first invocation is sampled pays
 * it before that invocation's first SDK call instead of during init. The client is instrumented
 * (`captureAWSv3Client`) before that call is sent, so every call of a sampled invocation is recorded.
 * A failed load fails that call and is tried again on the next.
 */
export function traced<T>(client: T, how: TracingSwitch = tracing): T {
  if (!how.on) return client;
  const c = client as unknown as { send: (...args: unknown[]) => Promise<unknown> };
  const send = c.send.bind(client);
  let captured: Promise<void> | undefined;
  c.send = async (...args) => {
    if (!captured && invocationSampled(how.traceHeader))
      captured = loadTracer().then(
        (t) => {
          t.captureAWSv3Client(client);
        },
        (e: unknown) => {
          tracer = undefined;
          captured = undefined;
          throw e;
        },
      );
    if (captured) await captured;
    return send(...args);
  };
  return client;
}

export const noMetrics: MetricsSink = { count: () => {} };

/**
 * The process's metrics, published by `endInvocation`: set by adapters/metrics.ts `metricsFromEnv`, which
 * only the functions that count something import (so the others never load Powertools Metrics).
 */
let metrics: { flush(): void } | undefined;
let logger: Logger | undefined;

/** Makes `endInvocation` publish these metrics at the end of each invocation. */
export function publishAtInvocationEnd(sink: { flush(): void }): void {
  metrics = sink;
}

const isLambdaContext = (c: unknown): c is Context =>
  typeof c === 'object' && c !== null && 'awsRequestId' in c && 'functionName' in c;

/** API Gateway's request id (what the access log shows), else none: the key that joins the two logs. */
function correlationIdOf(event: unknown): string | undefined {
  const id = (event as { requestContext?: { requestId?: unknown } } | null)?.requestContext?.requestId;
  return typeof id === 'string' ? id : undefined;
}

/** Called before each Lambda invocation: routes logs through Powertools Logger with this request's keys. */
export function beginInvocation(event: unknown, context: unknown): void {
  if (!isLambdaContext(context)) return;
  if (!logger) {
    const root = new PowertoolsLogger();
    logger = root;
    logSink.emit = (level, service, message, fields) =>
      root[level](message, { component: service, ...fields });
  }
  logger.addContext(context);
  logger.removeKeys(['correlation_id']);
  const correlationId = correlationIdOf(event);
  if (correlationId) logger.appendKeys({ correlation_id: correlationId });
}

/** Called after each invocation, whatever its outcome. */
export function endInvocation(): void {
  metrics?.flush();
}
