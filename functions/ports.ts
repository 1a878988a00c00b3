/**
 * Ports: what the use cases need from the outside world (stores, queues, mail, clock, ids, logs, pace,
 * metrics). Adapters (functions/adapters) implement them; tests run the same contract suite
 * (test/integration/store-contract.ts) against every store implementation. Ports import only the domain.
 * The entities these ports carry live in functions/domain/entities.ts and are re-exported here.
 */

import type { ChangedSections } from './domain/email';
import type {
  Acknowledgment,
  AudienceCounts,
  BusinessMetric,
  Campaign,
  CountedCustomer,
  CounterTotals,
  Customer,
  FanoutPage,
  FinalRecipientState,
  LedgerEntry,
  Notice,
  OutgoingEmail,
  Page,
  PageTally,
  PolicyCounts,
  QueueMessage,
  RecipientOutcome,
  SendQuota,
  Suppression,
} from './domain/entities';
import type { Revision } from './domain/revision';

/** What each locale of a revision changed against the previous version, as its emails list it. */
export type RevisionChanges = Record<string, ChangedSections>;

// Every entity, for the code that reaches them through the ports.
export type * from './domain/entities';

export interface PolicyStore {
  /** Every policy id, registered when its first revision is published. */
  listPolicyIds(): Promise<string[]>;
  /** Idempotent: records that a policy exists (before its first revision is written). */
  registerPolicy(policyId: string, createdAt: string): Promise<void>;
  /** All revisions of a policy, ascending by version (empty when the policy does not exist). */
  listRevisions(policyId: string): Promise<Revision[]>;
  /** Newest first, `limit` at a time. */
  pageRevisions(policyId: string, limit: number, cursor: string | null): Promise<Page<Revision>>;
  getRevision(policyId: string, version: number): Promise<Revision | null>;
  latestRevision(policyId: string): Promise<Revision | null>;
  /** Write-once. Throws ItemExistsError when the version is already taken (a concurrent publish won). */
  putRevision(revision: Revision): Promise<void>;
  /**
   * Stores a normalised text under its content hash (`contentHash(text)`, checked). Writing a text that
   * is already stored writes nothing; texts of any accepted size (2 MiB) fit. Called before the revision
   * that points at it, so a text whose publish then failed is an unreferenced, harmless leftover.
   */
  putText(policyId: string, hash: string, text: string): Promise<void>;
  /**
   * The text stored under the hash, verified against it (IntegrityError when the stored data does not
   * hash to it), or null when no complete text is stored under it.
   */
  getText(policyId: string, hash: string): Promise<string | null>;
  /**
   * Stores what a revision changed (usecases/revision-changes.ts) under the revision's hash, before the
   * revision itself. Write-once: the hash fixes both texts compared, so an existing entry holds the same.
   */
  putChanges(policyId: string, revisionHash: string, changes: RevisionChanges): Promise<void>;
  /** What `putChanges` stored for the revision with this hash, or null (none stored). */
  getChanges(policyId: string, revisionHash: string): Promise<RevisionChanges | null>;
  /** The policy's settings as last stored, or null when none were ever stored. */
  getSettings(policyId: string): Promise<PolicySettings | null>;
  /** Replaces the policy's settings (last write wins). */
  putSettings(policyId: string, settings: PolicySettings): Promise<void>;
}

/** Per-policy settings (`PUT /policies/{id}/settings`); room for more later. */
export interface PolicySettings {
  /** Days between publishing a material, notified revision without `effectiveAt` and it taking effect. */
  noticePeriodDays: number;
  updatedAt: string;
}

export interface CustomerStore {
  /** `consistent`: a strongly consistent read (the worker's re-read right before a send). */
  get(userId: string, opts?: { consistent?: boolean }): Promise<Customer | null>;
  /** Creates or replaces; returns whether the record is new. */
  put(customer: Customer): Promise<{ created: boolean }>;
  /** Removes the record, erasing email and name. Returns whether there was one. */
  delete(userId: string): Promise<boolean>;
  /** Marks every customer with this address suppressed (bounce or complaint); returns how many. */
  suppressByEmail(email: string, reason: string, at: string): Promise<number>;
  /** Pages through active customers in a stable order; the cursor resumes after a crash. */
  pageActive(limit: number, cursor: string | null): Promise<Page<Customer>>;
  /** Pages through suppressed customers (the byStatus index), for the counters' reconciliation. */
  pageSuppressed(limit: number, cursor: string | null): Promise<Page<Customer>>;
  /** The records of these users that exist, read strongly consistently (any number of ids). */
  getMany(userIds: string[]): Promise<Customer[]>;
}

