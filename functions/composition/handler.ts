/**
 * The Lambda entry points' side of the composition root: only the handlers import it. Loading it applies
 * the process's switches (log level, tracing; ./process.ts) once, at init, and brings Powertools Logger
 * (../adapters/observability.ts), which the local runtime, the CLI and the tests never load.
 */
import { beginInvocation, endInvocation } from '../adapters/observability';
import { configureProcess } from './process';

configureProcess(process.env);

/**
 * A Lambda entry point whose dependencies are built on the first invocation, then reused. Each
 * invocation's logs carry its request id and correlation id, and its metrics are published at its end.
 * A build that throws (a missing variable) fails that invocation and is tried again on the next.
 */
export function lazyHandler<E, R, C extends unknown[] = []>(
  build: () => (event: E, ...rest: C) => Promise<R>,
) {
  let built: ((event: E, ...rest: C) => Promise<R>) | undefined;
  return async (event: E, ...rest: C) => {
    beginInvocation(event, rest[0]);
    try {
      built ??= build();
      return await built(event, ...rest);
    } finally {
      endInvocation();
    }
  };
}
