/**
 * The send worker (docs/NOTIFICATIONS.md): one batch of recipients per queue message, each recipient
 * through the ledger as claim → send → record, so redelivered or duplicated batches never email anyone
 * twice and nobody is skipped. Counting happens once per batch, into its page's tally (idempotent by
 * batch id), and complete pages are rolled up into the campaign (idempotent by page).
 */

import { DEFAULTS } from '../domain/defaults';
import { isSafeAddress, isWellFormed, personalize, type RenderedEmail } from '../domain/email';
import { hasWording } from '../domain/email-templates';
import {
  backoffMs,
  emptyCounts,
  isClaimable,
  isFinal,
  LEDGER_TAG,
  ledgerTag,
  MailSendError,
  recipientLocale,
  type SendMessage,
  type TestEmailMessage,
  uniqueIds,
} from '../domain/notification';
import { redactAddresses } from '../domain/redact';
import type { Revision } from '../domain/revision';
import { addressHash, normaliseAddress } from '../domain/suppression';
import type {
  Clock,
  Customer,
  CustomerStore,
  FinalRecipientState,
  IdGenerator,
  LedgerEntry,
  Logger,
  Mailer,
  MetricsSink,
  NotificationStore,
  Pacer,
  SendQuotaGate,
  SuppressionStore,
} from '../ports';
import { recordEmailOutcomes } from './email-metrics';
import type { NoticeCache } from './notification-content';
import { rollUpIfComplete } from './notifications';

export interface WorkerConfig {
  from: string;
  /** How long a claim is exclusive. Longer than one recipient's send with all its retries. */
  leaseMs: number;
  /** Sends in flight at once in this instance (all of them still paced by the token bucket). */
  concurrency: number;
  /** Attempts per recipient for throttled or transient sends before the batch goes back to the queue. */
  sendAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts to record a send in the ledger (the un-closable window: keep it small). */
  markAttempts: number;
}

export const DEFAULT_WORKER_CONFIG: Omit<WorkerConfig, 'from'> = {
  leaseMs: DEFAULTS.claimLeaseMs,
  concurrency: DEFAULTS.sendConcurrency,
  sendAttempts: DEFAULTS.sendAttempts,
  retryBaseMs: DEFAULTS.retryBaseMs,
  retryMaxMs: DEFAULTS.retryMaxMs,
  markAttempts: DEFAULTS.markAttempts,
};

export interface WorkerDeps {
  notifications: NotificationStore;
  customers: Pick<CustomerStore, 'getMany' | 'get'>;
  /** The suppression list (by address hash), checked before every send. */
  suppressions: Pick<SuppressionStore, 'suppressedAmong' | 'get'>;
  mailer: Mailer;
  pacer: Pacer;
  content: NoticeCache;
  clock: Clock;
  /** Claim tokens. */
  ids: IdGenerator;
  logger: Logger;
  config: WorkerConfig;
  /** SES's limits (GetSendQuota, cached): the pace's ceiling and the 24-hour quota. */
  quota?: SendQuotaGate;
  /** Bounds concurrent sends across all the messages of an invocation. */
  limiter: Limiter;
  /**
   * Sends SES accepted whose ledger write failed, remembered by this instance: if it gets the recipient
   * again it records the send instead of repeating it. Only a different or restarted instance can
   * send twice (the documented window).
   */
  unrecorded: Map<string, { messageId: string; at: string }>;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Business metrics (EmailsSent / EmailsFailed / EmailsSuppressed); none when absent. */
  metrics?: MetricsSink;
}

