/**
 * Heading rules as data: one table of numbering families, each listed once. The same table reads a
 * plain-text line (`4.1 Cookies`) and the plain text of a Markdown heading or bold heading line, so a
 * heading keeps its key and title whatever markup surrounds it.
 */

/** Longest line that can be a heading (longer lines are paragraphs, whatever they start with). */
export const MAX_HEADING_LENGTH = 200;

export const PREAMBLE_KEY = 'preamble';

export interface HeadingFamily {
  /** Name, for tests and for telling families apart (a list restarts within one family). */
  name: string;
  /**
   * Matches a whole trimmed line. Group 1 is the number (the key), group 2 the title (may be empty
   * when `needsTitle` is false).
   */
  pattern: RegExp;
  /** Numbering that ordinary lists use too: a restart at the first ordinal inside a section is a list. */
  listLike: boolean;
  /** A title must follow the number (`1.` alone is not a heading, `Điều 4` is). */
  needsTitle: boolean;
}

const KEYWORDS = 'Điều|Chương|Mục|Khoản|Phần|Article|Section|Chapter|Part|Clause|Annex|Appendix|Schedule';
// A number (`3`, `3.2`, `12a`) or an upper-case Roman numeral, then an optional separator.
const NUMBER = String.raw`(\d{1,4}(?:\.\d{1,3})*[a-z]?|[IVXLCDM]{1,8})`;
const SEPARATOR = String.raw`\.?(?:[ \t]*[:.)\-–—][ \t]*|[ \t]+|$)`;

/** Every heading family, most specific first; a line belongs to the first family that matches. */
export const HEADING_FAMILIES: readonly HeadingFamily[] = [
  {
    name: 'keyword',
    pattern: new RegExp(String.raw`^(?:${KEYWORDS})[ \t]+${NUMBER}${SEPARATOR}(.*)$`, 'iu'),
    listLike: false,
    needsTitle: false,
  },
  {
    name: 'section-sign',
    pattern: new RegExp(String.raw`^§[ \t]*(\d{1,4}(?:\.\d{1,3})*[a-z]?)${SEPARATOR}(.*)$`, 'u'),
    listLike: false,
    needsTitle: false,
  },
  // `1.1`, `1.1.`, `1.1.1 Title`
  { name: 'dotted', pattern: /^(\d{1,3}(?:\.\d{1,3})+)\.?[ \t]+(\S.*)$/u, listLike: false, needsTitle: true },
  // `1. Title`, `1\. Title` (a Markdown-escaped number, as converters write it)
  { name: 'arabic', pattern: /^(\d{1,3})\\?\.[ \t]+(\S.*)$/u, listLike: true, needsTitle: true },
  { name: 'arabic-paren', pattern: /^(\d{1,3})\)[ \t]+(\S.*)$/u, listLike: true, needsTitle: true },
  { name: 'roman', pattern: /^([IVXLCDM]{1,8})\\?[.)][ \t]+(\S.*)$/u, listLike: true, needsTitle: true },
  { name: 'letter', pattern: /^([A-Z])\\?[.)][ \t]+(\S.*)$/u, listLike: true, needsTitle: true },
  {
    name: 'parenthesised',
    pattern: /^\((\d{1,3}|[a-z]|[ivx]{1,6})\)[ \t]+(\S.*)$/u,
    listLike: true,
    needsTitle: true,
  },
];

const ROMAN = /^[IVXLCDM]+$/;
const ROMAN_VALUES: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };

/** The ordinal of a heading number (`3` → 3, `IV` → 4, `c` → 3), or 0 when it has none. */
export function ordinal(number: string): number {
  if (/^\d+$/.test(number)) return Number(number);
  const upper = number.toUpperCase();
  if (upper.length > 1 && ROMAN.test(upper)) {
    let total = 0;
    for (let k = 0; k < upper.length; k++) {
      const v = ROMAN_VALUES[upper[k]!]!;
      const next = ROMAN_VALUES[upper[k + 1] ?? ''] ?? 0;
      total += v < next ? -v : v;
    }
    return total;
  }
  if (/^[a-z]$/i.test(number)) return upper.charCodeAt(0) - 64;
  return 0;
}

export interface HeadingMatch {
  family: HeadingFamily;
  /** The number as written (`3.2`, `IV`, `a`): the section key. */
  key: string;
  /** The words after the number, trailing `:` removed; the whole line when there are none. */
  title: string;
}

