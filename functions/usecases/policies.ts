import { notFound } from '../domain/errors';
import { type Revision, resolveLocale } from '../domain/revision';
import { type PolicyView, policyView } from '../domain/status-rules';
import type { Clock, Page, PolicySettings, PolicyStore } from '../ports';
import type { RevisionCatalog } from './catalog';

export interface PolicyDeps {
  policies: PolicyStore;
  catalog: RevisionCatalog;
  clock: Clock;
}

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