export interface BatchResult {
  /** Every recipient is final and the batch is counted: the message can be deleted. */
  done: boolean;
  sent: number;
  unfinished: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ledgerKey = (m: Pick<SendMessage, 'policyId' | 'version'>, userId: string) =>
  `${m.policyId}/${m.version}/${userId}`;

export async function processSendBatch(
  deps: WorkerDeps,
  message: SendMessage,
  deadlineMs: number,
): Promise<BatchResult> {
  const { policyId, version, page, batchId } = message;
  const userIds = uniqueIds(message.userIds);
  const state = await deps.notifications.getBatchState(policyId, version, page, userIds);
  if (state.tally?.countedBatches.includes(batchId)) {
    // Counted by an earlier delivery that may have died before the roll-up.
    await rollUpIfComplete(deps, policyId, version, state.tally);
    return { done: true, sent: 0, unfinished: 0 };
  }
  const revision = await deps.content.revision(policyId, version);

  const finals = new Map<string, LedgerEntry>();
  const todo: string[] = [];
  let unfinished = 0;
  const now = nowMs(deps);
  for (const userId of userIds) {
    const entry = state.entries.get(userId);
    if (isFinal(entry)) finals.set(userId, entry);
    else if (isClaimable(entry, now)) todo.push(userId);
    else unfinished++; // another delivery holds a live claim: this batch waits for it
  }

  // One read of the batch's customers and one of the suppression list settle most recipients before
  // any claim; each one still sent to is read again right before its send (erasure wins).
  const customers = new Map<string, Customer>();
  let suppressed = new Set<string>();
  if (todo.length > 0) {
    for (const c of await deps.customers.getMany(todo)) customers.set(c.userId, c);
    const hashes = [...customers.values()]
      .filter((c) => c.status === 'active')
      .map((c) => addressHash(c.email));
    if (hashes.length > 0) suppressed = await deps.suppressions.suppressedAmong(hashes);
  }
  let sent = 0;
  await Promise.all(
    todo.map((userId) =>
      deps.limiter.run(async () => {
        const entry = await deliver(
          { deps, revision, message, userId, suppressed, deadlineMs },
          customers.get(userId) ?? null,
        );
        if (entry) {
          finals.set(userId, entry);
          if (entry.state === 'sent' && entry.finalizedBy === batchId) sent++;
        } else unfinished++;
      }),
    ),
  );
  if (unfinished > 0) return { done: false, sent, unfinished };

  // Each entry is counted by the batch that finalised it, whichever delivery of it that was.
  const counts = emptyCounts();
  for (const userId of userIds) {
    const entry = finals.get(userId)!;
    if (entry.finalizedBy === batchId && isFinal(entry)) counts[entry.state]++;
  }
  const { applied, tally } = await deps.notifications.applyBatchTally(policyId, version, {
    page,
    batchId,
    batchesInPage: message.batches,
    counts,
    at: deps.clock.now().toISOString(),
  });
  // Counted where the tally is applied the first time, so a redelivered batch is never counted twice.
  if (applied && deps.metrics) recordEmailOutcomes(deps.metrics, counts);
  await rollUpIfComplete(deps, policyId, version, tally);
  return { done: true, sent, unfinished: 0 };
}

/**
 * A dry run's test email (usecases/preview.ts queues it): sent with the worker's sender, paced and
 * counted against SES's quota like every email, and nothing else. No campaign, ledger entry, tally or
 * metric: it is not a notification. The address is checked again (the queue is not the API). Returns
 * false when it should be tried again (a throttled or transient failure); a rejected one is dropped.
 */
export async function sendTestEmail(
  deps: Pick<WorkerDeps, 'mailer' | 'pacer' | 'quota' | 'logger' | 'config'>,
  message: TestEmailMessage,
): Promise<boolean> {
  if (!isSafeAddress(message.to) || !isWellFormed(message.subject, message.text, message.html)) {
    deps.logger.warn('test email dropped: bad address or content', { testId: message.id });
    return true;
  }
  const slot = await deps.pacer.take();
  try {
    slot?.sending();
    await deps.mailer.send({
      from: deps.config.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      tags: { kind: 'test', testId: message.id },
    });
    deps.quota?.sent();
    return true;
  } catch (e) {
    const failure =
      e instanceof MailSendError ? e : new MailSendError('transient', 'Unknown', String(e), { cause: e });
    if (failure.kind === 'throttled') deps.pacer.throttled();
    const rejected = failure.kind === 'rejected';
    deps.logger.warn(rejected ? 'test email rejected' : 'test email failed; it will be retried', {
      testId: message.id,
      errorName: failure.code,
    });
    return rejected;
  }
}

/** Why a customer gets no email (a final state and its reason), or null when they may be sent one. */
function unsendable(
  customer: Customer | null,
  suppressed: Set<string>,
): { state: 'suppressed' | 'failed'; reason: string } | null {
  if (!customer) return { state: 'suppressed', reason: 'deleted' };
  if (customer.status !== 'active')
    return { state: 'suppressed', reason: customer.suppressedReason ?? 'suppressed' };
  if (!isSafeAddress(customer.email)) return { state: 'failed', reason: 'InvalidAddress' };
  if (suppressed.has(addressHash(customer.email))) return { state: 'suppressed', reason: 'suppression-list' };
  return null;
}

/** One recipient's delivery within a batch: what every phase needs. */
interface Delivery {
  deps: WorkerDeps;
  revision: Revision;
  message: SendMessage;
  userId: string;
  /** Suppressed address hashes of the batch (a changed address's hash is added when found). */
  suppressed: Set<string>;
  deadlineMs: number;
}

/** A claim this delivery holds: its token, and the epoch ms its lease lapses. */
interface Claim {
  token: string;
  leaseUntil: number;
}

/**
 * What sending to a claimed recipient came to: `sent` (SES accepted it: record it), `final` (no email
 * will ever go: make the entry final under the claim), or `later` (give the claim back; a later delivery
 * of the batch retries).
 */
type SendOutcome =
  | { kind: 'sent'; messageId: string; at: string }
  | { kind: 'final'; state: 'failed' | 'suppressed'; reason: string }
  | { kind: 'later' };

const LATER: SendOutcome = { kind: 'later' };
const nowMs = (deps: WorkerDeps) => deps.clock.now().getTime();
const nowIso = (deps: WorkerDeps) => deps.clock.now().toISOString();

/**
 * One recipient: deleted/suppressed/unaddressable → final without sending; otherwise claim, send
 * (re-reading the customer right before), record. Returns the final entry, or null when the recipient
 * must wait for a later delivery.
 */
async function deliver(d: Delivery, listed: Customer | null): Promise<LedgerEntry | null> {
  const before = unsendable(listed, d.suppressed);
  if (before || !listed) return finish(d, before?.state ?? 'suppressed', before?.reason ?? 'deleted', null);
  if (nowMs(d.deps) >= d.deadlineMs) return null;

  const claim = await claimRecipient(d);
  if (!claim) return null;
  if ('settled' in claim) return claim.settled;
  // This instance sent to the recipient before and could not record it: record it now, never resend.
  const remembered = d.deps.unrecorded.get(ledgerKey(d.message, d.userId));
  if (remembered) return record(d, claim.token, remembered.messageId, remembered.at);

  const outcome = await send(d, claim, listed);
  switch (outcome.kind) {
    case 'sent':
      return record(d, claim.token, outcome.messageId, outcome.at);
    case 'final':
      return finish(d, outcome.state, outcome.reason, claim.token);
    case 'later':
      await release(d, claim.token);
      return null;
  }
}

/**
 * Takes the recipient's ledger entry for this delivery. Null after a storage fault; `settled` when
 * another delivery holds or finished it (its final entry, or null while it is still open).
 */
async function claimRecipient(d: Delivery): Promise<Claim | { settled: LedgerEntry | null } | null> {
  const { deps, message, userId } = d;
  const token = deps.ids.next();
  const now = nowMs(deps);
  const leaseUntil = now + deps.config.leaseMs;
  try {
    const claimed = await deps.notifications.claim(message.policyId, message.version, userId, {
      token,
      now,
      leaseUntil,
      at: nowIso(deps),
    });
    return claimed ? { token, leaseUntil } : { settled: await settled(d) };
  } catch (e) {
    logFault(deps, 'claim failed', message, e);
    return null;
  }
}

/**
 * Sends to a claimed recipient: waits for the pacer, reads the customer again (a DELETE that returned
 * before this read wins), renders and sends, retrying throttled and transient failures with back-off
 * while the claim and the invocation have time left.
 */
async function send(d: Delivery, claim: Claim, listed: Customer): Promise<SendOutcome> {
  const { deps, message, userId } = d;
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  for (let attempt = 0; attempt < deps.config.sendAttempts; attempt++) {
    if (nowMs(deps) >= d.deadlineMs) return LATER;
    // The token is taken right before the call, so what SES sees is paced, not what the ledger sees.
    const slot = await deps.pacer.take();
    // Never send on a claim about to lapse (another delivery could take it and send too), nor so late
    // that the invocation may be cut off between SES accepting and the ledger recording.
    const now = nowMs(deps);
    if (now >= d.deadlineMs || now > claim.leaseUntil - Math.min(deps.config.leaseMs / 4, 30_000))
      return LATER;

    const customer = await currentCustomer(d, listed);
    if (customer === undefined) return LATER;
    const reason = unsendable(customer, d.suppressed);
    if (reason || !customer)
      return { kind: 'final', state: reason?.state ?? 'suppressed', reason: reason?.reason ?? 'deleted' };

    const email = await render(d, customer);
    if (!email) return LATER;
    // No retry can send text that is not valid Unicode (a record planted around the API's checks):
    // that recipient fails, everyone else goes on.
    if (!isWellFormed(email.subject, email.text, email.html))
      return {
        kind: 'final',
        state: 'failed',
        reason: 'InvalidContent: the email would hold text that is not valid Unicode',
      };

    let failure: MailSendError;
    try {
      slot?.sending();
      const { messageId } = await deps.mailer.send({
        from: deps.config.from,
        to: customer.email,
        subject: email.subject,
        text: email.text,
        html: email.html,
        tags: { [LEDGER_TAG]: ledgerTag(message.policyId, message.version, userId) },
      });
      deps.quota?.sent();
      return { kind: 'sent', messageId, at: nowIso(deps) };
    } catch (e) {
      failure =
        e instanceof MailSendError ? e : new MailSendError('transient', 'Unknown', String(e), { cause: e });
    }
    if (failure.kind === 'rejected')
      return {
        kind: 'final',
        state: 'failed',
        reason: `${failure.code}: ${redactAddresses(failure.message)}`,
      };
    const fields = { ...batchFields(message), userId, errorName: failure.code };
    if (attempt + 1 >= deps.config.sendAttempts) {
      deps.logger.warn('send retries exhausted; the batch goes back to the queue', fields);
      return LATER;
    }
    // Throttling is about the whole instance's pace, so every sender here slows down, not just this one.
    if (failure.kind === 'throttled') deps.pacer.throttled();
    else deps.logger.warn('transient send failure; retrying', fields);
    await sleep(backoffMs(attempt, deps.config.retryBaseMs, deps.config.retryMaxMs, random()));
  }
  return LATER;
}

/**
 * Erasure wins: one consistent read right before the send. A DELETE that returned before it is seen,
 * however long this recipient waited for the pacer; an address changed since the batch's read is
 * checked against the suppression list on its own. Undefined after a storage fault.
 */
async function currentCustomer(d: Delivery, listed: Customer): Promise<Customer | null | undefined> {
  try {
    const customer = await d.deps.customers.get(d.userId, { consistent: true });
    if (customer && normaliseAddress(customer.email) !== normaliseAddress(listed.email)) {
      const hash = addressHash(customer.email);
      if (await d.deps.suppressions.get(hash)) d.suppressed.add(hash);
    }
    return customer;
  } catch (e) {
    logFault(d.deps, 'customer read failed', d.message, e);
    return undefined;
  }
}

/** The recipient's email; null after a fault reading its content. */
async function render(d: Delivery, customer: Customer): Promise<RenderedEmail | null> {
  try {
    const contentLocale = recipientLocale(d.revision, customer.locale);
    // The frame speaks the reader's language whenever a template exists for it, even when the policy
    // itself has no text in that language.
    const frameLocale = customer.locale && hasWording(customer.locale) ? customer.locale : contentLocale;
    const notice = await d.deps.content.notice(d.revision, contentLocale, frameLocale, customer.timeZone);
    return personalize(notice, customer.name);
  } catch (e) {
    logFault(d.deps, 'email content failed', d.message, e);
    return null;
  }
}

/**
 * Makes the entry final without a send: under our claim (`token`), or with none only while nobody
 * holds the recipient. When the condition fails, the entry as another delivery left it.
 */
async function finish(
  d: Delivery,
  state: FinalRecipientState,
  reason: string,
  token: string | null,
): Promise<LedgerEntry | null> {
  const { deps, message, userId } = d;
  const outcome = {
    state,
    batchId: message.batchId,
    at: nowIso(deps),
    reason,
    ...(token !== null ? { token } : { now: nowMs(deps) }),
  };
  try {
    if (await deps.notifications.finish(message.policyId, message.version, userId, outcome))
      return entry(userId, outcome);
  } catch (e) {
    logFault(deps, 'ledger write failed', message, e);
    return null;
  }
  return settled(d);
}

/** Gives a claim back (nothing was sent), so the next delivery can take the recipient at once. */
async function release(d: Delivery, token: string): Promise<void> {
  await d.deps.notifications
    .release(d.message.policyId, d.message.version, d.userId, token)
    .catch((e) => logFault(d.deps, 'release failed', d.message, e));
}

/**
 * Records an accepted send. Retried a few times: between SES accepting the message and this write is
 * the one window that cannot be closed (docs/NOTIFICATIONS.md). If every attempt fails the claim is
 * left to expire and the message id stays in this instance's memory.
 */
async function record(
  d: Delivery,
  token: string,
  messageId: string,
  sentAt: string,
): Promise<LedgerEntry | null> {
  const { deps, message, userId } = d;
  const key = ledgerKey(message, userId);
  const outcome = { state: 'sent' as const, batchId: message.batchId, at: sentAt, token, messageId };
  const sleep = deps.sleep ?? defaultSleep;
  for (let attempt = 0; attempt < deps.config.markAttempts; attempt++) {
    if (attempt > 0) await sleep(Math.min(2_000, 50 * 2 ** attempt));
    try {
      const ok = await deps.notifications.finish(message.policyId, message.version, userId, outcome);
      deps.unrecorded.delete(key);
      if (ok) return entry(userId, outcome);
      // Our claim lapsed and another delivery took the recipient: it will send and record.
      deps.logger.warn('claim lost before the send was recorded', { ...batchFields(message), userId });
      return settled(d);
    } catch (e) {
      if (attempt + 1 >= deps.config.markAttempts) {
        if (deps.unrecorded.size >= 10_000) deps.unrecorded.delete(deps.unrecorded.keys().next().value!);
        deps.unrecorded.set(key, { messageId, at: sentAt });
        deps.logger.error('sent but not recorded: the recipient may get this email again after the lease', {
          ...batchFields(message),
          userId,
          messageId,
          errorName: e instanceof Error ? e.name : 'unknown',
        });
      }
    }
  }
  return null;
}

/** After a lost conditional write: the entry as another delivery left it, if that one is final. */
async function settled(d: Delivery): Promise<LedgerEntry | null> {
  try {
    const current = await d.deps.notifications.getEntry(d.message.policyId, d.message.version, d.userId);
    return isFinal(current ?? undefined) ? current : null;
  } catch (e) {
    logFault(d.deps, 'ledger read failed', d.message, e);
    return null;
  }
}

const batchFields = (m: SendMessage) => ({ policyId: m.policyId, version: m.version, batchId: m.batchId });

const entry = (
  userId: string,
  o: { state: LedgerEntry['state']; batchId: string; at: string; messageId?: string; reason?: string },
): LedgerEntry => ({
  userId,
  state: o.state,
  attempts: 1,
  finalizedBy: o.batchId,
  finalizedAt: o.at,
  ...(o.messageId !== undefined ? { messageId: o.messageId, sentAt: o.at } : {}),
  ...(o.reason !== undefined ? { reason: o.reason } : {}),
});

function logFault(deps: WorkerDeps, what: string, message: SendMessage, e: unknown) {
  deps.logger.error(what, {
    policyId: message.policyId,
    version: message.version,
    batchId: message.batchId,
    errorName: e instanceof Error ? e.name : 'unknown',
    errorMessage: e instanceof Error ? redactAddresses(e.message).slice(0, 200) : undefined,
  });
}

/** A counting semaphore: at most `size` functions run at once. */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly size: number) {
    if (!(size >= 1)) throw new Error('limiter size must be at least 1');
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Checks that every attempt count allows at least one attempt (0 send attempts would claim and release
 * forever; 0 ledger writes would lose accepted sends without a trace), and that a claim outlives a
 * recipient's worst case: every retry at its longest back-off.
 */
export function validateWorkerConfig(config: WorkerConfig): WorkerConfig {
  for (const key of ['sendAttempts', 'markAttempts', 'concurrency'] as const) {
    const value = config[key];
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${key} must be a whole number of at least 1, not ${value}`);
  }
  const worstCase = config.sendAttempts * config.retryMaxMs;
  if (worstCase >= config.leaseMs * 0.75)
    throw new Error(
      `lease ${config.leaseMs} ms is too short for ${config.sendAttempts} attempts of up to ${config.retryMaxMs} ms`,
    );
  return config;
}