export interface AcknowledgmentStore {
  /** Append-only: when (userId, policyId, version) exists the stored record is returned untouched. */
  put(ack: Acknowledgment): Promise<{ created: boolean; record: Acknowledgment }>;
  /** The user's acknowledgment of the highest version of a policy: one read, the status check's hot path. */
  newest(userId: string, policyId: string): Promise<Acknowledgment | null>;
  /** Newest first (highest version first within a policy). */
  listForUser(userId: string, policyId?: string): Promise<Acknowledgment[]>;
  /** Every acknowledgment of a policy, oldest first, paged (compliance export). */
  pageForPolicy(policyId: string, limit: number, cursor: string | null): Promise<Page<Acknowledgment>>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  next(): string;
}

/** Structured logs: identifiers and counts only, never an email address or policy text. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** SES's sending limits as one worker instance tracks them (adapters/send-quota.ts QuotaGovernor). */
export interface SendQuotaGate {
  /** Reads the limits again when the cached ones are old: the pace, and emails left in 24 hours. */
  refresh(): Promise<{ rate: number; remaining: number }>;
  /** One accepted send. */
  sent(): void;
}

/** Paces sends under a rate shared by every sender of one worker instance (adapters/token-bucket.ts). */
export interface Pacer {
  /** Resolves when the caller may send one message (with the slot it holds, when the pacer tracks them). */
  take(): Promise<PacerSlot | void>;
  /** SES said we were too fast: slow every sender of this instance down. */
  throttled(): void;
}

/** One send `Pacer.take` let through. */
export interface PacerSlot {
  /**
   * The send goes out now (called right before the SES call). The pace is then measured on when sends
   * reach SES, not on when they were let through: what a sender does in between (a read, rendering) can
   * take longer for one send than another without two of them landing in the same second.
   */
  sending(): void;
}

// --- Notifications (docs/NOTIFICATIONS.md) ---

export interface NotificationStore {
  /** Write-once: false when the campaign already exists. */
  createCampaign(c: {
    policyId: string;
    version: number;
    createdAt: string;
    leaseUntil: number;
  }): Promise<boolean>;
  getCampaign(policyId: string, version: number): Promise<Campaign | null>;
  /** Moves the fan-out lease from `expected` to `leaseUntil`; false when another caller moved it first. */
  renewFanoutLease(policyId: string, version: number, expected: number, leaseUntil: number): Promise<boolean>;
  getPage(policyId: string, version: number, page: number): Promise<FanoutPage | null>;
  /** Write-once: returns the stored page, which is the caller's or the one an earlier attempt stored. */
  putPage(policyId: string, version: number, page: FanoutPage, expiresAt: number): Promise<FanoutPage>;
  /**
   * Advances the fan-out past `page` (conditional on the campaign still being at `page` with `cursor`),
   * adds the page's recipients to `total` and moves the status to `sending`. Null when another attempt
   * advanced it first.
   */
  checkpointFanout(
    policyId: string,
    version: number,
    args: {
      page: number;
      cursor: string | null;
      nextCursor: string | null;
      recipients: number;
      leaseUntil: number;
      at: string;
    },
  ): Promise<Campaign | null>;
  /** Ledger entries of these recipients (absent ones are missing from the map) and their page's tally. */
  getBatchState(
    policyId: string,
    version: number,
    page: number,
    userIds: string[],
  ): Promise<{ tally: PageTally | null; entries: Map<string, LedgerEntry> }>;
  getEntry(policyId: string, version: number, userId: string): Promise<LedgerEntry | null>;
  /** Takes the recipient when unclaimed, released or its claim's lease has passed `now`. */
  claim(
    policyId: string,
    version: number,
    userId: string,
    args: { token: string; now: number; leaseUntil: number; at: string },
  ): Promise<boolean>;
  /** Gives a claim back (nothing was sent) so the next delivery can take it at once. */
  release(policyId: string, version: number, userId: string, token: string): Promise<void>;
  /**
   * Makes the entry final. With `token`: only while that claim holds. Without (nobody to send to): only
   * when the entry is unclaimed, released or its lease has passed `now`. False when the condition failed.
   */
  finish(policyId: string, version: number, userId: string, outcome: RecipientOutcome): Promise<boolean>;
  /**
   * Adds a batch's counts to its page's tally once (idempotent by batch id). `applied` is false when the
   * batch was already counted; `tally` is the page's tally after the call.
   */
  applyBatchTally(
    policyId: string,
    version: number,
    args: {
      page: number;
      batchId: string;
      batchesInPage: number;
      counts: Record<FinalRecipientState, number>;
      at: string;
    },
  ): Promise<{ applied: boolean; tally: PageTally }>;
  getTallies(policyId: string, version: number, pages: number[]): Promise<PageTally[]>;
  /** Adds a complete page's tally to the campaign once (idempotent by page). Null when it already was. */
  rollUpPage(policyId: string, version: number, tally: PageTally, at: string): Promise<Campaign | null>;
  /**
   * Records SES's Delivery event time on the recipient's entry (once; the earliest wins). False when the
   * entry does not exist.
   */
  recordDelivery(
    policyId: string,
    version: number,
    userId: string,
    args: { messageId: string; deliveredAt: string },
  ): Promise<boolean>;
  /** Campaigns not yet completed, oldest first (the sweeper's index: no limit to recent revisions). */
  listOpenCampaigns(limit: number, cursor: string | null): Promise<Page<Campaign>>;
  /** Records what the sweeper saw, conditional on the previous record (`expected`), so one sweeper acts. */
  recordSweep(
    policyId: string,
    version: number,
    sweep: { signature: string; at: number },
    expected: { signature: string; at: number } | null,
  ): Promise<boolean>;
  /** Sets status `completed` once; false when it already was. */
  completeCampaign(policyId: string, version: number, at: string): Promise<boolean>;
  /** Every ledger entry in state `failed` (the retry route's candidates), in user-id order. */
  listFailed(policyId: string, version: number): Promise<LedgerEntry[]>;
  /**
   * Retry, step 1: takes a failed recipient back to `pending` for retry page `page` (its ledger entry
   * remembers the page as `retryPage`). Only while the entry is `failed` and was not already retried in
   * `page` or a later one; false otherwise.
   */
  requeueFailed(policyId: string, version: number, userId: string, page: number): Promise<boolean>;
  /**
   * Retry, step 2: opens retry page `page` (its frozen page item already stored): the fan-out moves past
   * it, `failed` drops by its `recipients` (they are counted again when their batches finish), and the
   * campaign is `sending` and open again. Only while the fan-out is done and still at `page`: false when
   * another retry opened it first.
   */
  openRetryPage(
    policyId: string,
    version: number,
    args: { page: number; recipients: number; at: string },
  ): Promise<boolean>;
}

