import { lineStarts } from './lines';
import type { Section } from './types';

/** Longest line that can be a heading (longer lines are paragraphs, whatever they start with). */
export const MAX_HEADING_LENGTH = 200;

export const PREAMBLE_KEY = 'preamble';

/** A section plus what the aligner needs. */
export interface SectionInfo extends Section {
  /** Heading text after the number/marker, as written (before the trailing `:` is stripped). */
  rawTitle: string;
  /** Line range of the whole section (heading included), end exclusive. */
  fromLine: number;
  toLine: number;
  /**
   * Line range of the body's content: the body without its leading and trailing blank lines. With the
   * raw title it is the section's identity for alignment; the heading's number/marker is deliberately
   * not part of it, so a renumbered section still matches.
   */
  contentFrom: number;
  contentTo: number;
}

interface Heading {
  /** Base key before de-duplication. */
  key: string;
  rawTitle: string;
}

const MARKDOWN = /^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/u;
// The same patterns, matched in place at a line start of the whole text (no substring per line).
const MARKDOWN_AT = /^#{1,6}[ \t]+\S/muy;
const NUMBERED_AT = /^\d{1,3}(?:\.\d{1,3})*\.?[ \t]+\S/muy;
const KEYWORD_AT = /^(?:Điều|Chương|Mục|Phần|Article|Section|Chapter|Part)[ \t]+[\dIVXLCDM]/imuy;
// `1. Title`, `10. Title`, `1.1 Title`, `1.1. Title`: a single number needs its dot, so `10 apples…`
// is not a heading.
const NUMBERED = /^(\d{1,3}(?:\.\d{1,3})*)(\.?)[ \t]+(\S.*)$/u;
const KEYWORD =
  /^(Điều|Chương|Mục|Phần|Article|Section|Chapter|Part)[ \t]+(\d{1,4}[a-z]?|[IVXLCDM]{1,8})(?:[ \t]*[.:)\-–—][ \t]*|[ \t]+|$)(.*)$/iu;
const ROMAN = /^[IVXLCDM]+$/;

/** Numbered or keyword heading (`1.`, `1.1`, `Điều 3`, `Chương II`, `Article 3`, `Section 3`, `Mục 2`). */
function parseNumbered(text: string): Heading | null {
  const numbered = NUMBERED.exec(text);
  if (numbered !== null) {
    const [, number, dot, rest] = numbered;
    if (dot === '' && !number!.includes('.')) return null;
    return { key: number!, rawTitle: rest! };
  }
  const keyword = KEYWORD.exec(text);
  if (keyword !== null) {
    const [, , number, rest] = keyword;
    // Roman numerals must be upper case (`Section mix …` is a sentence, not section MIX).
    if (/^[a-z]/i.test(number!) && !ROMAN.test(number!)) return null;
    return { key: number!, rawTitle: rest! };
  }
  return null;
}

function parseMarkdown(line: string): Heading | null {
  const md = MARKDOWN.exec(line);
  if (md === null || md[2] === '') return null;
  const text = md[2]!;
  return parseNumbered(text) ?? { key: slug(text), rawTitle: text };
}

/** `Mục đích sử dụng` → `mục-đích-sử-dụng` (Unicode letters kept, like GitHub anchors). */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'section' : s;
}

function isCandidate(line: string): boolean {
  if (line.length === 0 || line.length > MAX_HEADING_LENGTH) return false;
  const c = line.charCodeAt(0);
  // No leading indent: indented `1. …` lines are list items, not headings.
  return c !== 32 && c !== 9 && c !== 0xa0 && c !== 0x3000;
}

function titleOf(rawTitle: string, headingLine: string): string {
  const strip = (s: string) => withoutTrailingColons(s.trim()).trim();
  const title = strip(rawTitle);
  return title !== '' ? title : strip(headingLine);
}

/**
 * `title:` → `title` (ASCII or fullwidth colons and the blanks before them). A loop: the regex
 * `/[ \t]*[:：]+$/` backtracks quadratically on a long run of blanks (issue 12).
 */
function withoutTrailingColons(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === ':' || s[end - 1] === '：')) end--;
  if (end === s.length) return s;
  while (end > 0 && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--;
  return s.slice(0, end);
}

/** Drops leading blank lines and trailing whitespace: the part of a body that carries content. */
function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Cheap pre-check at a line start: could this line be a heading at all? */
function mayBeHeading(text: string, at: number, markdownOnly: boolean): boolean {
  const c = text.charCodeAt(at);
  const re = c === 35 ? MARKDOWN_AT : markdownOnly ? null : c >= 48 && c <= 57 ? NUMBERED_AT : KEYWORD_AT;
  if (re === null) return false;
  const first = KEYWORD_LETTERS[c] ?? 0;
  if (re === KEYWORD_AT && !(first & 1 && (KEYWORD_LETTERS[text.charCodeAt(at + 1)] ?? 0) & 2)) return false;
  re.lastIndex = at;
  return re.test(text);
}

