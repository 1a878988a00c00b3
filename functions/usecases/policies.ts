import { DomainError, ItemExistsError, notFound } from '../domain/errors';
import {
  type PreparedRevision,
  type PublishInput,
  prepareRevision,
  type Revision,
  resolveLocale,
} from '../domain/revision';
import { type PolicyView, policyView } from '../domain/status-rules';
import type { Clock, Page, PolicySettings, PolicyStore } from '../ports';
import type { RevisionCatalog } from './catalog';

export interface PolicyDeps {
  policies: PolicyStore;
  catalog: RevisionCatalog;
  clock: Clock;
}

export interface PublishDeps extends PolicyDeps {
  /** Called once the revision is stored; starts its notification campaign when it asks for one. */
  onPublished?: (revision: Revision) => Promise<void>;
}

/** How many times a publish re-reads the latest version after losing a race for the next one. */
export const MAX_PUBLISH_ATTEMPTS = 40;

export async function getPolicyView(deps: PolicyDeps, policyId: string): Promise<PolicyView> {
  const view = policyView(await deps.catalog.revisions(policyId), deps.clock.now());
  if (!view) throw notFound(`policy ${policyId} does not exist`);
  return view;
}

export async function listPolicyViews(deps: PolicyDeps): Promise<PolicyView[]> {
  const ids = await deps.policies.listPolicyIds();
  const views = await Promise.all(
    ids.map(async (id) => policyView(await deps.catalog.revisions(id), deps.clock.now())),
  );
  return views
    .filter((v): v is PolicyView => v !== null)
    .sort((a, b) => a.policyId.localeCompare(b.policyId));
}

export async function pageRevisions(
  deps: PolicyDeps,
  policyId: string,
  limit: number,
  cursor: string | null,
): Promise<Page<Revision>> {
  const page = await deps.policies.pageRevisions(policyId, limit, cursor);
  if (page.items.length === 0 && (await deps.policies.latestRevision(policyId)) === null)
    throw notFound(`policy ${policyId} does not exist`);
  return page;
}

/** A revision by number or alias (`current`, `latest`). */
export async function findRevision(deps: PolicyDeps, policyId: string, ref: number | 'current' | 'latest') {
  const revisions = await deps.catalog.revisions(policyId);
  if (revisions.length === 0) throw notFound(`policy ${policyId} does not exist`);
  let revision: Revision | null | undefined;
  if (ref === 'latest') revision = revisions[revisions.length - 1];
  else if (ref === 'current') {
    const view = policyView(revisions, deps.clock.now());
    revision = view?.currentVersion ? revisions[view.currentVersion - 1] : null;
    if (!revision) throw notFound(`policy ${policyId} has no revision in effect yet`);
  } else {
    // Newer than the cached list: ask the store before saying it does not exist.
    revision = revisions[ref - 1] ?? (await deps.policies.getRevision(policyId, ref));
  }
  if (!revision) throw notFound(`version ${ref} of ${policyId} does not exist`);
  return revision;
}

export async function revisionText(deps: PolicyDeps, revision: Revision, askedLocale: string | undefined) {
  const locale = resolveLocale(revision, askedLocale);
  const hash = revision.contentHashes[locale]!;
  const text = await deps.policies.getText(revision.policyId, hash);
  if (text === null) throw new Error(`text ${hash} of ${revision.policyId} v${revision.version} is missing`);
  return { locale, text };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Upper bound of `noticePeriodDays` (one year). */
export const MAX_NOTICE_PERIOD_DAYS = 365;

/** The policy's settings, defaults filled in (a policy that never stored any has no notice period). */
export async function policySettings(
  deps: Pick<PolicyDeps, 'policies'>,
  policyId: string,
): Promise<{ noticePeriodDays: number; updatedAt: string | null }> {
  const stored = await deps.policies.getSettings(policyId);
  return { noticePeriodDays: stored?.noticePeriodDays ?? 0, updatedAt: stored?.updatedAt ?? null };
}

/** Stores the settings of an existing policy (404 for one never published). */
export async function updatePolicySettings(
  deps: PolicyDeps,
  policyId: string,
  settings: Omit<PolicySettings, 'updatedAt'>,
): Promise<PolicySettings> {
  if ((await deps.policies.latestRevision(policyId)) === null)
    throw notFound(`policy ${policyId} does not exist`);
  const stored = { ...settings, updatedAt: deps.clock.now().toISOString() };
  await deps.policies.putSettings(policyId, stored);
  return stored;
}

export async function readPolicySettings(deps: PolicyDeps, policyId: string) {
  if ((await deps.policies.latestRevision(policyId)) === null)
    throw notFound(`policy ${policyId} does not exist`);
  return policySettings(deps, policyId);
}

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
