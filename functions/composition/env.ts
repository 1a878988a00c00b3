/**
 * The environment of every function, parsed in one place: a zod schema per function over the variables
 * it reads, with the defaults of functions/domain/defaults.ts. Lambda parses `process.env`; the local
 * runtime and the benchmarks parse the same schemas over the values they choose, so a default is never
 * written twice. Errors name the variable and never echo a secret.
 *
 * Tables and queues come from the function's declared needs (./needs.ts): exactly the variables the
 * stack sets for what it granted.
 */
import { type TableKey, type TableNames, tableDefs } from '../adapters/dynamodb/tables';
import { DEFAULTS } from '../domain/defaults';
import { canonicalTimeZone, isSafeAddress, type OrgContact, singleLine } from '../domain/email';
import * as z from '../domain/schema';
import { LOG_LEVELS, type LogLevel } from '../http/log';
import { type FunctionName, functionNeeds, type Needs, type QueueKey, queueEnvVar } from './needs';

export type Env = Record<string, string | undefined>;

const WHOLE = 'must be a whole number';
/** A whole number of milliseconds (or items), `fallback` when unset. */
const whole = (fallback: number, min = 0) =>
  z._default(z.coerce.number(WHOLE).check(z.int(WHOLE), z.minimum(min, WHOLE)), fallback);
const POSITIVE = 'must be a positive number';
/** A positive rate (fractions allowed: 0.5 is one send every two seconds). */
const rate = (fallback: number) =>
  z._default(
    z.coerce.number(POSITIVE).check(z.refine((n) => Number.isFinite(n) && n > 0, POSITIVE)),
    fallback,
  );
/*
 * The variable schemas below are factories, not values: a zod schema built at module scope would be built
 * in every bundle at load, whether or not its function reads that variable. Each function's settings
 * schema (built at its first invocation) builds only the ones it uses.
 */
const required = () => z.string('is required').check(z.minLength(1, 'is required'));
const optionalText = () => z.optional(z.string());

/** An absolute http(s) URL without trailing slashes (links are built by appending paths). */
const baseUrl = () =>
  z.pipe(
    required().check(
      z.refine((value) => {
        try {
          const url = new URL(value);
          return url.protocol === 'https:' || url.protocol === 'http:';
        } catch {
          return false;
        }
      }, 'must be an absolute http(s) URL'),
    ),
    z.transform((value) => {
      // A loop, not /\/+$/: that pattern is quadratic on a long run of slashes.
      let end = value.length;
      while (end > 0 && value[end - 1] === '/') end--;
      return value.slice(0, end);
    }),
  );

const apiCache = () => ({ REVISION_CACHE_TTL_MS: whole(DEFAULTS.revisionCacheTtlMs) });

