/**
 * Publishing the next revision of a policy. Apart from usecases/policies.ts because only the publish
 * function (and the local server, CLI and tests) publishes: the functions that only read revisions
 * import policies.ts without the revision builder and the Markdown parser under it.
 */
import { DomainError, ItemExistsError } from '../domain/errors';
import { prepareRevision } from '../domain/prepare-revision';
import type { PreparedRevision, PublishInput, Revision } from '../domain/revision';
import { type PolicyDeps, policySettings } from './policies';
import { revisionChanges } from './revision-changes';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PublishDeps extends PolicyDeps {
  /** Called once the revision is stored; starts its notification campaign when it asks for one. */
  onPublished?: (revision: Revision) => Promise<void>;
}

/** How many times a publish re-reads the latest version after losing a race for the next one. */
export const MAX_PUBLISH_ATTEMPTS = 40;

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));

/**
 * Publishes the next version. Versions stay 1..N without gaps or duplicates under concurrency because
 * the revision item is written once, conditionally; the loser of a race re-reads the latest version
 * and tries again, unless the caller pinned `baseVersion` (then the race is the caller's conflict).
 */
export async function publishRevision(
  deps: PublishDeps,
  policyId: string,
  input: PublishInput,
  options: { dryRun: boolean },
): Promise<PreparedRevision & { latest: Revision | null }> {
  // Read once: a material, notified revision without effectiveAt waits out the policy's notice period.
  const notice =
    input.effectiveAt === undefined && input.change === 'material' && (input.notify ?? true)
      ? (await policySettings(deps, policyId)).noticePeriodDays
      : 0;
  for (let attempt = 0; attempt < MAX_PUBLISH_ATTEMPTS; attempt++) {
    const latest = await deps.policies.latestRevision(policyId);
    const now = deps.clock.now();
    // The first version has nothing in effect to give notice about: it takes effect as published.
    const effectiveAt =
      latest && notice > 0 ? new Date(now.getTime() + notice * DAY_MS).toISOString() : input.effectiveAt;
    const prepared = prepareRevision({ policyId, input: { ...input, effectiveAt }, latest, now });
    if (options.dryRun) return { ...prepared, latest };
    const { revision, texts } = prepared;
    if (!latest) await deps.policies.registerPolicy(policyId, revision.publishedAt);
    // Texts first, then the revision that points at them: a reader never sees a revision without its texts.
    await Promise.all(
      revision.locales
        .filter((l) => latest?.contentHashes[l] !== revision.contentHashes[l])
        .map((l) => deps.policies.putText(policyId, revision.contentHashes[l]!, texts[l]!)),
    );
    // What its emails will list as changed, likewise before the revision (keyed by its hash, which fixes
    // both texts compared): the send worker reads it instead of diffing in every instance.
    if (latest && revision.notify)
      await deps.policies.putChanges(
        policyId,
        revision.hash,
        await revisionChanges(deps.policies, latest, revision, texts),
      );
    try {
      await deps.policies.putRevision(revision);
    } catch (e) {
      if (!(e instanceof ItemExistsError)) throw e;
      if (input.baseVersion !== undefined)
        throw new DomainError('VERSION_CONFLICT', `version ${revision.version} was published concurrently`);
      await backoff(attempt);
      continue;
    }
    deps.catalog.invalidate(policyId);
    await deps.onPublished?.(revision);
    return { ...prepared, latest };
  }
  throw new DomainError('VERSION_CONFLICT', 'too many concurrent publishes; try again');
}
