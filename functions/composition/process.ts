/**
 * The process-wide switches, set once from the environment: the level of loggers created without one,
 * and whether SDK clients are traced (and where each invocation's trace header is). Lambda applies them
 * when a handler module loads (./handler.ts); `npm start`, the benchmarks and the tests apply them over
 * their own environment, so every process reads these variables here and nowhere else.
 */
import { useTracing } from '../adapters/tracing';
import { logSink } from '../http/log';
import { type Env, type ProcessSettings, parseProcessSettings } from './env';

export function configureProcess(env: Env = process.env): ProcessSettings {
  const settings = parseProcessSettings(env);
  logSink.level = settings.logLevel;
  // Lambda sets _X_AMZN_TRACE_ID per invocation (when its InvokeStore does not carry it): read at each call.
  useTracing(settings.tracing, () => env._X_AMZN_TRACE_ID);
  return settings;
}
