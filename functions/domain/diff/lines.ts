import { isWhitespace } from '../text';
import { LINE_WINDOW_WORK, type WorkBudget } from './budget';
import { diffSequences } from './sequence';

/** A run of the line-level edit script: `count` lines from `a` (old) and/or `b` (new). */
export interface LineRun {
  op: 'equal' | 'delete' | 'insert';
  /** First old line of the run (for an insert: the old position it is inserted before). */
  a: number;
  /** First new line of the run (for a delete: the new position it is deleted before). */
  b: number;
  count: number;
}

export interface LineDiff {
  oldText: string;
  newText: string;
  /** Offsets where each line starts, plus the text length: line k is `text.slice(s[k], s[k + 1])`. */
  oldStarts: Int32Array;
  newStarts: Int32Array;
  runs: LineRun[];
}

/** Line start offsets plus a final sentinel (`text.length`). Lines keep their `\n`. */
export function lineStarts(text: string): Int32Array {
  return scanLines(text).starts;
}

/**
 * Line start offsets (see `lineStarts`), and whether any line ends in whitespace before its `\n` (which
 * `normalizeText` would strip), found in the same pass.
 */
export function scanLines(text: string): { starts: Int32Array; trailingSpace: boolean } {
  let starts = new Int32Array(Math.max(16, (text.length >> 6) + 2));
  let count = 0;
  let from = 0;
  let trailingSpace = false;
  while (from < text.length) {
    if (count + 1 >= starts.length) {
      const grown = new Int32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[count++] = from;
    const at = text.indexOf('\n', from);
    if (at < 0) from = text.length;
    else {
      if (at > from && isWhitespace(text.charCodeAt(at - 1))) trailingSpace = true;
      from = at + 1;
    }
  }
  starts[count++] = text.length;
  return { starts: starts.slice(0, count), trailingSpace };
}

/** Lines `from` … `from + count - 1` of a text, terminators included. */
export function lineSlice(text: string, starts: Int32Array, from: number, count: number): string {
  return text.slice(starts[from]!, starts[from + count]!);
}

/**
 * Maps equal spans (lines, word tokens) of texts to equal dense integer ids, like xdiff's line hashing:
 * an open-addressing table keyed by a hash of the span's characters, compared in place — no substring is
 * created, which matters with tens of thousands of lines or tokens.
 */
export class SpanInterner {
  private table = new Int32Array(0);
  /** A slot is in use only when its stamp is the current generation: reuse without clearing. */
  private stamp = new Int32Array(0);
  private generation = 0;
  private mask = 0;
  private readonly texts: string[] = [];
  /** Per id: which text, where, how long, and the hash of its first occurrence. */
  private repText = new Int32Array(0);
  private repStart = new Int32Array(0);
  private repLen = new Int32Array(0);
  private repHash = new Int32Array(0);
  private count = 0;

  /** `capacity`: the total number of spans that will be interned. */
  constructor(capacity = 0) {
    this.reset(capacity);
  }

  /** Forgets every span, ready for `capacity` new ones (buffers are kept and grown when needed). */
  reset(capacity: number): this {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    if (this.table.length < size) {
      this.table = new Int32Array(size);
      this.stamp = new Int32Array(size);
      this.generation = 0;
    }
    if (this.repText.length < capacity) {
      const cap = Math.max(capacity, this.repText.length * 2);
      this.repText = new Int32Array(cap);
      this.repStart = new Int32Array(cap);
      this.repLen = new Int32Array(cap);
      this.repHash = new Int32Array(cap);
    }
    this.mask = size - 1;
    this.generation++;
    this.texts.length = 0;
    this.count = 0;
    return this;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Ids of the spans `text[starts[k] .. starts[k + 1])`; `hashes`, when the caller has them, are their
   * `spanHashes` (so a text interned again is not hashed again).
   */
  intern(text: string, starts: Int32Array, hashes = spanHashes(text, starts)): Int32Array {
    const count = starts.length - 1;
    const ids = new Int32Array(count);
    const side = this.addText(text);
    for (let k = 0; k < count; k++) ids[k] = this.add(side, text, starts[k]!, starts[k + 1]!, hashes[k]!);
    return ids;
  }

  /** Registers a text whose spans will be added with `add`; returns its handle. */
  addText(text: string): number {
    this.texts.push(text);
    return this.texts.length - 1;
  }

  /** Id of the span `text[start .. end)` whose FNV-1a hash is `h` (the caller hashed it). */
  add(side: number, text: string, start: number, end: number, h: number): number {
    const { table, stamp, generation, mask, texts, repText, repStart, repLen, repHash } = this;
    const len = end - start;
    let slot = (h ^ (h >>> 16)) & mask;
    for (;;) {
      if (stamp[slot] !== generation) {
        const id = this.count++;
        repText[id] = side;
        repStart[id] = start;
        repLen[id] = len;
        repHash[id] = h;
        table[slot] = id;
        stamp[slot] = generation;
        return id;
      }
      const id = table[slot]!;
      if (
        repHash[id] === h &&
        repLen[id] === len &&
        sameSpan(texts[repText[id]!]!, repStart[id]!, text, start, len)
      ) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
  }
}

/**
 * The hash `SpanInterner.intern` keys each span `text[starts[k] .. starts[k + 1])` by: FNV-1a over pairs
 * of UTF-16 units (half the multiplications of one unit a step). A pure function of the span's
 * characters, so it can be kept with a text and reused for every diff the text takes part in.
 */
export function spanHashes(text: string, starts: Int32Array): Int32Array {
  const count = starts.length - 1;
  const hashes = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const end = starts[k + 1]!;
    let h = 0x811c9dc5 | 0;
    let i = starts[k]!;
    for (; i + 1 < end; i += 2) {
      h = Math.imul(h ^ (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)), 0x01000193);
    }
    if (i < end) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    hashes[k] = h;
  }
  return hashes;
}

/** Equal spans? Short ones by a char loop (no allocation), long ones by native comparison of slices. */
function sameSpan(a: string, aStart: number, b: string, bStart: number, len: number): boolean {
  if (len > 24) return a.slice(aStart, aStart + len) === b.slice(bStart, bStart + len);
  for (let i = 0; i < len; i++) if (a.charCodeAt(aStart + i) !== b.charCodeAt(bStart + i)) return false;
  return true;
}

/** Both texts' lines as ids from one table: equal lines, in either text, have equal ids. */
export interface InternedLines {
  oldText: string;
  newText: string;
  oldStarts: Int32Array;
  newStarts: Int32Array;
  a: Int32Array;
  b: Int32Array;
  idCount: number;
}

/** Shared by all whole-text line interning (calls run one at a time); its tables are reused. */
const lineInterner = new SpanInterner();

export function internLines(
  oldText: string,
  newText: string,
  oldStarts = lineStarts(oldText),
  newStarts = lineStarts(newText),
  /** The lines' `spanHashes` when the caller keeps them with the texts. */
  oldHashes?: Int32Array,
  newHashes?: Int32Array,
): InternedLines {
  const interner = lineInterner.reset(oldStarts.length + newStarts.length - 2);
  const a = interner.intern(oldText, oldStarts, oldHashes);
  const b = interner.intern(newText, newStarts, newHashes);
  return { oldText, newText, oldStarts, newStarts, a, b, idCount: interner.size };
}

/** Line-level diff of interned lines (see `diffSequences` for the algorithm and its bounds). */
export function diffInterned(lines: InternedLines, budget: WorkBudget): LineDiff {
  const { oldText, newText, oldStarts, newStarts, a, b, idCount } = lines;
  budget.spend((oldText.length + newText.length) >> 2);
  const { matchA } = diffSequences(a, b, idCount, budget, LINE_WINDOW_WORK);
  return {
    oldText,
    newText,
    oldStarts,
    newStarts,
    runs: runsFromMatches(a.length, b.length, matchA),
  };
}

export function diffLines(oldText: string, newText: string, budget: WorkBudget): LineDiff {
  return diffInterned(internLines(oldText, newText), budget);
}

/**
 * Re-numbers a range of global ids densely from 0 (so per-section diffs need tables only as large as the
 * section): `remap` must be all -1 and is left so.
 */
export function localIds(
  globalA: Int32Array,
  globalB: Int32Array,
  remap: Int32Array,
): { a: Int32Array; b: Int32Array; idCount: number } {
  const a = new Int32Array(globalA.length);
  const b = new Int32Array(globalB.length);
  let next = 0;
  for (let k = 0; k < globalA.length; k++) {
    const g = globalA[k]!;
    if (remap[g] === -1) remap[g] = next++;
    a[k] = remap[g]!;
  }
  for (let k = 0; k < globalB.length; k++) {
    const g = globalB[k]!;
    if (remap[g] === -1) remap[g] = next++;
    b[k] = remap[g]!;
  }
  for (let k = 0; k < globalA.length; k++) remap[globalA[k]!] = -1;
  for (let k = 0; k < globalB.length; k++) remap[globalB[k]!] = -1;
  return { a, b, idCount: next };
}

/** Line starts of lines `from` … `to - 1` relative to the start of line `from` (plus the end). */
export function relativeStarts(starts: Int32Array, from: number, to: number): Int32Array {
  const out = starts.slice(from, to + 1);
  const base = out[0]!;
  for (let k = 0; k < out.length; k++) out[k]! -= base;
  return out;
}

/** Turns a monotone matching into runs; inside a change the deletions come before the insertions. */
export function runsFromMatches(n: number, m: number, matchA: Int32Array): LineRun[] {
  const runs: LineRun[] = [];
  let i = 0;
  let j = 0;
  let x = 0;
  while (x < n) {
    const y = matchA[x]!;
    if (y < 0) {
      x++;
      continue;
    }
    // A change (deletions, then insertions) before the matched pair, then the run of equal pairs.
    if (x > i) runs.push({ op: 'delete', a: i, b: j, count: x - i });
    if (y > j) runs.push({ op: 'insert', a: x, b: j, count: y - j });
    let end = x + 1;
    while (end < n && matchA[end] === matchA[end - 1]! + 1) end++;
    runs.push({ op: 'equal', a: x, b: y, count: end - x });
    i = end;
    j = y + (end - x);
    x = end;
  }
  if (n > i) runs.push({ op: 'delete', a: i, b: j, count: n - i });
  if (m > j) runs.push({ op: 'insert', a: n, b: j, count: m - j });
  return runs;
}
