/**
 * Lambda-only parts of the composition root: the adapters built from the environment (one client per
 * process, reused by warm invocations). The entry points' lazy handler is in ./handler.ts.
 */
import { systemClock, uuidIds } from '../adapters/system';
import type * as z from '../domain/schema';
import { type Env, type Locations, parseLocations, parseSettingsWith, type Settings } from './env';
import type { FunctionName } from './needs';

/** A function's settings and the locations of its tables and queues, from its environment. */
export function environmentOf<F extends FunctionName>(
  fn: F,
  schema: () => z.ZodMiniType<Settings<F>>,
  env: Env = process.env,
): { settings: Settings<F>; locations: Locations } {
  return { settings: parseSettingsWith(schema(), env), locations: parseLocations(fn, env) };
}

export const system = { clock: systemClock, ids: uuidIds };
