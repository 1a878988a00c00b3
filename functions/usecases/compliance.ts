/**
 * What a data-protection officer needs to prove, for any user, which text they were shown, when they
 * agreed, and that they were told: exports, the per-user timeline, receipts that re-verify hashes.
 */

import type { ReceiptCheck } from '../domain/entities';
import { IntegrityError, notFound } from '../domain/errors';
import { type Revision, verifyChain } from '../domain/revision';
import { requiredRevision } from '../domain/status-rules';
import { contentHash } from '../domain/text';
import type { Acknowledgment, AcknowledgmentStore, CountStore, Notice, NoticeReader, Page } from '../ports';
import type { PolicyDeps } from './policies';

export interface ComplianceDeps extends PolicyDeps {
  acks: AcknowledgmentStore;
  notices: NoticeReader;
  /** Sharded counters: the summary reads them instead of every customer and acknowledgment. */
  counts: Pick<CountStore, 'read'>;
}

async function revisionsOrNotFound(deps: PolicyDeps, policyId: string): Promise<Revision[]> {
  // The store, not the cache: compliance answers must include a revision published a second ago.
  const revisions = await deps.policies.listRevisions(policyId);
  if (revisions.length === 0) throw notFound(`policy ${policyId} does not exist`);
  return revisions;
}

export async function exportAcknowledgments(
  deps: ComplianceDeps,
  policyId: string,
  limit: number,
  cursor: string | null,
): Promise<Page<Acknowledgment>> {
  await revisionsOrNotFound(deps, policyId);
  return deps.acks.pageForPolicy(policyId, limit, cursor);
}

export type TimelineEvent =
  | {
      at: string;
      type: 'revision_published';
      policyId: string;
      version: number;
      change: string;
      effectiveAt: string;
    }
  | { at: string; type: 'revision_effective'; policyId: string; version: number; change: string }
  | ({ type: 'notice' } & Notice)
  /** SES reported the change email delivered to the receiving server (its Delivery event). */
  | { at: string; type: 'notice_delivered'; policyId: string; version: number; messageId?: string }
  | ({ type: 'acknowledgment'; at: string } & Acknowledgment);

/**
 * For one user: every revision of every policy and when it took effect, every notice sent to them, every
 * acknowledgment with its evidence, and all of it merged in time order (the answer to an access request).
 */
export async function userTimeline(deps: ComplianceDeps, userId: string, now: Date) {
  const [policyIds, acknowledgments, notices] = await Promise.all([
    deps.policies.listPolicyIds(),
    deps.acks.listForUser(userId),
    deps.notices.noticesForUser(userId),
  ]);
  const revisions = (await Promise.all(policyIds.map((id) => deps.policies.listRevisions(id)))).flat();
  const events: TimelineEvent[] = [];
  for (const r of revisions) {
    events.push({
      at: r.publishedAt,
      type: 'revision_published',
      policyId: r.policyId,
      version: r.version,
      change: r.change,
      effectiveAt: r.effectiveAt,
    });
    if (Date.parse(r.effectiveAt) <= now.getTime())
      events.push({
        at: r.effectiveAt,
        type: 'revision_effective',
        policyId: r.policyId,
        version: r.version,
        change: r.change,
      });
  }
  for (const n of notices) {
    events.push({ type: 'notice', ...n });
    if (n.deliveredAt)
      events.push({
        at: n.deliveredAt,
        type: 'notice_delivered',
        policyId: n.policyId,
        version: n.version,
        ...(n.messageId ? { messageId: n.messageId } : {}),
      });
  }
  for (const a of acknowledgments) events.push({ type: 'acknowledgment', at: a.acknowledgedAt, ...a });
  events.sort((a, b) => a.at.localeCompare(b.at));
  return {
    userId,
    generatedAt: now.toISOString(),
    revisions: revisions.map(({ policyId, version, change, publishedAt, effectiveAt, hash }) => ({
      policyId,
      version,
      change,
      publishedAt,
      effectiveAt,
      hash,
    })),
    notices,
    acknowledgments,
    events,
  };
}

