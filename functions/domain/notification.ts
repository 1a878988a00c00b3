/**
 * Notification rules: queue message shapes, deterministic batching, locale choice, progress and
 * completion, send-error classes and back-off. Pure: no I/O, no clock (callers pass readings).
 * The design and its failure windows are written down in docs/NOTIFICATIONS.md.
 */

import { DEFAULTS } from './defaults';
import type { Campaign, CampaignStatus, FinalRecipientState, LedgerEntry, PageTally } from './entities';
import { POLICY_ID, USER_ID } from './ids';
import { lazy } from './lazy';
import type { Revision } from './revision';
import * as z from './schema';
import { intIn, matching } from './schema';

/** Recipients per send-queue message: small enough to finish well inside one worker invocation. */
export const RECIPIENTS_PER_BATCH = DEFAULTS.recipientsPerBatch;
/** Customers read per fan-out step (one step per fan-out message). */
export const FANOUT_PAGE_SIZE = DEFAULTS.fanoutPageSize;

const version = () => intIn(1, 9_999_999_999);

/*
 * The message schemas are built at their first use (`lazy`): each is parsed by one function only (the
 * fan-out, the worker), and the functions that merely import this module for its rules never build them.
 */

/** "Advance this campaign's fan-out by one page from its checkpoint." Carries no position on purpose. */
export const fanoutMessageSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    kind: z.literal('fanout'),
    policyId: matching(POLICY_ID),
    version: version(),
  }),
);

/**
 * One batch of recipients for the worker. `batchId` is `<page>-<index>` and `batches` the number of
 * batches of that page: the same frozen page always gives the same batches.
 */
export const sendMessageSchema = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      kind: z.literal('send'),
      policyId: matching(POLICY_ID),
      version: version(),
      page: intIn(0),
      batches: intIn(1, 1000),
      batchId: matching(/^[0-9]{1,10}-[0-9]{1,4}$/),
      userIds: z.array(matching(USER_ID)).check(z.minLength(1), z.maxLength(100)),
    })
    .check(z.refine((m) => m.batchId.startsWith(`${m.page}-`), 'batchId must start with the page number')),
);

/**
 * A dry run's test email for the worker to send (usecases/preview.ts): already rendered, to one address
 * the publisher typed. Not a notification: no campaign, ledger entry or count. The bounds are far above
 * what `composeNotice` makes (at most 15 listed sections, a 2,000-character summary) and keep the
 * message well inside SQS's 256 KiB.
 */
export const testEmailMessageSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    kind: z.literal('test'),
    /** The test send's id (the API's `testEmail.messageId`), also a tag on the SES message (SES's tag charset). */
    id: matching(/^[A-Za-z0-9_.-]{1,64}$/),
    to: z.string().check(z.minLength(3), z.maxLength(254)),
    subject: z.string().check(z.minLength(1), z.maxLength(1_000)),
    text: z.string().check(z.maxLength(40_000)),
    html: z.string().check(z.maxLength(80_000)),
  }),
);

export type FanoutMessage = z.infer<ReturnType<typeof fanoutMessageSchema>>;
export type SendMessage = z.infer<ReturnType<typeof sendMessageSchema>>;
export type TestEmailMessage = z.infer<ReturnType<typeof testEmailMessageSchema>>;

export const fanoutMessage = (policyId: string, version: number): FanoutMessage => ({
  kind: 'fanout',
  policyId,
  version,
});

/** Splits a frozen page into batches. Deterministic, so a redelivered page re-enqueues identical batches. */
export function planBatches(
  policyId: string,
  version: number,
  page: number,
  userIds: string[],
  size = RECIPIENTS_PER_BATCH,
): SendMessage[] {
  const batches: SendMessage[] = [];
  const count = Math.ceil(userIds.length / size);
  for (let i = 0; i < count; i++) {
    batches.push({
      kind: 'send',
      policyId,
      version,
      page,
      batches: count,
      batchId: `${page}-${i}`,
      userIds: userIds.slice(i * size, (i + 1) * size),
    });
  }
  return batches;
}

/**
 * The SES message tag that ties an SES event back to its ledger entry: `[policyId, version, userId]` as
 * base64url JSON (tag values allow only letters, digits, `_ - . @`; user ids may hold `:`).
 */
export const LEDGER_TAG = 'ledger';
export const ledgerTag = (policyId: string, version: number, userId: string) =>
  Buffer.from(JSON.stringify([policyId, version, userId]), 'utf8').toString('base64url');

export function parseLedgerTag(value: string): { policyId: string; version: number; userId: string } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3) return null;
    const [policyId, version, userId] = parsed as unknown[];
    if (typeof policyId !== 'string' || !POLICY_ID.test(policyId)) return null;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return null;
    if (typeof userId !== 'string' || !USER_ID.test(userId)) return null;
    return { policyId, version, userId };
  } catch {
    return null;
  }
}

/** Unique ids in first-seen order: a page never lists anyone twice. */
export const uniqueIds = (ids: string[]) => [...new Set(ids)];

/**
 * The locale a customer is written to in: theirs when the revision has it (exactly, or its language
 * when the revision has only that: `vi-VN` reads `vi`), else the revision's default locale.
 */
export function recipientLocale(
  revision: Pick<Revision, 'locales' | 'defaultLocale'>,
  customerLocale: string | null,
) {
  if (customerLocale) {
    if (revision.locales.includes(customerLocale)) return customerLocale;
    const language = customerLocale.split('-')[0]!.toLowerCase();
    if (revision.locales.includes(language)) return language;
  }
  return revision.defaultLocale;
}

