/**
 * What a builder is given: the adapters that differ between Lambda, `npm start`, the benchmarks and the
 * tests. Everything else (defaults, which store on which table, how the use cases are wired) is the
 * builder's, the same everywhere.
 */
import type { TableKey } from '../adapters/dynamodb/tables';
import { createLogger } from '../http/log';
import type { Clock, IdGenerator, Logger, MetricsSink, Queue } from '../ports';
import type { QueueKey } from './needs';
import type { Db } from './stores';

export interface Adapters {
  /** The document client and table names (Lambda: from the environment; locally: the embedded store). */
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  /** The queues a function enqueues to (Lambda: SQS; locally: in-process queues). */
  queues?: Partial<Record<QueueKey, Queue>>;
  /** Business metrics (Lambda: Powertools EMF); none when absent. */
  metrics?: MetricsSink;
  /** One logger per function (default: JSON lines named after the function). */
  logger?: (fn: string) => Logger;
  /** Sees each queue a builder takes (test/unit/composition.test.ts compares them with the needs). */
  onQueue?: (key: QueueKey) => void;
}

export function queue(a: Adapters, key: QueueKey): Queue {
  const q = a.queues?.[key];
  if (!q) throw new Error(`no ${key} queue was given (${key === 'send' ? 'SEND' : 'FANOUT'}_QUEUE_URL)`);
  a.onQueue?.(key);
  return q;
}

export const loggerFor = (a: Adapters, fn: string): Logger => (a.logger ?? createLogger)(fn);

export type { TableKey };