export type { ReceiptCheck } from '../domain/entities';

/**
 * An acknowledgment with the exact text it covers, re-verified now: the stored text hashes to the
 * revision's content hash, the acknowledged hash is that hash, and the revision chain up to the
 * version is unbroken. A tampered text or revision fails a check instead of passing silently.
 */
export async function acknowledgmentReceipt(
  deps: ComplianceDeps,
  userId: string,
  policyId: string,
  version: number,
) {
  const acks = await deps.acks.listForUser(userId, policyId);
  const ack = acks.find((a) => a.version === version);
  if (!ack) throw notFound(`${userId} has not acknowledged version ${version} of ${policyId}`);
  const revisions = await revisionsOrNotFound(deps, policyId);
  const revision = revisions.find((r) => r.version === version);
  if (!revision) throw notFound(`version ${version} of ${policyId} does not exist`);
  const expected = revision.contentHashes[ack.locale];
  // The store verifies a text against its hash on read: a receipt reports a failed check, not a fault.
  const stored = expected
    ? await deps.policies.getText(policyId, expected).then(
        (text) => ({ text, failure: null }),
        (e: unknown) => {
          if (e instanceof IntegrityError) return { text: null, failure: e.message };
          throw e;
        },
      )
    : { text: null, failure: null };
  const actual = stored.text === null ? null : contentHash(stored.text);
  const chain = verifyChain(revisions.filter((r) => r.version <= version));
  const checks: ReceiptCheck[] = [
    {
      name: 'stored_text_matches_revision',
      ok: actual !== null && actual === expected,
      detail:
        stored.failure ??
        (actual === null
          ? 'the stored text is missing'
          : `stored text hashes to ${actual}; revision records ${expected}`),
    },
    {
      name: 'acknowledged_hash_matches_revision',
      ok: ack.contentHash === expected,
      detail: `acknowledged ${ack.contentHash}; revision records ${expected ?? 'no text in this locale'}`,
    },
    {
      name: 'revision_chain_intact',
      ok: chain.ok,
      detail: chain.ok
        ? `versions 1..${version} chain to ${revision.hash}`
        : `version ${chain.version}: ${chain.reason}`,
    },
  ];
  // The change email about this version, if the ledger has one: sent and delivered are separate facts.
  const notice =
    (await deps.notices.noticesForUser(userId)).find(
      (n) => n.policyId === policyId && n.version === version,
    ) ?? null;
  return {
    acknowledgment: ack,
    revision,
    text: stored.text ?? '',
    verified: checks.every((c) => c.ok),
    checks,
    notice,
  };
}

/**
 * Who still has to acknowledge: active customers without an acknowledgment of the required version
 * (or a later one). Read from the counters (functions/adapters/dynamodb/count-store.ts): the revision
 * list and one batch read of the counter shards, whatever the number of customers. The counters are
 * exact after every change and are recomputed from the tables by the periodic reconciliation.
 */
export async function acknowledgmentSummary(deps: ComplianceDeps, policyId: string, now: Date) {
  const revisions = await revisionsOrNotFound(deps, policyId);
  const required = requiredRevision(revisions, now);
  const { activeCustomers, policy } = await deps.counts.read(policyId);
  let acknowledged = 0;
  if (required)
    for (const [version, n] of Object.entries(policy.activeByNewestVersion))
      if (Number(version) >= required.version) acknowledged += n;
  const byVersion: Record<string, number> = {};
  for (const [version, n] of Object.entries(policy.acknowledgments)) byVersion[version] = n;
  return {
    policyId,
    requiredVersion: required?.version ?? null,
    activeCustomers,
    acknowledgedRequired: required ? acknowledged : activeCustomers,
    pending: required ? activeCustomers - acknowledged : 0,
    acknowledgmentsByVersion: byVersion,
  };
}