// First and second letters of the keywords (Điều, Chương/Chapter, Mục, Phần/Part, Article, Section), any
// case: most sentences fail this before the regex runs.
// Bit 1: can start a keyword; bit 2: can be its second letter.
const KEYWORD_LETTERS = new Uint8Array(0x1f00);
for (const ch of 'ĐđCcMmPpAaSs') KEYWORD_LETTERS[ch.charCodeAt(0)]! |= 1;
for (const ch of 'iIhHụỤaArReE') KEYWORD_LETTERS[ch.charCodeAt(0)]! |= 2;

/**
 * Splits a policy into sections following its own headings.
 *
 * A heading is a line of at most 200 characters, with no leading indent, of one of these forms:
 * - numbered: `1. Title`, `10. Title`, `1.1 Title`, `1.1. Title` → key `1`, `10`, `1.1`;
 * - keyword + number: `Điều 3`, `Điều 3. Title`, `Chương II: Title`, `Mục 2 - Title`, `Phần 1`,
 *   `Article 3`, `Section 3`, `Chapter 3`, `Part 3` (any letter case) → key `3`, `II`, `2`;
 * - Markdown `#` … `######` → key: the number when the heading text starts with one of the forms above
 *   (`## 3. Title` → `3`), otherwise a slug of the text (`## Cookie` → `cookie`).
 *
 * A document with two or more Markdown headings is read as Markdown: only `#` lines are headings there,
 * so ordered lists written `1. item` at the start of a line stay inside their section.
 *
 * Keys are made unique in document order by suffixing `#2`, `#3`, … to repeats. The text before the
 * first heading (if any) is the preamble: key `preamble`, title its first non-empty line (or '').
 * `title` is the heading text without its number/marker and trailing `:`; a heading with no text after
 * its marker (`Chương II`) is titled by the whole heading line.
 *
 * The sections' `text`s concatenate to the input exactly.
 */
export function splitSections(text: string): Section[] {
  return splitSectionsDetailed(text).map(({ key, title, heading, body, text }) => ({
    key,
    title,
    heading,
    body,
    text,
  }));
}

export function splitSectionsDetailed(text: string, starts: Int32Array = lineStarts(text)): SectionInfo[] {
  const lineCount = starts.length - 1;
  const lineAt = (k: number) => {
    const end = starts[k + 1]!;
    return text.slice(starts[k]!, text.charCodeAt(end - 1) === 10 ? end - 1 : end);
  };
  const shortEnough = (k: number) => starts[k + 1]! - starts[k]! <= MAX_HEADING_LENGTH + 1;

  let markdownHeadings = 0;
  for (let k = 0; k < lineCount && markdownHeadings < 2; k++) {
    if (
      text.charCodeAt(starts[k]!) === 35 /* # */ &&
      shortEnough(k) &&
      mayBeHeading(text, starts[k]!, false)
    ) {
      if (parseMarkdown(lineAt(k)) !== null) markdownHeadings++;
    }
  }
  const markdownOnly = markdownHeadings >= 2;

  const headings: Array<{ line: number; heading: Heading }> = [];
  for (let k = 0; k < lineCount; k++) {
    if (!shortEnough(k) || !mayBeHeading(text, starts[k]!, markdownOnly)) continue;
    const line = lineAt(k);
    if (!isCandidate(line)) continue;
    const heading = line.charCodeAt(0) === 35 ? parseMarkdown(line) : parseNumbered(line);
    if (heading !== null) headings.push({ line: k, heading });
  }

  const sections: SectionInfo[] = [];
  const used = new Map<string, number>();
  const uniqueKey = (base: string) => {
    const seen = used.get(base) ?? 0;
    used.set(base, seen + 1);
    return seen === 0 ? base : `${base}#${seen + 1}`;
  };
  const content = (from: number, to: number) => {
    while (from < to && isBlank(text, starts[from]!, starts[from + 1]!)) from++;
    while (to > from && isBlank(text, starts[to - 1]!, starts[to]!)) to--;
    return [from, to] as const;
  };

  const firstHeadingLine = headings.length > 0 ? headings[0]!.line : lineCount;
  if (firstHeadingLine > 0) {
    const body = text.slice(0, starts[firstHeadingLine]!);
    let title = '';
    for (let k = 0; k < firstHeadingLine; k++) {
      const line = lineAt(k).trim();
      if (line !== '') {
        title = line;
        break;
      }
    }
    const [contentFrom, contentTo] = content(0, firstHeadingLine);
    sections.push({
      key: uniqueKey(PREAMBLE_KEY),
      title,
      heading: null,
      body,
      text: body,
      rawTitle: '',
      fromLine: 0,
      toLine: firstHeadingLine,
      contentFrom,
      contentTo,
    });
  }
  for (let h = 0; h < headings.length; h++) {
    const { line, heading } = headings[h]!;
    const toLine = h + 1 < headings.length ? headings[h + 1]!.line : lineCount;
    const headingLine = lineAt(line);
    const [contentFrom, contentTo] = content(line + 1, toLine);
    sections.push({
      key: uniqueKey(heading.key),
      title: titleOf(heading.rawTitle, headingLine),
      heading: headingLine,
      body: text.slice(starts[line + 1]!, starts[toLine]!),
      text: text.slice(starts[line]!, starts[toLine]!),
      rawTitle: heading.rawTitle,
      fromLine: line,
      toLine,
      contentFrom,
      contentTo,
    });
  }
  return sections;
}
