/**
 * Deployment configuration, read from CDK context (`-c key=value` or cdk.json) and validated once, so a
 * typo fails `cdk synth` with the name of the key instead of deploying a half-configured service.
 */
import * as z from 'zod';
import { isTimeZone } from '../functions/domain/email';

/** Context values arrive as strings from `-c`, as JSON values from cdk.json: accept both. */
const positiveNumber = z.coerce.number().positive().finite();

const email = z
  .string()
  .trim()
  .regex(
    /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/,
    'must be an email address like privacy@example.com',
  );

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
    'must be a domain name like mail.example.com',
  );

const booleanFlag = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((v) => v === true || v === 'true');

/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export const configSchema = z.object({
  /** Names the stacks (PolicyNotify-<stage>-Stateful/-Stateless) so several stages fit in one account. */
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be 1-20 characters of a-z, 0-9 and -, starting with a letter')
    .default('dev'),
  /** The From address of change emails; its address or domain must be a verified SES identity. */
  senderEmail: email,
  /** Base URL of the public redline / policy pages linked from the emails. */
  publicBaseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL like https://policies.example.com' })
    .transform((u) => u.replace(/\/+$/, '')),
  orgName: z.string().trim().min(1, 'must not be empty').max(200),
  orgPhone: z.string().trim().min(1, 'must not be empty').max(50),
  orgEmail: email,
  /** Postal address shown in every email's contact block (ORG_ADDRESS); optional. */
  orgAddress: z.string().trim().min(1, 'must not be empty').max(300).optional(),
  /** The organisation's website shown in every email's contact block (ORG_WEBSITE); optional. */
  orgWebsite: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL like https://www.example.com' })
    .optional(),
  /** IANA time zone emails show times in for customers who registered none (ORG_TIME_ZONE). */
  orgTimeZone: z
    .string()
    .trim()
    .refine(isTimeZone, 'must be an IANA time zone name like Asia/Ho_Chi_Minh or UTC')
    .default('UTC'),
  /** The account's SES maximum send rate (emails per second); the worker paces to it. */
  sesMaxSendRate: positiveNumber.max(10_000).default(1),
  /** How many notify-worker instances may run at once (SQS event source maxConcurrency, at least 2). */
  workerConcurrency: z.coerce.number().int().min(2).max(1000).default(2),
  /**
   * SES sandbox only: verified recipient addresses (comma-separated) the worker may also name. In the
   * sandbox SES authorizes each recipient identity too, so a policy limited to the sender would refuse.
   */
  sandboxRecipients: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((a) => a.trim()).filter((a) => a.length > 0))
    .pipe(z.array(email))
    .default([]),
  /**
   * Create the sender domain's SES identity (Easy DKIM) in the stateful stack. `false` when the domain is
   * already verified in this account by other means (CloudFormation cannot adopt an existing identity).
   */
  manageSenderIdentity: booleanFlag.default(true),
  /** Custom MAIL FROM domain for SPF alignment, a subdomain of the sender's, e.g. `mail.example.com`. */
  mailFromDomain: hostname.optional(),
  /**
   * Route 53 public hosted zone of the sender domain: DKIM, MAIL FROM and custom API domain records are
   * created in it. Without it they are stack outputs to add to DNS by hand.
   */
  hostedZoneId: z
    .string()
    .trim()
    .regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ')
    .optional(),
  /** Serve the API (and so the public pages) on this domain: an API Gateway custom domain. */
  apiDomainName: hostname.optional(),
  /** ACM certificate (same region) for apiDomainName; without it one is requested, validated by DNS. */
  apiCertificateArn: z
    .string()
    .trim()
    .regex(
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
      'must be an ACM certificate ARN',
    )
    .optional(),
  /** CloudWatch namespace of the business metrics (EmailsSent, Acknowledgments, ...) and the dashboard. */
  metricsNamespace: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._/#:-]{1,255}$/, 'must be a CloudWatch namespace like PolicyNotify')
    .refine((n) => !n.startsWith('AWS/'), 'must not start with AWS/ (reserved)')
    .default('PolicyNotify'),
  /** Hours between two reconciliations of the counters with the tables (docs/DEPLOY.md: drift). */
  countsReconcileHours: z.coerce.number().int().min(1).max(168).default(6),
  /** Seconds API Gateway caches the authorizer's answer per Authorization header (0 turns caching off). */
  authorizerCacheTtlSeconds: z.coerce.number().int().min(0).max(3600).default(300),
  /** Where alarm notifications are emailed; without it the alarm topic has no subscription. */
  alarmEmail: email.optional(),
  /**
   * An existing SNS topic (e.g. the on-call pager's) that also receives every alarm. Its policy must let
   * cloudwatch.amazonaws.com publish (and its KMS key, if any, let CloudWatch use it).
   */
  alarmTopicArn: z
    .string()
    .trim()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN')
    .optional(),
  /** CloudWatch Logs retention of every function and the API access log, in days. */
  logRetentionDays: z.coerce
    .number()
    .refine((d) => LOG_RETENTION_DAYS.includes(d), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`)
    .default(30),
  /** Steady-state and burst request limits of the HTTP API stage. */
  apiRateLimit: positiveNumber.default(100),
  apiBurstLimit: z.coerce.number().int().positive().default(200),
  /**
   * Map Lambda stack traces to the TypeScript at run time (NODE_OPTIONS=--enable-source-maps). Off by
   * default: it adds about 20-30 ms to every cold start; the .map files ship with the bundles either way.
   */
  sourceMapsAtRuntime: booleanFlag.default(false),
});

export type AppConfig = z.output<typeof configSchema>;
export const configKeys = Object.keys(configSchema.shape) as Array<keyof AppConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates raw context values. The error lists every bad key with the reason and how to pass it, e.g.
 * `senderEmail is required (pass -c senderEmail=...)`.
 */
export function parseConfig(raw: Record<string, unknown>): AppConfig {
  const input = Object.fromEntries(configKeys.map((k) => [k, raw[k] === '' ? undefined : raw[k]]));
  const result = configSchema.safeParse(input);
  if (result.success) {
    const c = result.data;
    const domain = senderDomain(c.senderEmail);
    const problems: string[] = [];
    if (c.mailFromDomain && !c.mailFromDomain.endsWith(`.${domain}`))
      problems.push(
        `  - mailFromDomain must be a subdomain of the sender domain ${domain} (got ${c.mailFromDomain})`,
      );
    if (c.apiDomainName && new URL(c.publicBaseUrl).host !== c.apiDomainName)
      problems.push(
        `  - publicBaseUrl must be https://${c.apiDomainName} when apiDomainName is set (got ${c.publicBaseUrl})`,
      );
    if (problems.length > 0)
      throw new ConfigError(`Invalid CDK context for policy-notify:\n${problems.join('\n')}`);
    // A production stage whose alarms reach nobody is a deploy nobody would notice failing.
    if (c.stage === 'prod' && !c.alarmEmail && !c.alarmTopicArn)
      throw new ConfigError(
        'Invalid CDK context for policy-notify:\n' +
          '  - stage=prod needs somewhere to send alarms: pass -c alarmEmail=... and/or -c alarmTopicArn=...',
      );
    return c;
  }
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '(config)');
    const missing = input[key] === undefined;
    return missing
      ? `  - ${key} is required (pass -c ${key}=...)`
      : `  - ${key}: ${issue.message} (got ${JSON.stringify(input[key])})`;
  });
  throw new ConfigError(`Invalid CDK context for policy-notify:\n${problems.join('\n')}`);
}

/** Reads every config key from a construct's context (the App's, in practice). */
export function configFromContext(tryGetContext: (key: string) => unknown): AppConfig {
  return parseConfig(Object.fromEntries(configKeys.map((k) => [k, tryGetContext(k)])));
}

/** `privacy@example.com` → `example.com`: SES identities are either the address or its domain. */
export const senderDomain = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