/** One line, no spaces or markup characters: the website is linked in every email. */
const WEBSITE = /^https?:\/\/[^\s<>"']+$/i;

/**
 * The organisation every email names: ORG_NAME (required); ORG_PHONE, ORG_EMAIL, ORG_ADDRESS and
 * ORG_WEBSITE (each shown when set); ORG_TIME_ZONE, the IANA zone times are shown in for readers who
 * registered none (default UTC, stored in its canonical spelling).
 */
const orgVars = () => ({
  ORG_NAME: required(),
  ORG_PHONE: optionalText(),
  ORG_EMAIL: optionalText(),
  ORG_ADDRESS: optionalText(),
  ORG_WEBSITE: z.optional(z.string().check(z.refine((v) => WEBSITE.test(v), 'must be an http(s) URL'))),
  ORG_TIME_ZONE: z._default(
    z.pipe(
      required().check(z.refine((v) => canonicalTimeZone(v) !== null, 'must be an IANA time zone name')),
      z.transform((v) => canonicalTimeZone(v) ?? v),
    ),
    'UTC',
  ),
});

interface OrgVars {
  ORG_NAME: string;
  ORG_PHONE?: string | undefined;
  ORG_EMAIL?: string | undefined;
  ORG_ADDRESS?: string | undefined;
  ORG_WEBSITE?: string | undefined;
}

const orgOf = (e: OrgVars): OrgContact => {
  const optional = (value: string | undefined) => (value ? singleLine(value) : null);
  return {
    name: singleLine(e.ORG_NAME),
    phone: optional(e.ORG_PHONE),
    email: optional(e.ORG_EMAIL),
    address: optional(e.ORG_ADDRESS),
    website: optional(e.ORG_WEBSITE),
  };
};

const sender = () => ({
  SES_FROM_ADDRESS: required().check(z.refine(isSafeAddress, 'must be a bare email address')),
  SES_CONFIGURATION_SET: optionalText(),
});

/** Each function's settings: the variables it reads (besides tables and queues) and what they become. One
 * function per schema, so a bundle keeps only its own function's. */
export const readSettings = () =>
  z.pipe(
    z.looseObject({ PUBLIC_BASE_URL: baseUrl(), ORG_NAME: required(), ...apiCache() }),
    z.transform((e) => ({
      publicBaseUrl: e.PUBLIC_BASE_URL,
      orgName: e.ORG_NAME,
      revisionCacheTtlMs: e.REVISION_CACHE_TTL_MS,
    })),
  );

/** Publishing, plus what a dry run's emails need (the worker's links and organisation; the worker sends). */
export const publishSettings = () =>
  z.pipe(
    z.looseObject({ ...apiCache(), PUBLIC_BASE_URL: baseUrl(), ...orgVars() }),
    z.transform((e) => ({
      revisionCacheTtlMs: e.REVISION_CACHE_TTL_MS,
      fanoutLeaseMs: DEFAULTS.fanoutLeaseMs,
      batchSize: DEFAULTS.recipientsPerBatch,
      publicBaseUrl: e.PUBLIC_BASE_URL,
      org: orgOf(e),
      timeZone: e.ORG_TIME_ZONE,
    })),
  );

export const customersSettings = () =>
  z.pipe(
    z.looseObject({}),
    z.transform(() => ({})),
  );

export const acknowledgmentsSettings = () =>
  z.pipe(
    z.looseObject({ ...apiCache() }),
    z.transform((e) => ({ revisionCacheTtlMs: e.REVISION_CACHE_TTL_MS })),
  );

export const complianceSettings = () =>
  z.pipe(
    z.looseObject({ ...apiCache() }),
    z.transform((e) => ({ revisionCacheTtlMs: e.REVISION_CACHE_TTL_MS })),
  );

export const notifyFanoutSettings = () =>
  z.pipe(
    z.looseObject({}),
    z.transform(() => ({
      fanoutLeaseMs: DEFAULTS.fanoutLeaseMs,
      pageSize: DEFAULTS.fanoutPageSize,
      batchSize: DEFAULTS.recipientsPerBatch,
    })),
  );

export const notifyWorkerSettings = () =>
  z.pipe(
    z.looseObject({
      ...sender(),
      SES_MAX_SEND_RATE: rate(DEFAULTS.sesMaxSendRate),
      SES_QUOTA_REFRESH_MS: whole(DEFAULTS.sesQuotaRefreshMs),
      PUBLIC_BASE_URL: baseUrl(),
      ...orgVars(),
      NOTIFY_LEASE_MS: whole(DEFAULTS.claimLeaseMs),
      NOTIFY_SEND_CONCURRENCY: whole(DEFAULTS.sendConcurrency, 1),
    }),
    z.transform((e) => ({
      fromAddress: e.SES_FROM_ADDRESS,
      configurationSet: e.SES_CONFIGURATION_SET,
      sesMaxSendRate: e.SES_MAX_SEND_RATE,
      quotaRefreshMs: e.SES_QUOTA_REFRESH_MS,
      publicBaseUrl: e.PUBLIC_BASE_URL,
      org: orgOf(e),
      timeZone: e.ORG_TIME_ZONE,
      leaseMs: e.NOTIFY_LEASE_MS,
      sendConcurrency: e.NOTIFY_SEND_CONCURRENCY,
      sendAttempts: DEFAULTS.sendAttempts,
      retryBaseMs: DEFAULTS.retryBaseMs,
      retryMaxMs: DEFAULTS.retryMaxMs,
      markAttempts: DEFAULTS.markAttempts,
      quotaWaitSeconds: DEFAULTS.quotaWaitSeconds,
    })),
  );

export const notifySweeperSettings = () =>
  z.pipe(
    z.looseObject({ NOTIFY_STALL_MS: whole(DEFAULTS.stallMs) }),
    z.transform((e) => ({
      stallMs: e.NOTIFY_STALL_MS,
      fanoutLeaseMs: DEFAULTS.fanoutLeaseMs,
      batchSize: DEFAULTS.recipientsPerBatch,
    })),
  );

export const sesEventsSettings = () =>
  z.pipe(
    z.looseObject({}),
    z.transform(() => ({})),
  );

export const reconcileCountsSettings = () =>
  z.pipe(
    z.looseObject({}),
    z.transform(() => ({})),
  );

export const authorizerSettings = () =>
  z.pipe(
    z.looseObject({
      API_TOKENS_SECRET_ARN: required(),
      TOKEN_CACHE_TTL_MS: whole(DEFAULTS.tokenCacheTtlMs),
    }),
    z.transform((e) => ({ secretId: e.API_TOKENS_SECRET_ARN, tokenCacheTtlMs: e.TOKEN_CACHE_TTL_MS })),
  );

export const settingsSchemas = {
  read: readSettings,
  publish: publishSettings,
  customers: customersSettings,
  acknowledgments: acknowledgmentsSettings,
  compliance: complianceSettings,
  'notify-fanout': notifyFanoutSettings,
  'notify-worker': notifyWorkerSettings,
  'notify-sweeper': notifySweeperSettings,
  'ses-events': sesEventsSettings,
  'reconcile-counts': reconcileCountsSettings,
  authorizer: authorizerSettings,
} satisfies Record<FunctionName, () => z.ZodMiniType>;

export type Settings<F extends FunctionName> = z.infer<ReturnType<(typeof settingsSchemas)[F]>>;

/** Unset and empty variables are alike: both take the default (or fail when required). */
const present = (env: Env) =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));

