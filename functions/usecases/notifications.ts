/**
 * Notification campaigns (docs/NOTIFICATIONS.md): starting one when a notified revision is published,
 * the fan-out over customers, the sweeper that repairs what a crash left behind, the progress view and
 * suppression from SES bounce/complaint events. The worker that sends is in notification-worker.ts.
 */

import { DEFAULTS } from '../domain/defaults';
import { DomainError, notFound } from '../domain/errors';
import { lazy } from '../domain/lazy';
import {
  FANOUT_PAGE_SIZE,
  type FanoutMessage,
  fanoutMessage,
  isCampaignComplete,
  isRetryableFailure,
  isTallyComplete,
  LEDGER_TAG,
  type NotificationProgress,
  notificationProgress,
  openPages,
  parseLedgerTag,
  planBatches,
  RECIPIENTS_PER_BATCH,
  type SendMessage,
  uniqueIds,
} from '../domain/notification';
import type { Revision } from '../domain/revision';
import * as z from '../domain/schema';
import { addressHash } from '../domain/suppression';
import type {
  Campaign,
  Clock,
  CustomerStore,
  Logger,
  NotificationStore,
  Page,
  PageTally,
  PolicyStore,
  Queue,
  SuppressionStore,
} from '../ports';
import { findRevision, type PolicyDeps } from './policies';

/** How long a fan-out may show no progress before the sweeper re-enqueues its next step. */
export const DEFAULT_FANOUT_LEASE_MS = DEFAULTS.fanoutLeaseMs;
/** Frozen fan-out pages are only needed while a campaign runs. */
export const PAGE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A page's send batches, split as the fan-out splits them (`batchSize` recipients each). */
const pageBatches = (
  deps: { batchSize?: number },
  policyId: string,
  version: number,
  pageNo: number,
  userIds: string[],
) => planBatches(policyId, version, pageNo, userIds, deps.batchSize ?? RECIPIENTS_PER_BATCH);

/** Puts send batches on the send queue, each message named by its batch id (the queue's dedupe key). */
async function enqueueBatches(queue: Queue, batches: readonly SendMessage[]): Promise<void> {
  if (batches.length > 0)
    await queue.sendBatch(batches.map((b) => ({ id: b.batchId, body: JSON.stringify(b) })));
}

export interface CampaignDeps {
  notifications: NotificationStore;
  fanoutQueue: Queue;
  clock: Clock;
  fanoutLeaseMs?: number;
}

const enqueueFanout = (queue: Queue, policyId: string, version: number) =>
  queue.sendBatch([{ id: 'fanout', body: JSON.stringify(fanoutMessage(policyId, version)) }]);

/**
 * Creates the revision's campaign (write-once) and enqueues its first fan-out step. Idempotent: when the
 * campaign exists nothing is enqueued (a stalled one is the sweeper's to restart).
 */
export async function startCampaign(
  deps: CampaignDeps,
  revision: Pick<Revision, 'policyId' | 'version' | 'notify'>,
): Promise<'not_requested' | 'started' | 'exists'> {
  if (!revision.notify) return 'not_requested';
  const now = deps.clock.now();
  const created = await deps.notifications.createCampaign({
    policyId: revision.policyId,
    version: revision.version,
    createdAt: now.toISOString(),
    leaseUntil: now.getTime() + (deps.fanoutLeaseMs ?? DEFAULT_FANOUT_LEASE_MS),
  });
  if (!created) return 'exists';
  await enqueueFanout(deps.fanoutQueue, revision.policyId, revision.version);
  return 'started';
}

/**
 * The publish use case's `onPublished`: starts the campaign but never fails the publish (the revision
 * is stored; answering 500 would only make the client retry into NO_CHANGES). The sweeper starts or
 * restarts whatever this could not.
 */
export function campaignStarter(deps: CampaignDeps & { logger: Logger }) {
  return async (revision: Revision): Promise<void> => {
    try {
      await startCampaign(deps, revision);
    } catch (e) {
      deps.logger.error('campaign start failed; the sweeper will start it', {
        policyId: revision.policyId,
        version: revision.version,
        errorName: e instanceof Error ? e.name : 'unknown',
      });
    }
  };
}

