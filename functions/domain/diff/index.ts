/**
 * Structure-aware policy diff: pure, deterministic, and bounded in work.
 *
 * - `diffPolicyTexts`: sections aligned by content (see `align.ts`), word-level changes inside modified
 *   sections (see `words.ts`), line statistics of the whole texts.
 * - `unifiedDiff`: a standard unified diff of the two texts.
 * - `splitSections`: the document's own sections (see `sections.ts` for the heading rules and keys).
 *
 * Status rules:
 * - `unchanged`: same title and body; the heading's number (or marker) is ignored, so a section
 *   renumbered by an insertion/removal elsewhere, or moved, is unchanged (reported at its new position,
 *   under its new key). Leading/trailing blank lines of the body are ignored too.
 * - `modified`: paired by same title or word-set similarity ≥ 0.5 (order-preserving), content differs;
 *   `changes` are word-level ops over the full section text (heading included, so a renumbering of a
 *   modified section shows as a changed number).
 * - `added` / `removed`: `changes` is one insert / delete op with the whole section text (lets a redline
 *   render it without the raw documents).
 *
 * Never slow: every step is near-linear (prefix/suffix trimming, one-sided elements set aside, patience
 * anchoring on unique lines/tokens) and the only super-linear step (Myers on the windows left between
 * anchors) is bounded by work counts; a window that hits a bound is reported as replaced (delete-all +
 * insert-all), never approximated silently and never decided by a timer.
 */

import { cachedDocumentModel, type DocumentFormat, type DocumentModel, documentModel } from '../document';
import { isNfc, normalizeText } from '../text';
import { type AlignedSection, alignSections } from './align';
import { TOTAL_WORK, WorkBudget } from './budget';
import {
  diffInterned,
  type InternedLines,
  internLines,
  lineStarts,
  localIds,
  relativeStarts,
  scanLines,
  spanHashes,
} from './lines';
import { type SectionInfo, sectionInfos } from './sections';
import type { DiffOp, PolicyDiff, SectionDiff } from './types';
import { formatUnified } from './unified';
import { diffText, diffTextLines, mergeOps } from './words';

export { splitSections } from './sections';
export { tokenize } from './tokens';
export type { DiffOp, PolicyDiff, Section, SectionDiff } from './types';
export { diffText } from './words';

/** `normalizeText`, skipped when the text is already in normal form (the usual case, and ~10× cheaper). */
export function ensureNormalized(text: string): string {
  return prepare(text).text;
}

/** The normalised text and its line starts (the normal-form check shares the line scan). */
function prepare(raw: string): { text: string; starts: Int32Array } {
  if (raw.endsWith('\n') && (raw === '\n' || !raw.endsWith('\n\n')) && !raw.includes('\r')) {
    const { starts, trailingSpace } = scanLines(raw);
    if (!trailingSpace && isNfc(raw)) return { text: raw, starts };
  }
  const text = normalizeText(raw);
  return { text, starts: lineStarts(text) };
}

/** Models this module parsed from a normalised text: their source is known to be in normal form. */
const normalizedModels = new WeakSet<DocumentModel>();

/**
 * The document model of a text once normalised. A text whose model this module already built is its
 * own normal form, so a warm function diffing v4→v5 after v3→v4 neither re-parses nor re-scans v4.
 */
function normalizedModel(raw: string, format: DocumentFormat): DocumentModel {
  const cached = cachedDocumentModel(raw, format);
  if (cached !== undefined && normalizedModels.has(cached)) return cached;
  const { text, starts } = prepare(raw);
  const model = documentModel(text, format, starts);
  normalizedModels.add(model);
  return model;
}

/**
 * The hashes the line interner keys each reader line of a model by (`spanHashes`), computed once per
 * model: a text in the parse cache is not hashed again by its next diff (nor by the unified diff of the
 * same pair).
 */
const lineHashesOf = new WeakMap<DocumentModel, Int32Array>();

