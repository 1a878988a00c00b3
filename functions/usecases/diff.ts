import { diffPolicyTexts, type PolicyDiff, splitSections } from '../domain/diff';
import { type BoundedDiff, boundDiff, DIFF_LIMITS } from '../domain/diff/bound';
import type { DocumentFormat } from '../domain/document';
import { notFound } from '../domain/errors';
import { type Revision, resolveLocale } from '../domain/revision';
import { findRevision, type PolicyDeps } from './policies';

export interface Texts {
  from: Revision;
  to: Revision;
  locale: string;
  oldText: string;
  newText: string;
}

export interface Comparison extends Texts {
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
 * The two texts to compare: `to` defaults to the latest revision, `from` to the one before it. The
 * locale falls back to the newer revision's default; a locale the older revision lacks counts as empty.
 */
export async function comparedTexts(
  deps: PolicyDeps,
  policyId: string,
  refs: { from?: number; to?: number | 'current' | 'latest'; locale?: string },
): Promise<Texts> {
  const to = await findRevision(deps, policyId, refs.to ?? 'latest');
  const fromVersion = refs.from ?? Math.max(1, to.version - 1);
  const from = await findRevision(deps, policyId, fromVersion);
  if (!from) throw notFound(`version ${fromVersion} of ${policyId} does not exist`);
  const locale = resolveLocale(to, refs.locale);
  const [oldText, newText] = await Promise.all([
    from.version === to.version ? textIn(deps, to, locale) : textIn(deps, from, locale),
    textIn(deps, to, locale),
  ]);
  return { from, to, locale, oldText, newText };
}

/** The formats the two texts are read in (each revision's own). */
export const formatsOf = (t: Pick<Texts, 'from' | 'to'>) => ({ old: t.from.format, new: t.to.format });

/** Compares two revisions in one locale (see `comparedTexts` for the defaults). */
export async function compareRevisions(
  deps: PolicyDeps,
  policyId: string,
  refs: { from?: number; to?: number | 'current' | 'latest'; locale?: string },
): Promise<Comparison> {
  const texts = await comparedTexts(deps, policyId, refs);
  return { ...texts, diff: diffPolicyTexts(texts.oldText, texts.newText, formatsOf(texts)) };
}

export { splitSections };

/**
 * The diff of would-be texts against the latest revision, per locale (a dry run's preview), each
 * bounded to its share of one response (`boundDiff`): a preview shows the first sections of each
 * locale; the whole diff is the diff route's, once published.
 */
export async function diffAgainstLatest(
  deps: PolicyDeps,
  latest: Revision | null,
  texts: Record<string, string>,
  format: DocumentFormat,
  /** Hears each locale's whole diff before it is bounded (the preview's emails list its sections). */
  onDiff?: (locale: string, diff: PolicyDiff) => void,
): Promise<Record<string, BoundedDiff>> {
  const locales = Object.keys(texts);
  const share = { ...DIFF_LIMITS, maxBytes: Math.floor(DIFF_LIMITS.maxBytes / Math.max(1, locales.length)) };
  const out: Record<string, BoundedDiff> = {};
  // One locale at a time: each diff's intermediate data can be large for 2 MiB texts.
  for (const locale of locales) {
    const old = latest ? await textIn(deps, latest, locale) : '';
    const diff = diffPolicyTexts(old, texts[locale]!, { old: latest?.format ?? format, new: format });
    onDiff?.(locale, diff);
    out[locale] = boundDiff(diff, share);
  }
  return out;
}
