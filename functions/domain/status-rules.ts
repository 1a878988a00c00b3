import type { Revision } from './revision';

/**
 * Which revision is in force at a moment, and what a user must acknowledge. Pure functions over the
 * ascending list of a policy's revisions.
 */
export interface PolicyView {
  policyId: string;
  defaultLocale: string;
  locales: string[];
  currentVersion: number | null;
  latestVersion: number;
  upcoming: { version: number; effectiveAt: string } | null;
  /** The policy's human titles by locale: the current revision's (the latest's before any is in effect). */
  titles: Record<string, string>;
}

const isEffective = (r: Revision, now: Date) => Date.parse(r.effectiveAt) <= now.getTime();

export function currentRevision(revisions: Revision[], now: Date): Revision | null {
  for (let i = revisions.length - 1; i >= 0; i--) if (isEffective(revisions[i]!, now)) return revisions[i]!;
  return null;
}

export function upcomingRevision(revisions: Revision[], now: Date): Revision | null {
  return revisions.find((r) => !isEffective(r, now)) ?? null;
}

/** The newest effective revision that users must accept: material ones (the first revision counts as material). */
export function requiredRevision(revisions: Revision[], now: Date): Revision | null {
  for (let i = revisions.length - 1; i >= 0; i--) {
    const r = revisions[i]!;
    if (isEffective(r, now) && (r.change === 'material' || r.version === 1)) return r;
  }
  return null;
}

export function policyView(revisions: Revision[], now: Date): PolicyView | null {
  const latest = revisions[revisions.length - 1];
  if (!latest) return null;
  const upcoming = upcomingRevision(revisions, now);
  return {
    policyId: latest.policyId,
    defaultLocale: latest.defaultLocale,
    locales: latest.locales,
    currentVersion: currentRevision(revisions, now)?.version ?? null,
    latestVersion: latest.version,
    upcoming: upcoming ? { version: upcoming.version, effectiveAt: upcoming.effectiveAt } : null,
    titles: (currentRevision(revisions, now) ?? latest).titles ?? {},
  };
}

export type StatusReason = 'NEVER_ACKNOWLEDGED' | 'MATERIAL_CHANGE' | 'UP_TO_DATE' | 'NOTHING_IN_EFFECT';

export interface AcknowledgmentStatus {
  userId: string;
  policyId: string;
  mustAcknowledge: boolean;
  reason: StatusReason;
  currentVersion: number | null;
  requiredVersion: number | null;
  acknowledgedVersion: number | null;
  acknowledgedAt: string | null;
  upcoming: { version: number; effectiveAt: string } | null;
}

export function acknowledgmentStatus(args: {
  userId: string;
  revisions: Revision[];
  newestAck: { version: number; acknowledgedAt: string } | null;
  now: Date;
}): AcknowledgmentStatus {
  const { revisions, newestAck, now } = args;
  const view = policyView(revisions, now);
  const required = requiredRevision(revisions, now);
  let reason: StatusReason;
  if (!required) reason = 'NOTHING_IN_EFFECT';
  else if (!newestAck) reason = 'NEVER_ACKNOWLEDGED';
  else if (newestAck.version < required.version) reason = 'MATERIAL_CHANGE';
  else reason = 'UP_TO_DATE';
  return {
    userId: args.userId,
    policyId: view?.policyId ?? '',
    mustAcknowledge: reason === 'NEVER_ACKNOWLEDGED' || reason === 'MATERIAL_CHANGE',
    reason,
    currentVersion: view?.currentVersion ?? null,
    requiredVersion: required?.version ?? null,
    acknowledgedVersion: newestAck?.version ?? null,
    acknowledgedAt: newestAck?.acknowledgedAt ?? null,
    upcoming: view?.upcoming ?? null,
  };
}