function readerLineHashes(model: DocumentModel): Int32Array {
  let hashes = lineHashesOf.get(model);
  if (hashes === undefined) {
    hashes = spanHashes(model.reader, model.readerStarts);
    lineHashesOf.set(model, hashes);
  }
  return hashes;
}

/** `prepare`, skipped for a text this module already parsed as normalised (see `normalizedModel`). */
function preparedOnce(raw: string): { text: string; starts: Int32Array; hashes?: Int32Array } {
  const asText = cachedDocumentModel(raw, 'text');
  if (asText !== undefined && normalizedModels.has(asText))
    return { text: raw, starts: asText.readerStarts, hashes: readerLineHashes(asText) };
  const asMarkdown = cachedDocumentModel(raw, 'markdown');
  if (asMarkdown !== undefined && normalizedModels.has(asMarkdown))
    return { text: raw, starts: lineStarts(raw) };
  return prepare(raw);
}

/** The formats of the two texts compared (each defaults to `text`). */
export interface DiffFormats {
  old?: DocumentFormat;
  new?: DocumentFormat;
}

/**
 * Section-by-section, word-by-word diff of two policy texts, run on their reader texts (see
 * `DocumentModel.reader`): a Markdown edit that only changes markup changes no word and is reported as
 * `formattingChanged` on the section, and `stats.formattingOnly` when nothing else changed.
 */
export function diffPolicyTexts(
  oldText: string,
  newText: string,
  formats: DocumentFormat | DiffFormats = {},
): PolicyDiff {
  const f = typeof formats === 'string' ? { old: formats, new: formats } : formats;
  const oldDoc = normalizedModel(oldText, f.old ?? 'text');
  const newDoc = normalizedModel(newText, f.new ?? 'text');
  const a = oldDoc.reader;
  const b = newDoc.reader;
  const budget = new WorkBudget(TOTAL_WORK);

  const lines = internLines(
    a,
    b,
    oldDoc.readerStarts,
    newDoc.readerStarts,
    readerLineHashes(oldDoc),
    readerLineHashes(newDoc),
  );
  let linesAdded = 0;
  let linesRemoved = 0;
  if (a !== b) {
    for (const run of diffInterned(lines, budget).runs) {
      if (run.op === 'insert') linesAdded += run.count;
      else if (run.op === 'delete') linesRemoved += run.count;
    }
  }

  const oldSecs = sectionInfos(oldDoc);
  const newSecs = sectionInfos(newDoc);
  const remap = new Int32Array(lines.idCount).fill(-1);
  const sectionChanges = (o: SectionInfo, n: SectionInfo): DiffOp[] =>
    diffStretch([o], [n], lines, remap, budget);
  // Markup of a section changed while its reader text did not (source compared without edge blank lines).
  const markupChanged = (o: SectionInfo, n: SectionInfo) =>
    oldDoc.source.slice(o.srcFrom, o.srcTo).trim() !== newDoc.source.slice(n.srcFrom, n.srcTo).trim();
  const aligned = alignSections(oldSecs, newSecs, lines, budget);
  const sections: SectionDiff[] = [];
  for (let e = 0; e < aligned.length; ) {
    const group = changedGroup(aligned, e, oldSecs, newSecs);
    if (group > e + 1) {
      for (const section of diffGroup(aligned.slice(e, group), oldSecs, newSecs, lines, remap, budget))
        sections.push(section);
      e = group;
      continue;
    }
    const entry = aligned[e++]!;
    const o = entry.old === undefined ? undefined : oldSecs[entry.old];
    const n = entry.new === undefined ? undefined : newSecs[entry.new];
    if (entry.status === 'removed' && o !== undefined) {
      sections.push({
        key: o.key,
        title: o.title,
        status: 'removed',
        changes: [{ op: 'delete', text: o.text }],
      });
    } else if (entry.status === 'added' && n !== undefined) {
      sections.push({
        key: n.key,
        title: n.title,
        status: 'added',
        changes: [{ op: 'insert', text: n.text }],
      });
    } else if (o !== undefined && n !== undefined) {
      let changes = entry.status === 'modified' ? sectionChanges(o, n) : undefined;
      // Only line breaks or spaces moved (a paragraph split, list items joined): markup, not words.
      const spacing = changes !== undefined && onlyWhitespace(changes);
      if (spacing) changes = undefined;
      const sec: SectionDiff = {
        key: n.key,
        title: n.title,
        status: changes === undefined ? 'unchanged' : 'modified',
      };
      if (o.key !== n.key) sec.oldKey = o.key;
      if (changes !== undefined) sec.changes = changes;
      else if (spacing || (o.text === n.text && markupChanged(o, n))) sec.formattingChanged = true;
      sections.push(sec);
    }
  }
  const sectionsChanged = sections.filter((s) => s.status !== 'unchanged').length;
  const stats: PolicyDiff['stats'] = { linesAdded, linesRemoved, sectionsChanged };
  if (sectionsChanged === 0 && oldDoc.source !== newDoc.source) stats.formattingOnly = true;
  return { stats, sections };
}

