/**
 * The one table of operational defaults: leases, rates, sizes and cache TTLs. Every function's
 * composition root (functions/composition/) reads it, in Lambda and in `npm start` alike; an environment
 * variable (named beside each value, parsed in functions/composition/env.ts) or a test's option
 * overrides a value, nothing else does. README "Settings" documents the table.
 */
const table = {
  /** How long a worker's claim on a recipient is exclusive (NOTIFY_LEASE_MS). */
  claimLeaseMs: 5 * 60 * 1000,
  /** A fan-out step's lease: after it the sweeper re-enqueues a stalled fan-out. */
  fanoutLeaseMs: 2 * 60 * 1000,
  /** No progress for this long: the sweeper re-enqueues a campaign's uncounted batches (NOTIFY_STALL_MS). */
  stallMs: 30 * 60 * 1000,
  /** Customers per fan-out page, recipients per send batch. */
  fanoutPageSize: 500,
  recipientsPerBatch: 50,
  /** Sends per second per worker instance (SES_MAX_SEND_RATE). */
  sesMaxSendRate: 14,
  /** How long the worker trusts its copy of SES's send quota (SES_QUOTA_REFRESH_MS). */
  sesQuotaRefreshMs: 5 * 60 * 1000,
  /** Sends in flight per worker instance (NOTIFY_SEND_CONCURRENCY). */
  sendConcurrency: 8,
  /** Attempts per recipient for throttled or transient sends, and their back-off. */
  sendAttempts: 8,
  retryBaseMs: 200,
  retryMaxMs: 5_000,
  /** Attempts to record an accepted send in the ledger. */
  markAttempts: 6,
  /** How long batches wait while SES's 24-hour quota is used up (SQS's longest message delay). */
  quotaWaitSeconds: 900,
  /** How long a function instance trusts its copy of a policy's revision list (REVISION_CACHE_TTL_MS). */
  revisionCacheTtlMs: 5_000,
  /** How long the authorizer trusts its copy of the API token secret (TOKEN_CACHE_TTL_MS). */
  tokenCacheTtlMs: 60_000,
};

export const DEFAULTS: { readonly [K in keyof typeof table]: number } = Object.freeze(table);
