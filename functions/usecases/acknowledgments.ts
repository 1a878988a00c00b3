import { notFound } from '../domain/errors';
import { resolveLocale } from '../domain/revision';
import { type AcknowledgmentStatus, acknowledgmentStatus } from '../domain/status-rules';
import type { Acknowledgment, AcknowledgmentStore, Clock, IdGenerator } from '../ports';
import { findRevision, type PolicyDeps } from './policies';

export interface AcknowledgmentDeps extends PolicyDeps {
  acks: AcknowledgmentStore;
  ids: IdGenerator;
}

export interface AcknowledgeInput {
  policyId: string;
  version: number;
  locale?: string | undefined;
  channel?: string | undefined;
  evidence?: Record<string, string> | undefined;
}

/**
 * Records that a user accepted a version, with the hash of the exact text they were shown. Append-only
 * and idempotent: the same (user, policy, version) again returns the first record.
 */
export async function acknowledge(deps: AcknowledgmentDeps, userId: string, input: AcknowledgeInput) {
  const revision = await findRevision(deps, input.policyId, input.version);
  const locale = resolveLocale(revision, input.locale);
  const record: Acknowledgment = {
    userId,
    policyId: revision.policyId,
    version: revision.version,
    locale,
    contentHash: revision.contentHashes[locale]!,
    acknowledgedAt: deps.clock.now().toISOString(),
    channel: input.channel ?? 'api',
    evidence: input.evidence ?? {},
    receiptId: deps.ids.next(),
  };
  return deps.acks.put(record);
}

export async function listAcknowledgments(
  deps: { acks: AcknowledgmentStore },
  userId: string,
  policyId?: string,
) {
  return deps.acks.listForUser(userId, policyId);
}

/**
 * The login-time question. One DynamoDB read (the user's newest acknowledgment) on a warm instance:
 * the revision list comes from the in-memory catalog.
 */
export async function checkStatus(
  deps: PolicyDeps & { acks: AcknowledgmentStore; clock: Clock },
  userId: string,
  policyId: string,
): Promise<AcknowledgmentStatus> {
  const [revisions, newest] = await Promise.all([
    deps.catalog.revisions(policyId),
    deps.acks.newest(userId, policyId),
  ]);
  if (revisions.length === 0) throw notFound(`policy ${policyId} does not exist`);
  return acknowledgmentStatus({ userId, revisions, newestAck: newest, now: deps.clock.now() });
}
