import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface BenchRecord {
  name: string;
  value: number;
  unit: string;
}

/** Counts every DynamoDB command the client sends (one per API call; SDK retries are not recounted). */
export function countDynamoRequests(client: DynamoDBClient) {
  const counter = { count: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.count++;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return counter;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** Runs `total` calls of `fn` with at most `concurrency` in flight; returns calls per second. */
export async function throughput(total: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await fn(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
