import {
  type HeadingMatch,
  looksLikeTitleLine,
  MAX_HEADING_LENGTH,
  matchHeading,
  normalizeTitle,
  ordinal,
  PREAMBLE_KEY,
  slug,
} from './rules';
import type { DocSection } from './types';

interface Candidate {
  line: number;
  match: HeadingMatch | null;
  /** Key and title of a heading recognised by its looks (`looksLikeTitleLine`), when `match` is null. */
  looks?: string;
}

const isBlankLine = (text: string, from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
};

/**
 * Sections of a plain-text document, following its own headings (see `HEADING_FAMILIES`).
 *
 * A heading is a line of at most 200 characters with no leading indent that either
 * - starts with a numbering of one of the families (`1.`, `1.1`, `1\.`, `1)`, `IV.`, `A.`, `(a)`,
 *   `Điều 3`, `Chương II`, `Mục 2`, `Khoản 1`, `Article 3`, `Section 3.2`, `§ 3`, `Part II` …) and looks
 *   like a title (see `matchHeading`), or
 * - is all capitals or short Title Case, stands between blank lines, is not the document's first line
 *   and is followed by more text.
 *
 * Lists are not headings: within a list-like family (`1.`, `1)`, `A.`, `(a)` …), items numbered in
 * sequence on adjacent lines, a numbering that restarts at 1 after that family already numbered a
 * heading, and the items that follow such a list in sequence, even after a blank line, while their
 * number is not the family's next heading number, are list items — each family is judged on its own,
 * so one kind of heading never changes how the others are read.
 */
export function plainSections(text: string, starts: Int32Array): DocSection[] {
  const lineCount = starts.length - 1;
  const lineAt = (k: number) => {
    const end = starts[k + 1]!;
    return text.slice(starts[k]!, text.charCodeAt(end - 1) === 10 ? end - 1 : end);
  };
  const blank = (k: number) => k < 0 || k >= lineCount || isBlankLine(text, starts[k]!, starts[k + 1]!);

  let firstNonBlank = 0;
  while (firstNonBlank < lineCount && blank(firstNonBlank)) firstNonBlank++;

  const candidates: Candidate[] = [];
  for (let k = 0; k < lineCount; k++) {
    const len = starts[k + 1]! - starts[k]!;
    if (len <= 1 || len > MAX_HEADING_LENGTH + 1) continue;
    const c = text.charCodeAt(starts[k]!);
    // No leading indent: indented `1. …` lines are list items, not headings.
    if (c === 32 || c === 9 || c === 0xa0 || c === 0x3000) continue;
    const line = lineAt(k);
    const match = matchHeading(line, true);
    if (match !== null) {
      candidates.push({ line: k, match });
      continue;
    }
    if (k > firstNonBlank && blank(k - 1) && blank(k + 1) && looksLikeTitleLine(line)) {
      // Followed by a paragraph longer than itself: a title, not one line of a column of short lines.
      let next = k + 1;
      while (next < lineCount && blank(next)) next++;
      if (next < lineCount && starts[next + 1]! - starts[next]! > len) {
        candidates.push({ line: k, match: null, looks: line.trim() });
      }
    }
  }
  const headings: Array<{ line: number; key: string; title: string }> = [];
  const lastOrdinal = new Map<string, number>();
  const isListLike = (c: Candidate | undefined) => c?.match?.family.listLike === true;
  // Consecutive items on adjacent lines (`1. Name` / `2. E-mail`) are a list: headings have a body, or
  // at least a blank line, after them.
  const sameRun = (x: Candidate, y: Candidate | undefined) =>
    y !== undefined &&
    isListLike(x) &&
    isListLike(y) &&
    x.match!.family === y.match!.family &&
    y.line === x.line + 1 &&
    ordinal(y.match!.key) === ordinal(x.match!.key) + 1;
  let listFamily: string | null = null;
  let listNext = 0;
  for (let x = 0; x < candidates.length; x++) {
    const c = candidates[x]!;
    const m = c.match;
    if (m === null) {
      headings.push({ line: c.line, key: slug(c.looks!), title: c.looks! });
      listFamily = null;
      continue;
    }
    if (m.family.listLike) {
      const family = m.family.name;
      const n = ordinal(m.key);
      const prev = candidates[x - 1];
      // The next item of the list in progress: on the next line, or after a blank line (a loose list)
      // when its number is not the family's next heading number (`2.` after the list `1.` under the
      // heading `2.` is an item; after the heading `1.` it is the next heading).
      const next = listFamily === family && n === listNext;
      const continues =
        next && ((prev !== undefined && sameRun(prev, c)) || n !== (lastOrdinal.get(family) ?? 0) + 1);
      const restarts = n === 1 && (lastOrdinal.get(family) ?? 0) >= 1;
      if (continues || restarts || sameRun(c, candidates[x + 1])) {
        listFamily = family;
        listNext = n + 1;
        continue;
      }
      lastOrdinal.set(family, n);
    }
    listFamily = null;
    headings.push({ line: c.line, key: m.key, title: m.title });
  }

  const sections: DocSection[] = [];
  const uniqueKey = keyMaker();
  const content = (from: number, to: number) => {
    while (from < to && blank(from)) from++;
    while (to > from && blank(to - 1)) to--;
    return [from, to] as const;
  };
  const firstHeadingLine = headings.length > 0 ? headings[0]!.line : lineCount;
  if (firstHeadingLine > 0) {
    const [contentFrom, contentTo] = content(0, firstHeadingLine);
    sections.push({
      key: uniqueKey(PREAMBLE_KEY),
      title: contentFrom < contentTo ? lineAt(contentFrom).trim() : '',
      heading: null,
      rawTitle: '',
      fromLine: 0,
      toLine: firstHeadingLine,
      contentFrom,
      contentTo,
      srcFrom: 0,
      srcTo: starts[firstHeadingLine]!,
    });
  }
  for (let h = 0; h < headings.length; h++) {
    const { line, key, title } = headings[h]!;
    const toLine = h + 1 < headings.length ? headings[h + 1]!.line : lineCount;
    const [contentFrom, contentTo] = content(line + 1, toLine);
    sections.push({
      key: uniqueKey(key),
      title,
      heading: lineAt(line),
      rawTitle: normalizeTitle(title),
      fromLine: line,
      toLine,
      contentFrom,
      contentTo,
      srcFrom: starts[line]!,
      srcTo: starts[toLine]!,
    });
  }
  return sections;
}

/** Keys made unique in document order by suffixing `#2`, `#3`, … to repeats. */
export function keyMaker(): (base: string) => string {
  const used = new Map<string, number>();
  return (base) => {
    const seen = used.get(base) ?? 0;
    used.set(base, seen + 1);
    return seen === 0 ? base : `${base}#${seen + 1}`;
  };
}