/** Title without its surrounding spaces and trailing colon. */
export function cleanTitle(text: string): string {
  // A loop, not /[ \t]*[:：]+$/: that regex backtracks on a long run of spaces before the end.
  let end = text.length;
  while (end > 0 && /[\s:：]/u.test(text[end - 1]!)) end--;
  return text.slice(0, end).trim();
}

/**
 * Reads one line against the numbering families. `strict` (plain text, where any line may start with a
 * number) adds the shape rules of a heading: a title with a letter, not a sentence ending in `;` or `,`,
 * not a long sentence ending in `.`.
 */
export function matchHeading(line: string, strict: boolean): HeadingMatch | null {
  const text = line.trim();
  if (text === '' || text.length > MAX_HEADING_LENGTH || !mayStartHeading(text)) return null;
  for (const family of HEADING_FAMILIES) {
    const m = family.pattern.exec(text);
    if (m === null) continue;
    const key = m[1]!;
    // Roman numerals after a keyword are upper case (`Section mix …` is a sentence, not section MIX).
    if (family.name === 'keyword' && /^[a-z]/i.test(key) && !ROMAN.test(key)) return null;
    const rest = cleanTitle(m[2] ?? '');
    if (family.needsTitle && rest === '') return null;
    if (strict && rest !== '' && !looksLikeTitle(rest)) return null;
    return { family, key, title: rest === '' ? cleanTitle(text) : rest };
  }
  return null;
}

const KEYWORD_START = new RegExp(String.raw`^(?:${KEYWORDS})[ \t]`, 'iu');

/**
 * Whether a trimmed line can match a family at all, without running every family's pattern: it starts
 * with a digit, `(` or `§`, or with a letter followed within 9 characters by `.`, `)` or `\` (`IV.`,
 * `A)`, `B\.`), or with a keyword (`Điều `, `Section `). Most lines of a policy are sentences that stop
 * here, which keeps the heading scan of a 2 MiB text cheap.
 */
function mayStartHeading(text: string): boolean {
  const c = text.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 40 /* ( */ || c === 0xa7 /* § */) return true;
  const head = text.length > 10 ? text.slice(0, 10) : text;
  return head.includes('.') || head.includes(')') || head.includes('\\') || KEYWORD_START.test(text);
}

function looksLikeTitle(title: string): boolean {
  if (!/\p{L}/u.test(title)) return false;
  if (/[;,]$/u.test(title)) return false;
  if (/\.$/u.test(title) && title.split(/\s+/u).length > 8) return false;
  return true;
}

/**
 * A line that is a heading by its looks alone, for plain text: all capitals (`DEFINITIONS`, `QUY ĐỊNH
 * CHUNG`), or a short Title Case line (`Your Rights`, `How We Use Cookies`). The caller adds the context
 * that makes it unambiguous (a blank line on each side, not the document's first line, a paragraph after).
 */
export function looksLikeTitleLine(line: string): boolean {
  const text = line.trim();
  if (text.length < 3 || text.length > 80 || /[.;,!?]$/u.test(text)) return false;
  const letters = text.match(/\p{L}/gu);
  if (letters === null || letters.length < 3) return false;
  if (text === text.toUpperCase() && text !== text.toLowerCase()) return true;
  const words = text.split(/\s+/u);
  if (words.length < 2 || words.length > 8) return false;
  // Every word of four letters or more is capitalised (`of`, `and`, `the`, `và` may stay lower case).
  return words.every((w) => {
    const first = w.replace(/^[^\p{L}\p{N}]+/u, '');
    return first.length < 4 || /^[\p{Lu}\p{N}]/u.test(first);
  });
}

/** `Mục đích sử dụng` → `mục-đích-sử-dụng` (Unicode letters kept, like GitHub anchors). */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'section' : s;
}

/** A title as compared between versions: case, punctuation and spacing ignored. */
export function normalizeTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

/** A key as an HTML `id`: letters, digits, `-`, `_`, `.` kept, anything else (spaces, `#`) as `-`. */
export function headingId(key: string): string {
  // ASCII letters, digits, `.`, `_` and `-` are all kept (most keys are numbers): no replace to run.
  if (SAFE_ASCII_ID.test(key)) return `s-${key}`;
  return `s-${key.replace(/[^\p{L}\p{M}\p{N}._-]+/gu, '-')}`;
}

const SAFE_ASCII_ID = /^[A-Za-z0-9._-]*$/;
