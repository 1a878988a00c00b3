import { DEFAULTS } from '../domain/defaults';
import type { Revision } from '../domain/revision';
import type { PolicyStore } from '../ports';

/** How long a function instance trusts its in-memory copy of a policy's revision list. */
export const DEFAULT_REVISION_CACHE_TTL_MS = DEFAULTS.revisionCacheTtlMs;

/**
 * Per-instance cache of each policy's revision metadata (DESIGN.md decision 6): it keeps the status
 * check to one DynamoDB read. Revisions are immutable, so the only staleness is a revision published
 * by another instance in the last TTL; the publishing instance invalidates its own copy at once.
 */
export class RevisionCatalog {
  private readonly entries = new Map<string, { at: number; revisions: Promise<Revision[]> }>();

  constructor(
    private readonly store: Pick<PolicyStore, 'listRevisions'>,
    private readonly ttlMs = DEFAULT_REVISION_CACHE_TTL_MS,
    private readonly nowMs: () => number = Date.now,
  ) {}

  revisions(policyId: string): Promise<Revision[]> {
    const entry = this.entries.get(policyId);
    if (entry && this.nowMs() - entry.at < this.ttlMs) return entry.revisions;
    const revisions = this.store.listRevisions(policyId);
    this.entries.set(policyId, { at: this.nowMs(), revisions });
    // A failed load must not be served from the cache.
    revisions.catch(() => this.entries.delete(policyId));
    return revisions;
  }

  invalidate(policyId: string): void {
    this.entries.delete(policyId);
  }
}