export interface FanoutDeps extends CampaignDeps {
  customers: Pick<CustomerStore, 'pageActive'>;
  sendQueue: Queue;
  logger: Logger;
  pageSize?: number;
  batchSize?: number;
}

export type FanoutOutcome = 'advanced' | 'done' | 'lost-race' | 'finished' | 'missing';

/**
 * One fan-out step: the next page of active customers from the campaign's checkpoint, frozen in a page
 * item (so a redelivered step re-enqueues exactly the same batches), its batches enqueued, then the
 * checkpoint advanced (conditional on the page and cursor it started from, so `total` counts each page
 * once), then the next step enqueued. A step that loses the checkpoint race stops: the winner carries on.
 */
export async function fanoutStep(deps: FanoutDeps, message: FanoutMessage): Promise<FanoutOutcome> {
  const { policyId, version } = message;
  const campaign = await deps.notifications.getCampaign(policyId, version);
  if (!campaign) {
    deps.logger.warn('fan-out for a campaign that does not exist', { policyId, version });
    return 'missing';
  }
  if (campaign.fanout.done) {
    await completeIfDone(deps, campaign);
    return 'finished';
  }
  const pageNo = campaign.fanout.page;
  const cursor = campaign.fanout.cursor;
  let page = await deps.notifications.getPage(policyId, version, pageNo);
  if (!page) {
    const read = await deps.customers.pageActive(deps.pageSize ?? FANOUT_PAGE_SIZE, cursor);
    page = await deps.notifications.putPage(
      policyId,
      version,
      {
        page: pageNo,
        cursorIn: cursor,
        cursorOut: read.nextCursor,
        userIds: uniqueIds(read.items.map((c) => c.userId)),
      },
      deps.clock.now().getTime() + PAGE_TTL_MS,
    );
  }
  if (page.cursorIn !== cursor)
    throw new Error(`page ${pageNo} of ${policyId} v${version} was read from another cursor`);

  const batches = pageBatches(deps, policyId, version, pageNo, page.userIds);
  await enqueueBatches(deps.sendQueue, batches);

  const now = deps.clock.now();
  const updated = await deps.notifications.checkpointFanout(policyId, version, {
    page: pageNo,
    cursor,
    nextCursor: page.cursorOut,
    recipients: page.userIds.length,
    leaseUntil: now.getTime() + (deps.fanoutLeaseMs ?? DEFAULT_FANOUT_LEASE_MS),
    at: now.toISOString(),
  });
  if (!updated) return 'lost-race';
  deps.logger.info('fan-out page enqueued', {
    policyId,
    version,
    page: pageNo,
    recipients: page.userIds.length,
  });
  if (updated.fanout.done) {
    await completeIfDone(deps, updated);
    return 'done';
  }
  await enqueueFanout(deps.fanoutQueue, policyId, version);
  return 'advanced';
}

/** Marks the campaign completed when every listed recipient is counted and the fan-out is over. */
export async function completeIfDone(
  deps: { notifications: NotificationStore; clock: Clock; logger?: Logger },
  campaign: Campaign,
): Promise<boolean> {
  if (campaign.status === 'completed' || !isCampaignComplete(campaign)) return false;
  const done = await deps.notifications.completeCampaign(
    campaign.policyId,
    campaign.version,
    deps.clock.now().toISOString(),
  );
  if (done)
    deps.logger?.info('campaign completed', {
      policyId: campaign.policyId,
      version: campaign.version,
      total: campaign.total,
      sent: campaign.sent,
      failed: campaign.failed,
      suppressed: campaign.suppressed,
    });
  return done;
}

/**
 * Adds a complete page tally to the campaign (once: the roll-up is idempotent by page) and completes
 * the campaign when that was the last one.
 */
export async function rollUpIfComplete(
  deps: { notifications: NotificationStore; clock: Clock; logger?: Logger },
  policyId: string,
  version: number,
  tally: PageTally,
): Promise<void> {
  if (!isTallyComplete(tally)) return;
  const rolled = await deps.notifications.rollUpPage(
    policyId,
    version,
    tally,
    deps.clock.now().toISOString(),
  );
  // Already rolled up: a redelivery, possibly after a crash before completion; look again.
  const campaign = rolled ?? (await deps.notifications.getCampaign(policyId, version));
  if (campaign) await completeIfDone(deps, campaign);
}