/** Throws naming the first bad variable: `environment variable X is required` / `... must be ...`. */
export function parseSettings<F extends FunctionName>(fn: F, env: Env): Settings<F> {
  return parseSettingsWith(settingsSchemas[fn]() as SchemaOf<F>, env) as Settings<F>;
}

type SchemaOf<F extends FunctionName> = ReturnType<(typeof settingsSchemas)[F]>;

/** `parseSettings` given the schema itself: a Lambda bundle then holds only its own function's schema. */
export function parseSettingsWith<S extends z.ZodMiniType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(present(env));
  if (result.success) return result.data as z.infer<S>;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? '');
  const value = env[name];
  // A URL is quoted back (it is public); nothing else is.
  const shown = name.endsWith('_URL') && value ? `, got "${value.slice(0, 200)}"` : '';
  throw new Error(`environment variable ${name} ${issue.message}${shown}`);
}

/** Where a function's tables and queues are, from the variables its needs put in its environment. */
export interface Locations {
  tables: Partial<TableNames>;
  queueUrls: Partial<Record<QueueKey, string>>;
  /** Set for the embedded store, DynamoDB Local or an emulator; unset in AWS. */
  dynamodbEndpoint: string | undefined;
  sqsEndpoint: string | undefined;
  sesEndpoint: string | undefined;
  region: string | undefined;
}

export function parseLocations(fn: FunctionName, env: Env): Locations {
  const needs: Needs = functionNeeds[fn];
  const need = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is required`);
    return value;
  };
  return {
    tables: Object.fromEntries(
      Object.keys(needs.tables).map((key) => [key, need(tableDefs[key as TableKey].envVar)]),
    ),
    queueUrls: Object.fromEntries((needs.sendsTo ?? []).map((q) => [q, need(queueEnvVar[q])])),
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    sqsEndpoint: env.SQS_ENDPOINT || undefined,
    sesEndpoint: env.SES_ENDPOINT || undefined,
    region: env.AWS_REGION || undefined,
  };
}

/**
 * What every process reads besides its function's settings: LOG_LEVEL (`debug`, `info`, `warn` or
 * `error`; anything else is `info`: a typo must not stop a function), whether SDK calls are traced (in
 * Lambda, AWS_EXECUTION_ENV, unless POWERTOOLS_TRACE_ENABLED is `false`) and the metrics namespace
 * (POWERTOOLS_METRICS_NAMESPACE; Powertools Metrics reads it too).
 */
export interface ProcessSettings {
  logLevel: LogLevel;
  tracing: boolean;
  metricsNamespace: string | undefined;
}

export function parseProcessSettings(env: Env): ProcessSettings {
  const level = env.LOG_LEVEL?.trim().toLowerCase() as LogLevel | undefined;
  return {
    logLevel: level && LOG_LEVELS.includes(level) ? level : 'info',
    tracing: Boolean(env.AWS_EXECUTION_ENV) && env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false',
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE || undefined,
  };
}