export const isFinal = (
  e: Pick<LedgerEntry, 'state'> | undefined,
): e is LedgerEntry & { state: FinalRecipientState } =>
  e !== undefined && (e.state === 'sent' || e.state === 'failed' || e.state === 'suppressed');

/** Whether a worker may take this entry now: nobody has it, it was released, or its claim's lease ran out. */
export const isClaimable = (e: LedgerEntry | undefined, nowMs: number) =>
  e === undefined || e.state === 'pending' || (e.state === 'claimed' && (e.leaseUntil ?? 0) < nowMs);

/** Every listed recipient is accounted for and nobody more will be listed. */
export const isCampaignComplete = (c: Campaign) =>
  c.status === 'completed' || (c.fanout.done && c.sent + c.failed + c.suppressed >= c.total);

export const isTallyComplete = (t: PageTally) => t.countedBatches.length >= t.batches;

/** Pages the fan-out has listed whose tallies are not yet in the campaign's counters. */
export function openPages(c: Campaign): number[] {
  const done = new Set(c.rolledUpPages);
  const open: number[] = [];
  for (let p = 0; p < c.fanout.page; p++) if (!done.has(p)) open.push(p);
  return open;
}

export interface NotificationProgress {
  status: CampaignStatus | 'not_requested';
  total: number;
  sent: number;
  failed: number;
  suppressed: number;
  startedAt: string | null;
  completedAt: string | null;
  /**
   * While sending: when the campaign should be done at the pace so far (recipients handled per second
   * since `startedAt`, which includes any pauses for SES's daily quota), over the recipients listed so
   * far. Null before the first result and once completed.
   */
  estimatedCompletion: string | null;
}

/**
 * The progress route's answer (API.md, Notifications). A notified revision without a campaign yet is
 * `pending`. `openTallies` (pages still being sent) make the counters move batch by batch rather than
 * page by page.
 */
export function notificationProgress(
  revision: Pick<Revision, 'notify'>,
  campaign: Campaign | null,
  openTallies: PageTally[] = [],
  now: Date = new Date(),
): NotificationProgress {
  const zero = {
    total: 0,
    sent: 0,
    failed: 0,
    suppressed: 0,
    startedAt: null,
    completedAt: null,
    estimatedCompletion: null,
  };
  if (!revision.notify) return { status: 'not_requested', ...zero };
  if (!campaign) return { status: 'pending', ...zero };
  const rolled = new Set(campaign.rolledUpPages);
  const open = openTallies.filter((t) => !rolled.has(t.page));
  const sent = campaign.sent + sum(open, 'sent');
  const failed = campaign.failed + sum(open, 'failed');
  const suppressed = campaign.suppressed + sum(open, 'suppressed');
  const handled = sent + failed + suppressed;
  let estimatedCompletion: string | null = null;
  const started = campaign.startedAt ? Date.parse(campaign.startedAt) : Number.NaN;
  if (campaign.status === 'sending' && handled > 0 && now.getTime() > started) {
    const perMs = handled / (now.getTime() - started);
    estimatedCompletion = new Date(
      now.getTime() + Math.max(0, campaign.total - handled) / perMs,
    ).toISOString();
  }
  return {
    status: campaign.status,
    total: campaign.total,
    sent,
    failed,
    suppressed,
    startedAt: campaign.startedAt,
    completedAt: campaign.completedAt,
    estimatedCompletion,
  };
}

/**
 * How a send failed, which decides what happens next (docs/NOTIFICATIONS.md, error policy):
 * - `throttled`: SES said "slow down" (nothing was sent): back off, retry;
 * - `rejected`: permanent for this message (bad address, rejected content): recorded as failed, never retried;
 * - `transient`: anything else (network, 5xx): retried a few times, then the batch goes back to the queue.
 */
export type MailErrorKind = 'throttled' | 'rejected' | 'transient';

export class MailSendError extends Error {
  constructor(
    readonly kind: MailErrorKind,
    /** Provider error code, e.g. `MessageRejected`; safe to store and log (no address in it). */
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MailSendError';
  }
}

/**
 * Failure codes a retry can cure (`POST …/notification/retry`): the refusal was about the sender's side —
 * the account, its identity or configuration (sending paused, an unverified sender or sandbox recipient,
 * a MAIL FROM domain not verified) — which an operator can fix, after which the same email goes through.
 * Every other failure is permanent for the recipient: an address or content that cannot be sent
 * (`InvalidAddress`, `InvalidContent`, `SerializationError`, `InvalidParameterValue`, `ValidationError`),
 * where sending again would fail again. `sent`, `suppressed` (bounce, complaint, suppression list) and
 * erased recipients are never sent again.
 */
export const RETRYABLE_FAILURES: readonly string[] = [
  'MessageRejected',
  'MailFromDomainNotVerified',
  'MailFromDomainNotVerifiedException',
  'AccountSendingPausedException',
  'SendingPausedException',
  'ConfigurationSetSendingPausedException',
  'ConfigurationSetDoesNotExist',
  'ConfigurationSetDoesNotExistException',
];

/** The failure code a ledger reason starts with (`MessageRejected: Email address is not verified.`). */
export const failureCode = (reason: string | undefined) => (reason ?? '').split(':')[0]!.trim();

export const isRetryableFailure = (reason: string | undefined) =>
  RETRYABLE_FAILURES.includes(failureCode(reason));

/** Exponential back-off with full jitter: `random` in [0, 1). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

const sum = (tallies: PageTally[], key: FinalRecipientState) => tallies.reduce((n, t) => n + t[key], 0);

export const emptyCounts = (): Record<FinalRecipientState, number> => ({ sent: 0, failed: 0, suppressed: 0 });
