/**
 * The send worker (docs/NOTIFICATIONS.md): one batch of recipients per queue message, each recipient
 * through the ledger as claim → send → mark, so redelivered or duplicated batches never email anyone
 * twice and nobody is skipped. Counting happens once per batch, into its page's tally (idempotent by
 * batch id), and complete pages are rolled up into the campaign (idempotent by page).
 */

import { randomUUID } from 'node:crypto';
import type { QuotaGovernor } from '../adapters/send-quota';
import type { Pacer } from '../adapters/token-bucket';
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
  uniqueIds,
} from '../domain/notification';
import type { Revision } from '../domain/revision';
import { addressHash, normaliseAddress } from '../domain/suppression';
import { type Logger, redactAddresses } from '../http/log';
import type {
  Clock,
  Customer,
  CustomerStore,
  FinalRecipientState,
  LedgerEntry,
  Mailer,
  MetricsSink,
  NotificationStore,
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
  leaseMs: 5 * 60 * 1000,
  concurrency: 8,
  sendAttempts: 8,
  retryBaseMs: 200,
  retryMaxMs: 5_000,
  markAttempts: 6,
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
  logger: Logger;
  config: WorkerConfig;
  /** SES's limits (GetSendQuota, cached): the pace's ceiling and the 24-hour quota. */
  quota?: QuotaGovernor;
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
  const nowMs = deps.clock.now().getTime();
  for (const userId of userIds) {
    const entry = state.entries.get(userId);
    if (isFinal(entry)) finals.set(userId, entry);
    else if (isClaimable(entry, nowMs)) todo.push(userId);
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
          deps,
          revision,
          message,
          userId,
          customers.get(userId) ?? null,
          suppressed,
          deadlineMs,
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

/**
 * One recipient: deleted/suppressed/unaddressable → final without sending; otherwise claim, wait for
 * the pacer, read the customer again (a DELETE that returned before this read wins), send (throttling
 * and transient errors retried with back-off), mark. Returns the final entry, or null when the
 * recipient must wait for a later delivery.
 */
async function deliver(
  deps: WorkerDeps,
  revision: Revision,
  message: SendMessage,
  userId: string,
  listed: Customer | null,
  suppressed: Set<string>,
  deadlineMs: number,
): Promise<LedgerEntry | null> {
  const { policyId, version, batchId } = message;
  const at = () => deps.clock.now().toISOString();
  const token = randomUUID();
  /** Makes the entry final: with our claim when we hold one, else only while nobody holds it. */
  const finish = async (state: FinalRecipientState, reason: string, claimedByUs: boolean) => {
    const outcome = {
      state,
      batchId,
      at: at(),
      reason,
      ...(claimedByUs ? { token } : { now: deps.clock.now().getTime() }),
    };
    try {
      if (await deps.notifications.finish(policyId, version, userId, outcome)) return entry(userId, outcome);
    } catch (e) {
      logFault(deps, 'ledger write failed', message, e);
      return null;
    }
    return settled(deps, message, userId);
  };

  const before = unsendable(listed, suppressed);
  if (before || !listed) return finish(before?.state ?? 'suppressed', before?.reason ?? 'deleted', false);

  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  let leaseUntil = 0;
  let claimed = false;
  const release = async () => {
    if (!claimed) return;
    await deps.notifications
      .release(policyId, version, userId, token)
      .catch((e) => logFault(deps, 'release failed', message, e));
  };

  for (let attempt = 0; ; attempt++) {
    if (Date.now() >= deadlineMs) {
      await release();
      return null;
    }
    if (!claimed) {
      const now = deps.clock.now().getTime();
      leaseUntil = now + deps.config.leaseMs;
      try {
        claimed = await deps.notifications.claim(policyId, version, userId, {
          token,
          now,
          leaseUntil,
          at: at(),
        });
      } catch (e) {
        logFault(deps, 'claim failed', message, e);
        return null;
      }
      if (!claimed) return settled(deps, message, userId);
      const remembered = deps.unrecorded.get(ledgerKey(message, userId));
      if (remembered) return mark(deps, message, userId, token, remembered.messageId, remembered.at);
    }
    // The token is taken right before the call, so what SES sees is paced, not what the ledger sees.
    await deps.pacer.take();
    // Never send on a claim about to lapse (another delivery could take it and send too), nor so late
    // that the invocation may be cut off between SES accepting and the ledger recording.
    if (
      Date.now() >= deadlineMs ||
      deps.clock.now().getTime() > leaseUntil - Math.min(deps.config.leaseMs / 4, 30_000)
    ) {
      await release();
      return null;
    }
    // Erasure wins: one consistent read right before the send. A DELETE that returned before it is
    // seen, however long this recipient waited for the pacer; an address changed since the batch's
    // read is checked against the suppression list on its own.
    let customer: Customer | null;
    try {
      customer = await deps.customers.get(userId, { consistent: true });
      if (customer && normaliseAddress(customer.email) !== normaliseAddress(listed.email)) {
        const hash = addressHash(customer.email);
        if (await deps.suppressions.get(hash)) suppressed.add(hash);
      }
    } catch (e) {
      logFault(deps, 'customer read failed', message, e);
      await release();
      return null;
    }
    const now = unsendable(customer, suppressed);
    if (now || !customer) return finish(now?.state ?? 'suppressed', now?.reason ?? 'deleted', true);

    let email: RenderedEmail;
    try {
      const contentLocale = recipientLocale(revision, customer.locale);
      // The frame speaks the reader's language whenever a template exists for it, even when the policy
      // itself has no text in that language.
      const frameLocale = customer.locale && hasWording(customer.locale) ? customer.locale : contentLocale;
      const notice = await deps.content.notice(revision, contentLocale, frameLocale, customer.timeZone);
      email = personalize(notice, customer.name);
    } catch (e) {
      logFault(deps, 'email content failed', message, e);
      await release();
      return null;
    }
    // No retry can send text that is not valid Unicode (a record planted around the API's checks):
    // that recipient fails, everyone else goes on.
    if (!isWellFormed(email.subject, email.text, email.html))
      return finish('failed', 'InvalidContent: the email would hold text that is not valid Unicode', true);

    let failure: MailSendError;
    try {
      const { messageId } = await deps.mailer.send({
        from: deps.config.from,
        to: customer.email,
        subject: email.subject,
        text: email.text,
        html: email.html,
        tags: { [LEDGER_TAG]: ledgerTag(policyId, version, userId) },
      });
      deps.quota?.sent();
      return mark(deps, message, userId, token, messageId, at());
    } catch (e) {
      failure =
        e instanceof MailSendError ? e : new MailSendError('transient', 'Unknown', String(e), { cause: e });
    }
    if (failure.kind === 'rejected')
      return finish('failed', `${failure.code}: ${redactAddresses(failure.message)}`, true);
    if (attempt + 1 >= deps.config.sendAttempts) {
      deps.logger.warn('send retries exhausted; the batch goes back to the queue', {
        policyId,
        version,
        batchId,
        userId,
        errorName: failure.code,
      });
      await release();
      return null;
    }
    const delay = backoffMs(attempt, deps.config.retryBaseMs, deps.config.retryMaxMs, random());
    // Throttling is about the whole instance's pace, so every sender here slows down, not just this one.
    if (failure.kind === 'throttled') deps.pacer.throttled();
    else
      deps.logger.warn('transient send failure; retrying', {
        policyId,
        version,
        batchId,
        userId,
        errorName: failure.code,
      });
    await sleep(delay);
  }
}

/**
 * Records an accepted send. Retried a few times: between SES accepting the message and this write is
 * the one window that cannot be closed (docs/NOTIFICATIONS.md). If every attempt fails the claim is
 * left to expire and the message id stays in this instance's memory.
 */
async function mark(
  deps: WorkerDeps,
  message: SendMessage,
  userId: string,
  token: string,
  messageId: string,
  sentAt: string,
): Promise<LedgerEntry | null> {
  const { policyId, version, batchId } = message;
  const key = ledgerKey(message, userId);
  const outcome = { state: 'sent' as const, batchId, at: sentAt, token, messageId };
  const sleep = deps.sleep ?? defaultSleep;
  for (let attempt = 0; attempt < deps.config.markAttempts; attempt++) {
    if (attempt > 0) await sleep(Math.min(2_000, 50 * 2 ** attempt));
    try {
      const ok = await deps.notifications.finish(policyId, version, userId, outcome);
      deps.unrecorded.delete(key);
      if (ok) return entry(userId, outcome);
      // Our claim lapsed and another delivery took the recipient: it will send and record.
      deps.logger.warn('claim lost before the send was recorded', { policyId, version, batchId, userId });
      return settled(deps, message, userId);
    } catch (e) {
      if (attempt + 1 >= deps.config.markAttempts) {
        if (deps.unrecorded.size >= 10_000) deps.unrecorded.delete(deps.unrecorded.keys().next().value!);
        deps.unrecorded.set(key, { messageId, at: sentAt });
        deps.logger.error('sent but not recorded: the recipient may get this email again after the lease', {
          policyId,
          version,
          batchId,
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
async function settled(deps: WorkerDeps, message: SendMessage, userId: string): Promise<LedgerEntry | null> {
  try {
    const current = await deps.notifications.getEntry(message.policyId, message.version, userId);
    return isFinal(current ?? undefined) ? current : null;
  } catch (e) {
    logFault(deps, 'ledger read failed', message, e);
    return null;
  }
}

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

/** Checks that a claim outlives a recipient's worst case: every retry at its longest back-off. */
export function validateWorkerConfig(config: WorkerConfig): WorkerConfig {
  const worstCase = config.sendAttempts * config.retryMaxMs;
  if (worstCase >= config.leaseMs * 0.75)
    throw new Error(
      `lease ${config.leaseMs} ms is too short for ${config.sendAttempts} attempts of up to ${config.retryMaxMs} ms`,
    );
  return config;
}
