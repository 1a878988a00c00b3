/**
 * Powertools Tracer on the AWS SDK clients: each client factory (./aws-client.ts) passes its client
 * through `traced`, and when tracing is on every call becomes an X-Ray subsegment of the invocation's
 * trace.
 *
 * Tracing costs nothing outside Lambda: Tracer (and aws-xray-sdk-core under it) is loaded only when the
 * composition root turned tracing on (in Lambda, AWS_EXECUTION_ENV, unless POWERTOOLS_TRACE_ENABLED is
 * `false`: functions/composition/process.ts), so `npm start`, the tests and the CLI never load it, never
 * look for an X-Ray daemon and get their clients untouched. In Lambda it is loaded at the first SDK call
 * of the first sampled invocation, not during init (`traced`); `npm run bench -- bundles` measures both
 * the init and that deferred load.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { powertoolsTracer } from './powertools';

/**
 * Whether SDK calls are traced, and where this invocation's X-Ray trace header is read: set once per
 * process by the composition root (functions/composition/process.ts) from the environment. Off until
 * then, so tests and tools get their clients untouched.
 */
interface TracingSwitch {
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
export function traced<T>(client: T): T {
  if (!tracing.on) return client;
  const c = client as unknown as { send: (...args: unknown[]) => Promise<unknown> };
  const send = c.send.bind(client);
  let captured: Promise<void> | undefined;
  c.send = async (...args) => {
    if (!captured && invocationSampled(tracing.traceHeader))
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
