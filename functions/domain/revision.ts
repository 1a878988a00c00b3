import type { DocumentFormat } from './document/types';
import { canonicalJson, sha256 } from './text';

export type ChangeKind = 'material' | 'minor';

/** How a revision's texts are written (one format for all its locales): see `document/`. */
export { DOCUMENT_FORMATS, type DocumentFormat } from './document/types';

/** Revision metadata: everything about a published version except the texts themselves. */
export interface Revision {
  policyId: string;
  version: number;
  change: ChangeKind;
  /**
   * Revisions stored before formats existed have none and read as `text` (the stores fill it in), which
   * is also why only `markdown` enters the chain hash (see `revisionHash`).
   */
  format: DocumentFormat;
  publishedAt: string;
  effectiveAt: string;
  defaultLocale: string;
  locales: string[];
  contentHashes: Record<string, string>;
  hash: string;
  previousHash: string | null;
  summary: Record<string, string>;
  /**
   * The policy's human title per locale (issue 11): given at publish, else taken from each text's first
   * heading. Revisions stored before titles existed read as `{}`; use `revisionTitle` to show one.
   */
  titles: Record<string, string>;
  notify: boolean;
}

export interface PublishInput {
  texts: Record<string, string>;
  change: ChangeKind;
  /** Default `text`. */
  format?: DocumentFormat;
  summary?: Record<string, string>;
  /** Human titles by locale; a locale without one gets its text's first heading. */
  titles?: Record<string, string>;
  effectiveAt?: string;
  baseVersion?: number;
  notify?: boolean;
}

export interface PreparedRevision {
  revision: Revision;
  /** Normalised texts by locale. */
  texts: Record<string, string>;
}

export const MAX_LOCALES = 8;
/** How far in the past `effectiveAt` may lie and still count as "now" (clock skew between client and server). */
export const EFFECTIVE_AT_SKEW_MS = 5 * 60 * 1000;

/**
 * How far ahead `effectiveAt` may lie. Revisions are immutable and each must not take effect before the
 * latest, so a date in year 9999 would leave the policy unable to take any further revision.
 */
export const EFFECTIVE_AT_HORIZON_YEARS = 5;

/** The latest instant `effectiveAt` may name for a revision published at `now`. */
export function effectiveAtHorizon(now: Date): Date {
  const horizon = new Date(now.getTime());
  horizon.setUTCFullYear(horizon.getUTCFullYear() + EFFECTIVE_AT_HORIZON_YEARS);
  return horizon;
}

/**
 * The chain hash: binds a revision to its predecessor so that rewriting any stored revision (or a
 * text, through its content hash) breaks every hash after it.
 *
 * The format enters the hash as `format: "markdown"` and is left out for `text`: revisions stored
 * before formats existed (all plain text, hashed without the field) keep verifying, and the format is
 * still bound, since turning a markdown revision into text or back changes the hashed input.
 */
export function revisionHash(
  r: Pick<Revision, 'previousHash' | 'version' | 'change' | 'effectiveAt' | 'contentHashes'> & {
    format?: DocumentFormat | undefined;
  },
) {
  return sha256(
    canonicalJson({
      previousHash: r.previousHash,
      version: r.version,
      change: r.change,
      effectiveAt: r.effectiveAt,
      contentHashes: r.contentHashes,
      ...(r.format === 'markdown' ? { format: r.format } : {}),
    }),
  );
}

/** Checks a stored history (ascending versions): versions 1..n without gaps and an unbroken hash chain. */
export function verifyChain(
  revisions: Revision[],
): { ok: true } | { ok: false; version: number; reason: string } {
  let previous: Revision | null = null;
  for (const r of revisions) {
    const expectedVersion = previous ? previous.version + 1 : 1;
    if (r.version !== expectedVersion) return { ok: false, version: r.version, reason: 'version gap' };
    if (r.previousHash !== (previous?.hash ?? null))
      return { ok: false, version: r.version, reason: 'broken link' };
    if (revisionHash(r) !== r.hash) return { ok: false, version: r.version, reason: 'hash mismatch' };
    previous = r;
  }
  return { ok: true };
}

/** The locale served for a request: the asked one when the revision has it, else the default. */
export function resolveLocale(
  revision: Pick<Revision, 'locales' | 'defaultLocale'>,
  asked: string | undefined,
) {
  return asked && revision.locales.includes(asked) ? asked : revision.defaultLocale;
}

/** A title is one line of at most this many characters (longer ones are cut with an ellipsis). */
export const MAX_TITLE_CHARS = 200;

/** One line, controls and runs of white space collapsed, bounded. */
export function cleanTitle(title: string): string {
  const line = title
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > MAX_TITLE_CHARS ? `${line.slice(0, MAX_TITLE_CHARS - 1).trimEnd()}…` : line;
}

/**
 * How a revision is named for people (emails, pages, feed, console, CLI): its title in `locale`, else in
 * its default locale, else any title it has, else the policy id (revisions stored before titles).
 */
export function revisionTitle(
  revision: Pick<Revision, 'policyId' | 'defaultLocale'> & { titles?: Record<string, string> | undefined },
  locale?: string,
): string {
  const titles = revision.titles ?? {};
  return (
    (locale !== undefined && Object.hasOwn(titles, locale) ? titles[locale] : undefined) ??
    titles[revision.defaultLocale] ??
    Object.values(titles)[0] ??
    revision.policyId
  );
}