/**
 * End of the run of changed entries starting at `from` that mixes added or removed sections with others
 * in one contiguous stretch of both documents (a section split in two, two merged, text moved across a heading):
 * such a run is diffed as one text, so moved words are not reported twice. `from + 1` when there is none.
 */
/** Most sections diffed as one run (splits and merges involve a few; a rewrite is left per section). */
const MAX_GROUP = 12;
const MAX_GROUP_CHARS = 64 * 1024;

function changedGroup(
  aligned: readonly AlignedSection[],
  from: number,
  oldSecs: readonly SectionInfo[],
  newSecs: readonly SectionInfo[],
): number {
  let end = from;
  let addedOrRemoved = false;
  let chars = 0;
  let lastOld = -1;
  let lastNew = -1;
  while (end < aligned.length && end - from < MAX_GROUP && aligned[end]!.status !== 'unchanged') {
    const a = aligned[end]!;
    // Contiguous on both sides: the run is one stretch of each document.
    if (a.old !== undefined && lastOld !== -1 && a.old !== lastOld + 1) break;
    if (a.new !== undefined && lastNew !== -1 && a.new !== lastNew + 1) break;
    if (a.status !== 'modified') addedOrRemoved = true;
    chars +=
      (a.old === undefined ? 0 : oldSecs[a.old]!.text.length) +
      (a.new === undefined ? 0 : newSecs[a.new]!.text.length);
    if (chars > MAX_GROUP_CHARS) break;
    lastOld = a.old ?? lastOld;
    lastNew = a.new ?? lastNew;
    end++;
  }
  return addedOrRemoved && end - from >= 2 ? end : from + 1;
}

/**
 * Diffs a run of changed sections as one text, then cuts the ops at the section boundaries of both
 * sides: a new section that keeps no text is `added`, an old one none of whose text is kept is
 * `removed` (placed where its text was deleted), the others are `modified` with their share of the ops
 * (deletions of partly kept old sections go with the new section that keeps the rest of them).
 */
