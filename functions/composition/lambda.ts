/**
 * Lambda-only parts of the composition root: the lazy handler every function's entry point uses, and
 * the adapters built from the environment (one client per process, reused by warm invocations).
 */
import { beginInvocation, endInvocation } from '../adapters/observability';
import { systemClock, uuidIds } from '../adapters/system';
import type * as z from '../domain/schema';
import { type Env, type Locations, parseLocations, parseSettingsWith, type Settings } from './env';
import type { FunctionName } from './needs';
import { configureProcess } from './process';

/** Log level, tracing and metrics namespace, applied once when a handler module loads (cold start). */
export const processSettings = configureProcess(process.env);

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

/** A function's settings and the locations of its tables and queues, from its environment. */
export function environmentOf<F extends FunctionName>(
  fn: F,
  schema: () => z.ZodMiniType<Settings<F>>,
  env: Env = process.env,
): { settings: Settings<F>; locations: Locations } {
  return { settings: parseSettingsWith(schema(), env), locations: parseLocations(fn, env) };
}

export const system = { clock: systemClock, ids: uuidIds };
