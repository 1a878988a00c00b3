/**
 * Every Lambda function of the service: its entry, timeout and memory, and what it may touch, which is
 * what its builder declares it needs (functions/composition/needs.ts): the grants follow the code. The
 * API functions are derived from the route table's distinct `fn` values; a route naming an `fn` without
 * declared needs fails synth (and the bench) with a message saying where to add it.
 *
 * Plain data (no CDK import): the stateless stack turns it into IAM statements and environment
 * variables, the benchmark into a list of bundles.
 */
import { type TableKey, tableDefs } from '../functions/adapters/dynamodb/tables';
import { API_FUNCTIONS, functionNeeds, type Needs, queueEnvVar } from '../functions/composition/needs';
import type { Route } from '../functions/http/routes';

export type { ConfigEnvVar, QueueKey, TableAccess } from '../functions/composition/needs';
export { queueEnvVar };

/** What a function may touch: its builder's declared needs (functions/composition/needs.ts). */
export type Grants = Needs;

export interface FunctionSpec extends Grants {
  /** Function group name: `fn` for API functions, the handler file's name otherwise. */
  name: string;
  /** Handler entry, relative to the repository root. */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * The function feeds its own queue on purpose (bounded by a checkpoint), so Lambda's recursive loop
   * detection, which stops such a chain after about 16 rounds, must let it run.
   */
  recursiveByDesign?: boolean;
}

/** Grants per route-table `fn`: the API functions' declared needs. */
export const apiFunctionGrants: Record<string, Grants> = Object.fromEntries(
  API_FUNCTIONS.map((fn) => [fn, functionNeeds[fn]]),
);

const API_TIMEOUT_SECONDS = 10;
const API_MEMORY_MB = 1024;

export const handlerEntry = (name: string) => `functions/handlers/${name}.ts`;

/** The API functions the route table needs, in first-route order. Throws for an `fn` without grants. */
export function apiFunctionSpecs(
  routeTable: readonly Pick<Route, 'fn' | 'method' | 'path'>[],
): FunctionSpec[] {
  const names = [...new Set(routeTable.map((r) => r.fn as string))];
  return names.map((name) => {
    const grants = Object.hasOwn(apiFunctionGrants, name) ? apiFunctionGrants[name] : undefined;
    if (!grants) {
      const example = routeTable.find((r) => r.fn === name);
      throw new Error(
        `The route table names function "${name}" (${example?.method} ${example?.path}) but there are no ` +
          `grants for it: add "${name}" to functionNeeds (functions/composition/needs.ts) and API_FUNCTIONS.`,
      );
    }
    return {
      name,
      entry: handlerEntry(name),
      timeoutSeconds: API_TIMEOUT_SECONDS,
      memoryMb: API_MEMORY_MB,
      ...grants,
    };
  });
}

/** Timeouts matter beyond the function: each SQS queue's visibility timeout is 6× its consumer's. */
export const notificationFunctionSpecs = {
  fanout: {
    name: 'notify-fanout',
    entry: handlerEntry('notify-fanout'),
    timeoutSeconds: 120,
    memoryMb: 1024,
    ...functionNeeds['notify-fanout'],
    // Each step enqueues the next one: 1,000,000 customers at 500 per page is a 2,000-step chain.
    recursiveByDesign: true,
  },
  worker: {
    name: 'notify-worker',
    entry: handlerEntry('notify-worker'),
    // A batch of 50 recipients at a sandbox account's 1 email/s split over 2 instances takes 100 s.
    timeoutSeconds: 300,
    memoryMb: 1024,
    ...functionNeeds['notify-worker'],
  },
  sweeper: {
    name: 'notify-sweeper',
    entry: handlerEntry('notify-sweeper'),
    timeoutSeconds: 50,
    memoryMb: 512,
    ...functionNeeds['notify-sweeper'],
  },
  sesEvents: {
    name: 'ses-events',
    entry: handlerEntry('ses-events'),
    timeoutSeconds: 30,
    memoryMb: 512,
    ...functionNeeds['ses-events'],
  },
  /** Recomputes the counters from the tables on a schedule (functions/usecases/counts.ts). */
  reconcileCounts: {
    name: 'reconcile-counts',
    entry: handlerEntry('reconcile-counts'),
    // A million customers and a million acknowledgments are ~2,000 Query pages: a few minutes at most.
    timeoutSeconds: 900,
    memoryMb: 1024,
    ...functionNeeds['reconcile-counts'],
  },
} as const satisfies Record<string, FunctionSpec>;

export const authorizerSpec: FunctionSpec = {
  name: 'authorizer',
  entry: handlerEntry('authorizer'),
  timeoutSeconds: 5,
  memoryMb: 512,
  ...functionNeeds.authorizer,
};

/** Every function of the service: what the stack deploys and the benchmark bundles. */
export function allFunctionSpecs(
  routeTable: readonly Pick<Route, 'fn' | 'method' | 'path'>[],
): FunctionSpec[] {
  return [...apiFunctionSpecs(routeTable), ...Object.values(notificationFunctionSpecs), authorizerSpec];
}

/** The environment variables a spec implies: its tables, queues and settings (values filled in by the stack). */
export function grantedEnvVars(spec: Grants): string[] {
  return [
    ...Object.keys(spec.tables).map((k) => tableDefs[k as TableKey].envVar),
    ...(spec.sendsTo ?? []).map((q) => queueEnvVar[q]),
    ...(spec.configEnv ?? []),
  ];
}
