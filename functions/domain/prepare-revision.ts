/**
 * Building the next revision from a publish request: its texts checked, its titles derived (Markdown
 * texts are parsed for their first heading) and its hash chained to the latest. Apart from
 * domain/revision.ts because only publishing needs it: the functions that read revisions (fan-out,
 * sweeper, SES events, acknowledgments, compliance) import revision.ts without the Markdown parser.
 */
import { documentModel, plainText } from './document/index';
import { markdownLimitProblem } from './document/limits';
import type { DocumentFormat } from './document/types';
import { DomainError, type ErrorDetail, validationFailed } from './errors';
import {
  cleanTitle,
  EFFECTIVE_AT_HORIZON_YEARS,
  EFFECTIVE_AT_SKEW_MS,
  effectiveAtHorizon,
  MAX_LOCALES,
  type PreparedRevision,
  type PublishInput,
  type Revision,
  revisionHash,
} from './revision';
import { contentHash, MAX_TEXT_BYTES, normalizeText, utf8Bytes } from './text';

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

  const format = input.format ?? 'text';
  const texts: Record<string, string> = {};
  for (const [locale, raw] of Object.entries(input.texts)) {
    const normalised = normalizeText(raw);
    const problem =
      normalised.trim() === ''
        ? 'text is empty'
        : utf8Bytes(normalised) > MAX_TEXT_BYTES
          ? `text exceeds ${MAX_TEXT_BYTES} bytes after normalisation`
          : format === 'markdown'
            ? markdownLimitProblem(normalised)
            : null;
    if (problem !== null) details.push({ path: `texts.${locale}`, message: problem });
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