export interface SweeperDeps extends CampaignDeps {
  policies: Pick<PolicyStore, 'listPolicyIds' | 'pageRevisions'>;
  /** Where lost send batches are put again. */
  sendQueue: Queue;
  logger: Logger;
  /** Newest revisions per policy looked at for a campaign that was never created (default 3). */
  recentRevisions?: number;
  /** Revisions published longer ago than this never get a campaign started (default 7 days). */
  windowMs?: number;
  /**
   * How long a campaign may show no progress at all before its uncounted batches are put on the send
   * queue again (default 30 minutes: longer than the send queue's visibility timeout, so a batch still
   * legitimately waiting there is not the reason).
   */
  stallMs?: number;
  /** Recipients per batch: the fan-out's, so re-planned batches are the same ones. */
  batchSize?: number;
}

export interface SweepReport {
  checked: number;
  started: number;
  restarted: number;
  rolledUp: number;
  completed: number;
  /** Send batches put on the queue again (their message was lost, or the local queue died). */
  requeued: number;
}

/** At most this many open pages are looked at per campaign and run. */
const PAGES_PER_SWEEP = 100;

/**
 * The outbox reconciler, run every minute. It makes sure each recent notified revision has its campaign
 * (the publisher may have died right after storing the revision); then, for every campaign not yet
 * completed (the open-campaigns index, whatever its age), it re-enqueues a fan-out whose lease ran out,
 * rolls up finished pages a crash left out, completes campaigns whose counts are all in, and — when a
 * campaign has made no progress for `stallMs` — puts its uncounted send batches on the queue again, so
 * a lost message delays a campaign but never stalls it. Everything it does is idempotent.
 *
 * `queuesLost`: the queues are known to be empty (the local process restarted: its in-memory queue
 * died with it), so fan-outs and uncounted batches are re-enqueued at once, without waiting for leases.
 */
