import { diffPolicyTexts, type PolicyDiff, splitSections } from '../domain/diff';
import { notFound } from '../domain/errors';
import { type Revision, resolveLocale } from '../domain/revision';
import { findRevision, type PolicyDeps } from './policies';

export interface Comparison {
  from: Revision;
  to: Revision;
  locale: string;
  oldText: string;
  newText: string;
  diff: PolicyDiff;
}

/** The text of a revision in a locale, or '' when the revision does not have that locale (added later). */
async function textIn(deps: PolicyDeps, revision: Revision, locale: string): Promise<string> {
  const hash = revision.contentHashes[locale];
  if (!hash) return '';
  const text = await deps.policies.getText(revision.policyId, hash);
  if (text === null) throw new Error(`text ${hash} of ${revision.policyId} v${revision.version} is missing`);
  return text;
}

/**
 * Compares two revisions in one locale: `to` defaults to the latest, `from` to the one before it. The
 * locale falls back to the newer revision's default; a locale the older revision lacks counts as empty.
 */
export async function compareRevisions(
  deps: PolicyDeps,
  policyId: string,
  refs: { from?: number; to?: number | 'current' | 'latest'; locale?: string },
): Promise<Comparison> {
  const to = await findRevision(deps, policyId, refs.to ?? 'latest');
  const fromVersion = refs.from ?? Math.max(1, to.version - 1);
  const from = await findRevision(deps, policyId, fromVersion);
  if (!from) throw notFound(`version ${fromVersion} of ${policyId} does not exist`);
  const locale = resolveLocale(to, refs.locale);
  const [oldText, newText] = await Promise.all([
    from.version === to.version ? textIn(deps, to, locale) : textIn(deps, from, locale),
    textIn(deps, to, locale),
  ]);
  const formats = { old: from.format ?? 'text', new: to.format ?? 'text' } as const;
  return { from, to, locale, oldText, newText, diff: diffPolicyTexts(oldText, newText, formats) };
}

export { splitSections };

/** The diff of would-be texts against the latest revision, per locale (a dry run's preview). */
export async function diffAgainstLatest(
  deps: PolicyDeps,
  latest: Revision | null,
  texts: Record<string, string>,
): Promise<Record<string, PolicyDiff>> {
  const entries = await Promise.all(
    Object.entries(texts).map(async ([locale, text]) => {
      const old = latest ? await textIn(deps, latest, locale) : '';
      return [locale, diffPolicyTexts(old, text)] as const;
    }),
  );
  return Object.fromEntries(entries);
}
