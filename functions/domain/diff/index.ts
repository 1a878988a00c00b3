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

import { type DocumentFormat, documentModel } from '../document';
import { isNfc, normalizeText } from '../text';
import { alignSections } from './align';
import { TOTAL_WORK, WorkBudget } from './budget';
import { diffInterned, internLines, lineStarts, localIds, relativeStarts, scanLines } from './lines';
import { type SectionInfo, sectionInfos } from './sections';
import type { DiffOp, PolicyDiff, SectionDiff } from './types';
import { formatUnified } from './unified';
import { diffTextLines } from './words';

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
  const oldDoc = documentModel(prepare(oldText).text, f.old ?? 'text');
  const newDoc = documentModel(prepare(newText).text, f.new ?? 'text');
  const a = oldDoc.reader;
  const b = newDoc.reader;
  const budget = new WorkBudget(TOTAL_WORK);

  const lines = internLines(a, b, oldDoc.readerStarts, newDoc.readerStarts);
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
  const sectionChanges = (o: SectionInfo, n: SectionInfo): DiffOp[] => {
    const ids = localIds(
      lines.a.subarray(o.fromLine, o.toLine),
      lines.b.subarray(n.fromLine, n.toLine),
      remap,
    );
    const oldStarts = relativeStarts(lines.oldStarts, o.fromLine, o.toLine);
    const newStarts = relativeStarts(lines.newStarts, n.fromLine, n.toLine);
    return diffTextLines(o.text, oldStarts, ids.a, n.text, newStarts, ids.b, ids.idCount, budget);
  };
  // Markup of a section changed while its reader text did not (source compared without edge blank lines).
  const markupChanged = (o: SectionInfo, n: SectionInfo) =>
    oldDoc.source.slice(o.srcFrom, o.srcTo).trim() !== newDoc.source.slice(n.srcFrom, n.srcTo).trim();
  const sections: SectionDiff[] = [];
  for (const entry of alignSections(oldSecs, newSecs, lines, budget)) {
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
      const changes = o.text === n.text ? undefined : sectionChanges(o, n);
      const sec: SectionDiff = {
        key: n.key,
        title: n.title,
        status: changes === undefined ? 'unchanged' : 'modified',
      };
      if (o.key !== n.key) sec.oldKey = o.key;
      if (changes !== undefined) sec.changes = changes;
      else if (markupChanged(o, n)) sec.formattingChanged = true;
      sections.push(sec);
    }
  }
  const sectionsChanged = sections.filter((s) => s.status !== 'unchanged').length;
  const stats: PolicyDiff['stats'] = { linesAdded, linesRemoved, sectionsChanged };
  if (sectionsChanged === 0 && oldDoc.source !== newDoc.source) stats.formattingOnly = true;
  return { stats, sections };
}

/** Unified diff (3 lines of context) of the two normalised texts; '' when they are equal. */
export function unifiedDiff(
  oldText: string,
  newText: string,
  opts: { oldLabel: string; newLabel: string },
): string {
  const { text: a, starts: oldStarts } = prepare(oldText);
  const { text: b, starts: newStarts } = prepare(newText);
  if (a === b) return '';
  const lines = internLines(a, b, oldStarts, newStarts);
  return formatUnified(diffInterned(lines, new WorkBudget(TOTAL_WORK)), opts.oldLabel, opts.newLabel);
}

/** Titles of the added, removed and modified sections, in document order (the key when untitled). */
export function changedSectionTitles(diff: PolicyDiff): string[] {
  return diff.sections.filter((s) => s.status !== 'unchanged').map((s) => (s.title !== '' ? s.title : s.key));
}
