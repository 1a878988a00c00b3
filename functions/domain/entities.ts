/**
 * The service's entities: the records the use cases work with and the stores keep. Plain data, no
 * behaviour and no imports from outside functions/domain (the layer rule in scripts/check-layers.ts).
 */
export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

export interface Customer {
  userId: string;
  email: string;
  locale: string | null;
  name: string | null;
  /** IANA time zone the customer's emails show times in; null (or absent in old records): ORG_TIME_ZONE. */
  timeZone: string | null;
  status: 'active' | 'suppressed';
  suppressedReason?: string;
  registeredAt: string;
  updatedAt: string;
}

export interface Acknowledgment {
  userId: string;
  policyId: string;
  version: number;
  locale: string;
  contentHash: string;
  acknowledgedAt: string;
  channel: string;
  evidence: Record<string, string>;
  receiptId: string;
}

export type CampaignStatus = 'pending' | 'sending' | 'completed';

/** One notification campaign per notified revision. Counters only ever grow. */
export interface Campaign {
  policyId: string;
  version: number;
  status: CampaignStatus;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** Recipients the fan-out has listed so far (final once `fanout.done`). */
  total: number;
  sent: number;
  failed: number;
  suppressed: number;
  fanout: {
    /** Number of the next page to read (0 before the first). */
    page: number;
    /** Customer-store cursor the next page starts from. */
    cursor: string | null;
    done: boolean;
    /** Epoch ms after which the sweeper may restart a fan-out that shows no progress. */
    leaseUntil: number;
  };
  /** Pages whose tallies are added into the counters above (each exactly once). */
  rolledUpPages: number[];
  /** What the sweeper saw last (`<fan-out page>:<recipients handled>`) and when (epoch ms): no change → stalled. */
  sweep: { signature: string; at: number } | null;
}

export type RecipientState = 'pending' | 'claimed' | 'sent' | 'failed' | 'suppressed';

export type FinalRecipientState = 'sent' | 'failed' | 'suppressed';

/** A recipient's ledger entry in one campaign. Carries no email address. */
export interface LedgerEntry {
  userId: string;
  state: RecipientState;
  attempts: number;
  claimToken?: string;
  /** Epoch ms; a claim past it may be taken over. */
  leaseUntil?: number;
  claimedAt?: string;
  messageId?: string;
  sentAt?: string;
  /** When SES reported the email delivered to the receiving server (its Delivery event). */
  deliveredAt?: string;
  reason?: string;
  /** The retry page this recipient was last put on again (`POST …/notification/retry`). */
  retryPage?: number;
  /** The batch whose delivery made the entry final: that batch, and only that one, counts it. */
  finalizedBy?: string;
  finalizedAt?: string;
}

/** The recipients of one fan-out page, frozen the first time the page is read. */
export interface FanoutPage {
  page: number;
  cursorIn: string | null;
  cursorOut: string | null;
  userIds: string[];
}

/** Per-page counts: each batch of the page adds its counts exactly once. */
export interface PageTally {
  page: number;
  /** How many batches the page was split into; the tally is complete when all are counted. */
  batches: number;
  countedBatches: string[];
  sent: number;
  failed: number;
  suppressed: number;
}

/** How a recipient's ledger entry ends: see `NotificationStore.finish`. */
export interface RecipientOutcome {
  state: FinalRecipientState;
  batchId: string;
  at: string;
  /** The claim that must still hold (omitted when nobody was sent anything). */
  token?: string;
  /** Now, for the lease check of an unclaimed finish. */
  now?: number;
  /** SES message id of a sent email. */
  messageId?: string;
  /** Why a recipient failed or was suppressed. */
  reason?: string;
}

/** One suppressed address, known only by the hash of its normalised form (domain/suppression.ts). */
export interface Suppression {
  hash: string;
  /** `bounce:<subType>` or `complaint:<feedbackType>`. */
  reason: string;
  at: string;
}

export interface QueueMessage {
  /** Unique within one sendBatch call. */
  id: string;
  body: string;
  /** Seconds before the message can be received (SQS DelaySeconds, at most 900). */
  delaySeconds?: number;
}

/** SES's sending limits for the account (GetSendQuota). */
export interface SendQuota {
  /** Emails per second. */
  maxSendRate: number;
  /** Emails per rolling 24 hours (-1: unlimited). */
  max24HourSend: number;
  sentLast24Hours: number;
}

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** SES message tags: SES events carry them back (`mail.tags`), which ties a Delivery to its ledger entry. */
  tags?: Record<string, string>;
}

/** One change email (or the decision not to send it) as the ledger recorded it for a user. */
export interface Notice {
  policyId: string;
  version: number;
  state: 'sent' | 'failed' | 'suppressed';
  /** When it was sent (or given up). */
  at: string;
  /** SES message id of a sent email. */
  messageId?: string;
  /** When SES accepted it, and when the receiving server took it (SES Delivery event). */
  sentAt?: string;
  deliveredAt?: string;
  reason?: string;
}

/** Counter totals of one policy: acknowledgments per version, and active customers per newest version. */
export interface PolicyCounts {
  /** Acknowledgment records per version (they are never deleted, not even by erasure). */
  acknowledgments: Record<number, number>;
  /** Active customers whose newest acknowledgment of the policy is this version. */
  activeByNewestVersion: Record<number, number>;
}

/** What the counters know of a customer: active or suppressed (with their locale), or gone (erased). */
export interface CountedCustomer {
  status: 'active' | 'suppressed' | 'gone';
  locale: string | null;
}

/** Active customers per registered locale (`-` for none) and suppressed customers, from the counters. */
export interface AudienceCounts {
  active: number;
  byLocale: Record<string, number>;
  suppressed: number;
}

/**
 * Counter totals as stored: `customers` → `{active, 'loc#<locale>': n, suppressed}`; per policy → `{'ack#<v>': n, 'cur#<v>': n}`
 * (acknowledgment records, and active customers whose newest acknowledgment is v).
 */
export interface CounterTotals {
  customers: Record<string, number>;
  policies: Record<string, Record<string, number>>;
}

export type BusinessMetric =
  | 'EmailsSent'
  | 'EmailsFailed'
  | 'EmailsSuppressed'
  | 'Acknowledgments'
  | 'StatusChecks'
  | 'PublishedRevisions';

/** One check of an acknowledgment receipt, re-verified when the receipt is read. */
export interface ReceiptCheck {
  name: 'stored_text_matches_revision' | 'acknowledged_hash_matches_revision' | 'revision_chain_intact';
  ok: boolean;
  detail: string;
}
