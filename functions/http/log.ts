/**
 * Structured JSON logs (one line per event, CloudWatch-friendly). By policy nothing here ever carries a
 * request body, an email address or policy text: callers pass identifiers and counts only.
 */
import { redactAddresses } from '../domain/redact';
import type { Logger } from '../ports';

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export { redactAddresses } from '../domain/redact';
export type { Logger } from '../ports';

/**
 * Where log events go when a logger has no writer of its own: unset, one JSON line on stdout; in Lambda,
 * Powertools Logger (functions/adapters/observability.ts), which adds the request id, cold start, trace
 * and correlation ids.
 */
export const logSink: {
  emit?: (level: Level, service: string, message: string, fields: Record<string, unknown>) => void;
  /** The level of loggers created without one (LOG_LEVEL, set by the composition root); `info` unset. */
  level?: Level;
} = {};

export type { Level as LogLevel };
export const LOG_LEVELS = Object.keys(order) as Level[];

export function createLogger(service: string, level?: Level, write?: (line: string) => void): Logger {
  const emit =
    (lvl: Level) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (order[lvl] < (order[level ?? logSink.level ?? 'info'] ?? order.info)) return;
      if (!write && logSink.emit) return logSink.emit(lvl, service, message, fields);
      const line = JSON.stringify({
        level: lvl,
        time: new Date().toISOString(),
        service,
        message,
        ...fields,
      });
      if (write) write(line);
      else process.stdout.write(`${line}\n`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * Name and message of an error, and its stack for faults, never the data the error was about: an
 * address an SDK error quotes is redacted.
 */
export const describeError = (e: unknown) =>
  e instanceof Error
    ? {
        errorName: e.name,
        errorMessage: redactAddresses(e.message.slice(0, 300)),
        stack: e.stack === undefined ? undefined : redactAddresses(e.stack),
      }
    : { error: redactAddresses(String(e)) };