function diffGroup(
  group: readonly AlignedSection[],
  oldSecs: readonly SectionInfo[],
  newSecs: readonly SectionInfo[],
  lines: InternedLines,
  remap: Int32Array,
  budget: WorkBudget,
): SectionDiff[] {
  // Plain loops: this runs for every run of changed sections (tens of thousands in a large rewrite).
  const olds: SectionInfo[] = [];
  const news: SectionInfo[] = [];
  const oldEnds: number[] = [];
  const newEnds: number[] = [];
  let oldLength = 0;
  let newLength = 0;
  for (const a of group) {
    if (a.old !== undefined) {
      const o = oldSecs[a.old]!;
      olds.push(o);
      oldLength += o.text.length;
      oldEnds.push(oldLength);
    }
    if (a.new !== undefined) {
      const n = newSecs[a.new]!;
      news.push(n);
      newLength += n.text.length;
      newEnds.push(newLength);
    }
  }
  const ops = diffStretch(olds, news, lines, remap, budget);
  type Piece = { op: DiffOp['op']; text: string; old: number; new: number; atEnd: boolean };
  const pieces: Piece[] = [];
  let oi = 0;
  let ni = 0;
  let oldPos = 0;
  let newPos = 0;
  for (const op of ops) {
    const text = op.text;
    for (let at = 0; at < text.length; ) {
      while (oi < olds.length - 1 && oldPos >= oldEnds[oi]!) oi++;
      while (ni < news.length - 1 && newPos >= newEnds[ni]!) ni++;
      let len = text.length - at;
      if (op.op !== 'insert') len = Math.min(len, (oldEnds[oi] ?? oldPos + len) - oldPos);
      if (op.op !== 'delete') len = Math.min(len, (newEnds[ni] ?? newPos + len) - newPos);
      len = Math.max(1, len);
      pieces.push({
        op: op.op,
        // The whole op when it is not cut (the usual case): no copy.
        text: at === 0 && len === text.length ? text : text.slice(at, at + len),
        old: oi,
        new: ni,
        atEnd: newPos >= (newEnds[news.length - 1] ?? 0),
      });
      if (op.op !== 'insert') oldPos += len;
      if (op.op !== 'delete') newPos += len;
      at += len;
    }
  }
  const oldKept = new Uint8Array(olds.length);
  const newKept = new Uint8Array(news.length);
  for (const p of pieces) {
    // Only kept words count: a shared line break does not make a new section an edit of an old one.
    if (p.op !== 'equal' || p.text.trim() === '') continue;
    oldKept[p.old] = 1;
    newKept[p.new] = 1;
  }
  // Each new section takes a contiguous stretch of the ops, so both its sides are contiguous text; a
  // deletion right at a section boundary that continues the previous section's old text stays with it.
  const perNew: Array<Array<DiffOp & { old: number }>> = news.map(() => []);
  const removedBefore: (number[] | undefined)[] = new Array(news.length + 1);
  // An old section none of whose text is kept is `removed` when it sits between new sections; inside one
  // new section its deletion stays part of that section's change (so the section's old side stays whole).
  const prevNew = new Int32Array(pieces.length).fill(-1);
  const nextNew = new Int32Array(pieces.length).fill(-1);
  for (let k = 0, last = -1; k < pieces.length; k++) {
    prevNew[k] = last;
    if (pieces[k]!.op !== 'delete') last = pieces[k]!.new;
  }
  for (let k = pieces.length - 1, next = -1; k >= 0; k--) {
    nextNew[k] = next;
    if (pieces[k]!.op !== 'delete') next = pieces[k]!.new;
  }
  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[k]!;
    if (p.op === 'delete' && oldKept[p.old] === 0 && prevNew[k] !== -1 && prevNew[k] === nextNew[k])
      oldKept[p.old] = 2;
  }
  for (const p of pieces) {
    if (p.op === 'delete' && oldKept[p.old] === 0) {
      const at = p.atEnd ? news.length : p.new;
      const list = removedBefore[at];
      if (list === undefined) removedBefore[at] = [p.old];
      else if (!list.includes(p.old)) list.push(p.old);
      continue;
    }
    let target = p.new;
    if (p.op === 'delete' && p.new > 0 && perNew[p.new]!.length === 0) {
      const last = perNew[p.new - 1]!.at(-1);
      if (last !== undefined && last.old === p.old) target = p.new - 1;
    }
    perNew[target]!.push({ op: p.op, text: p.text, old: p.old });
  }
  const out: SectionDiff[] = [];
  const removed = (k: number): SectionDiff => ({
    key: olds[k]!.key,
    title: olds[k]!.title,
    status: 'removed',
    changes: [{ op: 'delete', text: olds[k]!.text }],
  });
  for (let j = 0; j < news.length; j++) {
    for (const k of removedBefore[j] ?? []) out.push(removed(k));
    const n = news[j]!;
    // `mergeOps` makes new ops of `op` and `text` only (the `old` index stays behind).
    const changes = mergeOps(perNew[j]!);
    if (newKept[j] === 0 && changes.every((c) => c.op !== 'delete')) {
      out.push({ key: n.key, title: n.title, status: 'added', changes: [{ op: 'insert', text: n.text }] });
    } else if (onlyWhitespace(changes)) {
      const sec: SectionDiff = { key: n.key, title: n.title, status: 'unchanged' };
      if (changes.some((c) => c.op !== 'equal')) sec.formattingChanged = true;
      out.push(sec);
    } else {
      out.push({ key: n.key, title: n.title, status: 'modified', changes });
    }
  }
  for (const k of removedBefore[news.length] ?? []) out.push(removed(k));
  return out;
}

