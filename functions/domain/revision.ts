import { documentModel, plainText } from './document/index';
import type { DocumentFormat } from './document/types';
import { DomainError, type ErrorDetail, validationFailed } from './errors';
import { canonicalJson, contentHash, MAX_TEXT_BYTES, normalizeText, sha256, utf8Bytes } from './text';

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

/**
 * Builds the next revision from validated input and the latest stored revision. Pure: the caller supplies
 * the clock reading and the latest revision.
 */
export function prepareRevision(args: {
  policyId: string;
  input: PublishInput;
  latest: Revision | null;
  now: Date;
}): PreparedRevision {
  const { policyId, input, latest, now } = args;
  const details: ErrorDetail[] = [];

  const texts: Record<string, string> = {};
  for (const [locale, raw] of Object.entries(input.texts)) {
    const normalised = normalizeText(raw);
    if (normalised.trim() === '') details.push({ path: `texts.${locale}`, message: 'text is empty' });
    else if (utf8Bytes(normalised) > MAX_TEXT_BYTES)
      details.push({
        path: `texts.${locale}`,
        message: `text exceeds ${MAX_TEXT_BYTES} bytes after normalisation`,
      });
    texts[locale] = normalised;
  }
  const locales = Object.keys(texts);
  if (locales.length === 0 || locales.length > MAX_LOCALES)
    details.push({ path: 'texts', message: `between 1 and ${MAX_LOCALES} locales are required` });
  if (latest) {
    for (const kept of latest.locales) {
      if (!(kept in texts))
        details.push({
          path: `texts.${kept}`,
          message: `locale ${kept} of version ${latest.version} must be kept`,
        });
    }
  }
  const summary = input.summary ?? {};
  for (const locale of Object.keys(summary)) {
    if (!(locale in texts))
      details.push({ path: `summary.${locale}`, message: 'summary locale has no text in this revision' });
  }

  const givenTitles = input.titles ?? {};
  for (const [locale, title] of Object.entries(givenTitles)) {
    if (!(locale in texts))
      details.push({ path: `titles.${locale}`, message: 'title locale has no text in this revision' });
    else if (cleanTitle(title) === '') details.push({ path: `titles.${locale}`, message: 'title is empty' });
  }

  const effectiveAt = input.effectiveAt ? new Date(input.effectiveAt) : now;
  if (effectiveAt.getTime() < now.getTime() - EFFECTIVE_AT_SKEW_MS)
    details.push({ path: 'effectiveAt', message: 'effectiveAt must not be in the past' });
  if (effectiveAt.getTime() > effectiveAtHorizon(now).getTime())
    details.push({
      path: 'effectiveAt',
      message: `effectiveAt must lie at most ${EFFECTIVE_AT_HORIZON_YEARS} years ahead (${effectiveAtHorizon(now).toISOString()})`,
    });
  if (latest && effectiveAt.getTime() < Date.parse(latest.effectiveAt))
    details.push({
      path: 'effectiveAt',
      message: `effectiveAt must not be earlier than version ${latest.version}'s (${latest.effectiveAt})`,
    });
  if (details.length > 0)
    throw validationFailed(
      `the revision is not valid: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );

  if (input.baseVersion !== undefined && input.baseVersion !== (latest?.version ?? 0)) {
    throw new DomainError(
      'VERSION_CONFLICT',
      `baseVersion ${input.baseVersion} is not the latest version (${latest?.version ?? 0})`,
    );
  }

  const contentHashes = Object.fromEntries(locales.map((l) => [l, contentHash(texts[l]!)]));
  const format = input.format ?? 'text';
  // Republishing the same texts in another format is a change: they are shown differently.
  if (latest && locales.length === latest.locales.length && latest.format === format) {
    const unchanged = locales.every((l) => latest.contentHashes[l] === contentHashes[l]);
    if (unchanged) throw new DomainError('NO_CHANGES', `every text equals version ${latest.version}'s`);
  }

  const version = (latest?.version ?? 0) + 1;
  const previousHash = latest?.hash ?? null;
  const change = version === 1 ? 'material' : input.change;
  const base = {
    policyId,
    version,
    // The first revision is what every user must accept, whatever the form said.
    change,
    format,
    publishedAt: now.toISOString(),
    effectiveAt: effectiveAt.toISOString(),
    defaultLocale: latest?.defaultLocale ?? locales[0]!,
    locales,
    contentHashes,
    previousHash,
    summary,
    titles: revisionTitles(texts, givenTitles, format),
    notify: input.notify ?? change === 'material',
  };
  return { revision: { ...base, hash: revisionHash(base) }, texts };
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
 * The title a text gives itself: Markdown → its first H1 as plain text (no markup); plain text (or
 * Markdown without an H1) → its first non-empty line. Empty when the text has neither.
 */
export function deriveTitle(text: string, format: DocumentFormat): string {
  if (format === 'markdown') {
    // A level-1 heading block is an `h1` (a bold heading line is level 4); its reader line is its plain
    // text with line breaks as spaces, which `cleanTitle` makes of them anyway.
    const { blocks, reader, readerStarts } = documentModel(text, 'markdown');
    for (const block of blocks) {
      if (block.kind !== 'heading' || block.level !== 1) continue;
      const title = cleanTitle(reader.slice(readerStarts[block.line], readerStarts[block.line + 1]));
      if (title !== '') return title;
    }
  }
  const first = text.split('\n').find((line) => line.trim() !== '') ?? '';
  return cleanTitle(format === 'markdown' ? plainText(first.replace(/^\s{0,3}#{1,6}\s+/, '')) : first);
}

/** Every locale's title: the given one (cleaned), else the text's own; a locale with neither has none. */
export function revisionTitles(
  texts: Record<string, string>,
  given: Record<string, string>,
  format: DocumentFormat,
): Record<string, string> {
  const titles: Record<string, string> = {};
  for (const [locale, text] of Object.entries(texts)) {
    const title = Object.hasOwn(given, locale) ? cleanTitle(given[locale]!) : deriveTitle(text, format);
    if (title !== '') titles[locale] = title;
  }
  return titles;
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