/** The suppression list: addresses nobody may email again, whatever user id they are registered under. */
export interface SuppressionStore {
  /** Creates or refreshes the entry (idempotent). */
  put(suppression: Suppression): Promise<void>;
  get(hash: string): Promise<Suppression | null>;
  /** Which of these hashes are suppressed (one batched read). */
  suppressedAmong(hashes: string[]): Promise<Set<string>>;
  /** Newest first. */
  list(limit: number, cursor: string | null): Promise<Page<Suppression>>;
  /** Lifts a suppression; false when there was none. */
  lift(hash: string): Promise<boolean>;
}

export interface SendQuotaSource {
  getSendQuota(): Promise<SendQuota>;
  /** Told of each accepted send (a configured source counts them; SES counts by itself). */
  recordSend?(): void;
}

export interface Queue {
  /** Enqueues every message or throws (callers rely on redelivery, so partial success is harmless). */
  sendBatch(messages: QueueMessage[]): Promise<void>;
}

export interface Mailer {
  /** Resolves with the provider's message id; throws MailSendError (functions/domain/notification.ts). */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface NoticeReader {
  /** Every final ledger entry of a user across campaigns, oldest first. */
  noticesForUser(userId: string): Promise<Notice[]>;
}

// --- Counts kept as counters (docs/DEPLOY.md, "Counts without scans") ---

export interface CountStore {
  /** A customer is now active (registered), suppressed or gone (erased). Idempotent. */
  customerStatus(userId: string, customer: CountedCustomer): Promise<void>;
  /** A new acknowledgment record was stored (call once per created record, never for duplicates). */
  acknowledgmentCreated(ack: Pick<Acknowledgment, 'userId' | 'policyId' | 'version'>): Promise<void>;
  /** Active customers and one policy's counts, in a bounded number of requests. */
  read(policyId: string): Promise<{ activeCustomers: number; policy: PolicyCounts }>;
  /** Who a campaign would reach now, per locale, in one bounded read (a dry run's preview). */
  audience(): Promise<AudienceCounts>;
}

/** What reconciliation needs besides the tables: read the counters, and add corrections to them. */
export interface CountReconciler {
  totals(policyIds: string[]): Promise<CounterTotals>;
  correct(target: { policyId: string } | 'customers', deltas: Record<string, number>): Promise<void>;
}

// --- Business metrics (CloudWatch EMF in Lambda: functions/adapters/observability.ts) ---

export interface MetricsSink {
  /** Adds `value` (default 1) to a count, published at the end of the invocation. */
  count(name: BusinessMetric, value?: number): void;
}