/** Sections that follow each other without a gap of reader lines: their texts join to one slice. */
function adjacentLines(secs: readonly SectionInfo[]): boolean {
  for (let k = 1; k < secs.length; k++) if (secs[k]!.fromLine !== secs[k - 1]!.toLine) return false;
  return true;
}

/**
 * Word-level diff of the joined texts of two runs of sections. When each run is one stretch of its
 * document's lines (the usual case), the lines keep the ids the whole texts were interned with, as for a
 * single section, instead of hashing the stretch again: the same ids in the same order, the same ops.
 */
function diffStretch(
  olds: readonly SectionInfo[],
  news: readonly SectionInfo[],
  lines: InternedLines,
  remap: Int32Array,
  budget: WorkBudget,
): DiffOp[] {
  if (olds.length === 0 || news.length === 0 || !adjacentLines(olds) || !adjacentLines(news))
    return diffText(olds.map((s) => s.text).join(''), news.map((s) => s.text).join(''), budget);
  const o = { from: olds[0]!.fromLine, to: olds.at(-1)!.toLine };
  const n = { from: news[0]!.fromLine, to: news.at(-1)!.toLine };
  // The joined texts, as one slice of each reader text (no copy).
  const oldText = lines.oldText.slice(lines.oldStarts[o.from], lines.oldStarts[o.to]);
  const newText = lines.newText.slice(lines.newStarts[n.from], lines.newStarts[n.to]);
  const ids = localIds(lines.a.subarray(o.from, o.to), lines.b.subarray(n.from, n.to), remap);
  const oldStarts = relativeStarts(lines.oldStarts, o.from, o.to);
  const newStarts = relativeStarts(lines.newStarts, n.from, n.to);
  return diffTextLines(oldText, oldStarts, ids.a, newText, newStarts, ids.b, ids.idCount, budget);
}

/** No insert or delete carries anything but whitespace. */
function onlyWhitespace(ops: readonly DiffOp[]): boolean {
  return ops.every((op) => op.op === 'equal' || op.text.trim() === '');
}

/** Unified diff (3 lines of context) of the two normalised texts; '' when they are equal. */
export function unifiedDiff(
  oldText: string,
  newText: string,
  opts: { oldLabel: string; newLabel: string },
): string {
  const { text: a, starts: oldStarts, hashes: oldHashes } = preparedOnce(oldText);
  const { text: b, starts: newStarts, hashes: newHashes } = preparedOnce(newText);
  if (a === b) return '';
  const lines = internLines(a, b, oldStarts, newStarts, oldHashes, newHashes);
  return formatUnified(diffInterned(lines, new WorkBudget(TOTAL_WORK)), opts.oldLabel, opts.newLabel);
}

/** Titles of the added, removed and modified sections, in document order (the key when untitled). */
export function changedSectionTitles(diff: PolicyDiff): string[] {
  return diff.sections.filter((s) => s.status !== 'unchanged').map((s) => (s.title !== '' ? s.title : s.key));
}