export async function sweep(deps: SweeperDeps, opts: { queuesLost?: boolean } = {}): Promise<SweepReport> {
  const report: SweepReport = {
    checked: 0,
    started: 0,
    restarted: 0,
    rolledUp: 0,
    completed: 0,
    requeued: 0,
  };
  const now = deps.clock.now();
  const window = deps.windowMs ?? 7 * 24 * 60 * 60 * 1000;
  for (const policyId of await deps.policies.listPolicyIds()) {
    const { items } = await deps.policies.pageRevisions(policyId, deps.recentRevisions ?? 3, null);
    for (const revision of items) {
      if (now.getTime() - Date.parse(revision.publishedAt) > window) break;
      if (!revision.notify) continue;
      if (await deps.notifications.getCampaign(policyId, revision.version)) continue;
      if ((await startCampaign(deps, revision)) === 'started') {
        report.started++;
        deps.logger.warn('sweeper started a missing campaign', { policyId, version: revision.version });
      }
    }
  }
  let cursor: string | null = null;
  do {
    const page: Page<Campaign> = await deps.notifications.listOpenCampaigns(100, cursor);
    for (const campaign of page.items) {
      report.checked++;
      await sweepCampaign(deps, campaign, now.getTime(), opts.queuesLost === true, report);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return report;
}

async function sweepCampaign(
  deps: SweeperDeps,
  campaign: Campaign,
  nowMs: number,
  queuesLost: boolean,
  report: SweepReport,
): Promise<void> {
  const { policyId, version } = campaign;
  if (campaign.status === 'completed') return;
  if (!campaign.fanout.done && (queuesLost || campaign.fanout.leaseUntil < nowMs)) {
    const lease = deps.fanoutLeaseMs ?? DEFAULT_FANOUT_LEASE_MS;
    if (
      await deps.notifications.renewFanoutLease(policyId, version, campaign.fanout.leaseUntil, nowMs + lease)
    ) {
      await enqueueFanout(deps.fanoutQueue, policyId, version);
      report.restarted++;
      deps.logger.warn('sweeper restarted a stalled fan-out', {
        policyId,
        version,
        page: campaign.fanout.page,
      });
    }
  }
  // A worker that died between counting a page's last batch and the roll-up, with its message gone,
  // would leave the campaign open forever.
  const open = openPages(campaign).slice(0, PAGES_PER_SWEEP);
  const tallies = open.length > 0 ? await deps.notifications.getTallies(policyId, version, open) : [];
  let rolledUp = 0;
  for (const tally of tallies.filter(isTallyComplete)) {
    if (await deps.notifications.rollUpPage(policyId, version, tally, new Date(nowMs).toISOString()))
      rolledUp++;
  }
  report.rolledUp += rolledUp;
  const latest = rolledUp > 0 ? await deps.notifications.getCampaign(policyId, version) : campaign;
  if (!latest) return;
  if (await completeIfDone(deps, latest)) {
    report.completed++;
    return;
  }

  // Progress is the fan-out's page and the recipients handled so far; unchanged for stallMs → stalled.
  const handled =
    latest.sent +
    latest.failed +
    latest.suppressed +
    tallies
      .filter((t) => !latest.rolledUpPages.includes(t.page))
      .reduce((n, t) => n + t.sent + t.failed + t.suppressed, 0);
  const signature = `${latest.fanout.page}:${handled}`;
  const stalled =
    queuesLost ||
    (latest.sweep?.signature === signature && nowMs - latest.sweep.at >= (deps.stallMs ?? DEFAULTS.stallMs));
  if (!stalled) {
    if (latest.sweep?.signature !== signature)
      await deps.notifications.recordSweep(policyId, version, { signature, at: nowMs }, latest.sweep);
    return;
  }
  // Only the sweeper that moves the record re-enqueues (two overlapping runs do not both).
  if (!(await deps.notifications.recordSweep(policyId, version, { signature, at: nowMs }, latest.sweep)))
    return;
  const counted = new Map(tallies.map((t) => [t.page, new Set(t.countedBatches)]));
  for (const pageNo of openPages(latest).slice(0, PAGES_PER_SWEEP)) {
    const frozen = await deps.notifications.getPage(policyId, version, pageNo);
    if (!frozen) continue;
    const done = counted.get(pageNo) ?? new Set<string>();
    const lost = pageBatches(deps, policyId, version, pageNo, frozen.userIds).filter(
      (b) => !done.has(b.batchId),
    );
    if (lost.length === 0) continue;
    await enqueueBatches(deps.sendQueue, lost);
    report.requeued += lost.length;
  }
  if (report.requeued > 0)
    deps.logger.warn('sweeper re-enqueued send batches of a campaign without progress', {
      policyId,
      version,
      batches: report.requeued,
    });
}

/** The progress route: 404 for an unknown policy or version, `not_requested` when notify was off. */
export async function notificationStatus(
  deps: PolicyDeps & { notifications: NotificationStore },
  policyId: string,
  version: number,
): Promise<NotificationProgress> {
  const revision = await findRevision(deps, policyId, version);
  if (!revision.notify) return notificationProgress(revision, null);
  const campaign = await deps.notifications.getCampaign(policyId, version);
  const open = campaign && campaign.status !== 'completed' ? openPages(campaign).slice(0, 100) : [];
  const tallies = open.length > 0 ? await deps.notifications.getTallies(policyId, version, open) : [];
  return notificationProgress(revision, campaign, tallies, deps.clock.now());
}

// --- SES bounce and complaint events (SNS) ---

/** Built at the first SES event (`lazy`): only the SES-events function parses them. */
const sesEventSchema = /* @__PURE__ */ lazy(() => {
  const recipients = z.array(z.looseObject({ emailAddress: z.string() }));
  return z.looseObject({
    eventType: z.optional(z.string()),
    notificationType: z.optional(z.string()),
    bounce: z.optional(
      z.looseObject({
        bounceType: z.string(),
        bounceSubType: z.optional(z.string()),
        bouncedRecipients: recipients,
      }),
    ),
    complaint: z.optional(
      z.looseObject({ complainedRecipients: recipients, complaintFeedbackType: z.optional(z.string()) }),
    ),
    delivery: z.optional(z.looseObject({ timestamp: z.optional(z.string()) })),
    mail: z.optional(
      z.looseObject({
        messageId: z.optional(z.string()),
        tags: z.optional(z.record(z.string(), z.array(z.string()))),
      }),
    ),
  });
});

/** `"Name" <a@b.vn>` or `a@b.vn` → `a@b.vn`. */
const bareAddress = (value: string) => (/<([^<>]+)>/.exec(value)?.[1] ?? value).trim();

export interface SesEventDeps {
  customers: Pick<CustomerStore, 'suppressByEmail'>;
  suppressions: Pick<SuppressionStore, 'put'>;
  /** Where Delivery events are recorded (the ledger). */
  notifications: Pick<NotificationStore, 'recordDelivery'>;
  clock: Clock;
  logger: Logger;
}

/**
 * Applies one SES event: a permanent bounce or a complaint puts the address's hash on the suppression
 * list and suppresses every customer with that address (transient bounces are SES's to retry); a
 * Delivery records its time on the ledger entry named by the message's `ledger` tag. Accepts both
 * event publishing (`eventType`) and feedback notifications (`notificationType`).
 */
export async function applySesEvent(
  deps: SesEventDeps,
  payload: unknown,
): Promise<{ suppressed: number; delivered: number }> {
  const none = { suppressed: 0, delivered: 0 };
  const parsed = sesEventSchema().safeParse(payload);
  if (!parsed.success) {
    deps.logger.warn('ignored an SES event that is not a bounce, complaint or delivery');
    return none;
  }
  const event = parsed.data;
  const type = event.eventType ?? event.notificationType;
  if (type === 'Delivery') return { suppressed: 0, delivered: await applyDelivery(deps, event) };
  let addresses: string[] = [];
  let reason: string;
  if (type === 'Bounce' && event.bounce) {
    if (event.bounce.bounceType !== 'Permanent') return none;
    addresses = event.bounce.bouncedRecipients.map((r) => r.emailAddress);
    reason = `bounce:${event.bounce.bounceSubType ?? 'General'}`;
  } else if (type === 'Complaint' && event.complaint) {
    addresses = event.complaint.complainedRecipients.map((r) => r.emailAddress);
    reason = `complaint:${event.complaint.complaintFeedbackType ?? 'abuse'}`;
  } else return none;
  const at = deps.clock.now().toISOString();
  let suppressed = 0;
  for (const address of uniqueIds(addresses.map(bareAddress))) {
    // The list first: it is what the worker checks, whatever user id the address is registered under.
    await deps.suppressions.put({ hash: addressHash(address), reason, at });
    let n = await deps.customers.suppressByEmail(address, reason, at);
    // SES may report the address in another case than the customer registered it with.
    if (n === 0 && address.toLowerCase() !== address)
      n = await deps.customers.suppressByEmail(address.toLowerCase(), reason, at);
    suppressed += n;
  }
  deps.logger.info('SES event applied', { type, reason, addresses: addresses.length, suppressed });
  return { suppressed, delivered: 0 };
}

async function applyDelivery(
  deps: SesEventDeps,
  event: z.infer<ReturnType<typeof sesEventSchema>>,
): Promise<number> {
  const tag = event.mail?.tags?.[LEDGER_TAG]?.[0];
  const ledger = tag ? parseLedgerTag(tag) : null;
  const messageId = event.mail?.messageId;
  if (!ledger || !messageId) {
    // Not one of the change emails (or sent without the tag): nothing to record.
    deps.logger.info('SES delivery without a ledger tag; skipped');
    return 0;
  }
  const at = event.delivery?.timestamp;
  const deliveredAt =
    at && !Number.isNaN(Date.parse(at)) ? new Date(at).toISOString() : deps.clock.now().toISOString();
  const recorded = await deps.notifications.recordDelivery(ledger.policyId, ledger.version, ledger.userId, {
    messageId,
    deliveredAt,
  });
  return recorded ? 1 : 0;
}

// --- Retrying failed recipients (POST /policies/{policyId}/revisions/{version}/notification/retry) ---

export interface RetryDeps extends PolicyDeps {
  notifications: NotificationStore;
  sendQueue: Queue;
  /** Recipients per batch: the fan-out's, so the sweeper re-plans a retry page's batches the same way. */
  batchSize?: number;
  logger?: Logger;
}

export interface RetryResult {
  /** Failed recipients put back on the send queue by this call. */
  requeued: number;
  skipped: {
    /** Failed for a reason no retry can cure (docs/API.md: retryable reasons). */
    permanent: number;
    /** Retryable, but already put back by another retry that is still running. */
    inProgress: number;
  };
  /** The campaign's status after the call: `sending` while requeued recipients are pending. */
  status: Campaign['status'];
}

/** Rounds per call: a crashed earlier retry's leftover page, then this call's own. */
const RETRY_ROUNDS = 3;

/**
 * Sends again to the recipients whose ledger state is `failed` with a retryable reason; `sent`,
 * `suppressed` and erased recipients, and permanent failures, never. Each round freezes the candidates
 * as a new page of the campaign (write-once, after the fan-out's last), takes each recipient from
 * `failed` to `pending` for that page (a conditional write: once), opens the page on the campaign
 * (conditional on the fan-out still being at it: of two concurrent calls exactly one does), and puts the
 * page's batches on the send queue. The worker then claims, sends and counts them like any batch, and
 * the campaign completes again. A crash part-way is picked up by the next call (the frozen page is
 * reused) or, once the page is open, by the sweeper.
 */
export async function retryFailed(deps: RetryDeps, policyId: string, version: number): Promise<RetryResult> {
  const revision = await findRevision(deps, policyId, version);
  let campaign = revision.notify ? await deps.notifications.getCampaign(policyId, version) : null;
  if (!campaign) throw notFound(`version ${version} of ${policyId} has no notification campaign`);
  const result: RetryResult = {
    requeued: 0,
    skipped: { permanent: 0, inProgress: 0 },
    status: campaign.status,
  };
  if (!campaign.fanout.done)
    throw new DomainError(
      'VERSION_CONFLICT',
      'the campaign is still listing its recipients: retry once every recipient has been listed',
    );

  for (let round = 0; round < RETRY_ROUNDS; round++) {
    const failed = await deps.notifications.listFailed(policyId, version);
    const retryable = failed.filter((e) => isRetryableFailure(e.reason)).map((e) => e.userId);
    result.skipped.permanent = failed.length - retryable.length;
    const pageNo = campaign.fanout.page;
    // An earlier call that died after freezing this page left its recipients in it: those go first.
    const stored = await deps.notifications.getPage(policyId, version, pageNo);
    if (!stored && retryable.length === 0) break;
    const page =
      stored ??
      (await deps.notifications.putPage(
        policyId,
        version,
        { page: pageNo, cursorIn: null, cursorOut: null, userIds: retryable },
        deps.clock.now().getTime() + PAGE_TTL_MS,
      ));
    for (const userId of page.userIds)
      await deps.notifications.requeueFailed(policyId, version, userId, pageNo);
    const opened = await deps.notifications.openRetryPage(policyId, version, {
      page: pageNo,
      recipients: page.userIds.length,
      at: deps.clock.now().toISOString(),
    });
    if (!opened) {
      // Another retry opened this page first: its recipients are that call's to send.
      result.skipped.inProgress += page.userIds.filter((id) => retryable.includes(id)).length;
      break;
    }
    const batches = pageBatches(deps, policyId, version, pageNo, page.userIds);
    await enqueueBatches(deps.sendQueue, batches);
    result.requeued += page.userIds.length;
    deps.logger?.info('failed recipients put back on the send queue', {
      policyId,
      version,
      page: pageNo,
      recipients: page.userIds.length,
    });
    campaign = (await deps.notifications.getCampaign(policyId, version)) ?? campaign;
    // This call's candidates were all in the page: done. Otherwise the page was a dead call's leftover.
    if (retryable.every((id) => page.userIds.includes(id))) break;
  }
  const latest = await deps.notifications.getCampaign(policyId, version);
  result.status = latest?.status ?? result.status;
  return result;
}
