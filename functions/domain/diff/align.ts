import type { WorkBudget } from './budget';
import { PREAMBLE_KEY, type SectionInfo } from './sections';
import { longestIncreasing } from './sequence';
import { WordFingerprint } from './tokens';

/** Minimum word-set Jaccard similarity for two sections with different titles to be the same section. */
export const MIN_SIMILARITY = 0.5;

/** Windows with at most this many (old × new) pairs are compared in full, larger ones in a band. */
const FULL_WINDOW_PAIRS = 40_000;

/** Leftover pairs compared when looking for moved-and-modified sections. */
const MOVED_PAIRS = 2_500;

/** Both documents' line ids (equal lines, equal ids) and line start offsets. */
export interface LineIds {
  a: Int32Array;
  b: Int32Array;
  oldStarts: Int32Array;
  newStarts: Int32Array;
}

export type AlignedStatus = 'added' | 'removed' | 'modified' | 'unchanged';

export interface AlignedSection {
  status: AlignedStatus;
  old?: number;
  new?: number;
}

/**
 * Aligns old and new sections by content, not by number, and returns them in new-document order with
 * removed sections placed where they were.
 *
 * 1. The preambles (text before the first heading) of both versions are always paired.
 * 2. Sections with identical content (signature: title + body, heading number ignored) are paired, the
 *    k-th old occurrence with the k-th new one; such a pair is `unchanged` even when renumbered or moved.
 * 3. The longest order-preserving chain of those pairs is the skeleton; pairs off it are moves, reported
 *    at their new position.
 * 4. Between consecutive skeleton pairs, the remaining sections are paired by an order-preserving,
 *    maximum-weight matching over eligible pairs: same (non-empty) title, or similarity ≥ 0.5 — share
 *    of common lines, else word-set Jaccard (see `SimilarityCache`); weight = similarity, +1 for a same
 *    title. Large windows only compare pairs in a diagonal band.
 * 5. Leftovers (when few) get one more greedy pass with the same eligibility, catching sections that
 *    were both moved and edited. Everything still unpaired is `removed` / `added`.
 *
 * Each phase is one function below (`pairPreamblesAndIdentical`, `skeleton`, `matchBetweenSkeleton`,
 * `pairMovedAndModified`, `inNewOrder`), sharing the pairs found so far (`Pairing`).
 */
export function alignSections(
  oldSecs: readonly SectionInfo[],
  newSecs: readonly SectionInfo[],
  lineIds: LineIds,
  budget: WorkBudget,
): AlignedSection[] {
  const pairs = new Pairing(oldSecs, newSecs, lineIds);
  const exact = pairPreamblesAndIdentical(pairs);
  const chained = skeleton(pairs, exact);
  const similarity = new SimilarityCache(oldSecs, newSecs, lineIds, budget);
  matchBetweenSkeleton(pairs, chained, similarity);
  pairMovedAndModified(pairs, similarity);
  return inNewOrder(pairs, chained);
}

/** The pairs found so far, both ways (-1: unpaired). */
class Pairing {
  readonly oldPair: Int32Array;
  readonly newPair: Int32Array;

  constructor(
    readonly oldSecs: readonly SectionInfo[],
    readonly newSecs: readonly SectionInfo[],
    readonly lineIds: LineIds,
  ) {
    this.oldPair = new Int32Array(oldSecs.length).fill(-1);
    this.newPair = new Int32Array(newSecs.length).fill(-1);
  }

  pair(i: number, j: number): void {
    this.oldPair[i] = j;
    this.newPair[j] = i;
  }

  /** Same signature (title + body, heading number ignored): an unchanged section. */
  sameContent(i: number, j: number): boolean {
    return sameSignature(this.oldSecs[i]!, this.lineIds.a, this.newSecs[j]!, this.lineIds.b);
  }

  unpaired(side: 'old' | 'new', from = 0, to = side === 'old' ? this.oldPair.length : this.newPair.length) {
    const pairOf = side === 'old' ? this.oldPair : this.newPair;
    const out: number[] = [];
    for (let k = from; k < to; k++) if (pairOf[k] === -1) out.push(k);
    return out;
  }
}

/**
 * Phases 1 and 2: the preambles, then sections with identical content, the k-th old occurrence with the
 * k-th new one. Returns the exact pairs in new-document order (as parallel lists).
 */
function pairPreamblesAndIdentical(pairs: Pairing): { old: number[]; new: number[] } {
  const { oldSecs, newSecs, lineIds, oldPair, newPair } = pairs;
  const exact = { old: [] as number[], new: [] as number[] };
  const isPreamble = (s: SectionInfo | undefined) =>
    s !== undefined && s.heading === null && s.key === PREAMBLE_KEY;
  if (isPreamble(oldSecs[0]) && isPreamble(newSecs[0])) {
    pairs.pair(0, 0);
    exact.old.push(0);
    exact.new.push(0);
  }
  // Queues of identical old sections (k-th old ↔ k-th new), found through an open-addressing table of
  // signature hashes; typed arrays throughout (a 2 MiB text can have a hundred thousand sections).
  // Queue q: its first old section `queueFirst[q]`, the next queue with the same hash `queueNextSame[q]`;
  // its members chained by `nextMember` from `queueCursor[q]` (the next one to pair).
  const n = oldSecs.length;
  const size = 2 ** Math.ceil(Math.log2(2 * n + 2));
  const slotHash = new Int32Array(size);
  const slotQueue = new Int32Array(size).fill(-1);
  const queueFirst = new Int32Array(n);
  const queueLast = new Int32Array(n);
  const queueNextSame = new Int32Array(n);
  const queueCursor = new Int32Array(n);
  const nextMember = new Int32Array(n).fill(-1);
  let queues = 0;
  /** The table slot of hash `h`: the one holding it, or the empty one where it goes. */
  const slotOf = (h: number) => {
    let at = (Math.imul(h, 0x9e3779b1) >>> 0) & (size - 1);
    while (slotQueue[at] !== -1 && slotHash[at] !== h) at = (at + 1) & (size - 1);
    return at;
  };
  for (let i = 0; i < n; i++) {
    if (oldPair[i] !== -1) continue;
    const h = signatureHash(oldSecs[i]!, lineIds.a);
    const at = slotOf(h);
    let q = slotQueue[at]!;
    let last = -1;
    while (q !== -1 && !sameSignature(oldSecs[queueFirst[q]!]!, lineIds.a, oldSecs[i]!, lineIds.a)) {
      last = q;
      q = queueNextSame[q]!;
    }
    if (q !== -1) {
      nextMember[queueLast[q]!] = i;
      queueLast[q] = i;
      continue;
    }
    q = queues++;
    queueFirst[q] = i;
    queueLast[q] = i;
    queueCursor[q] = i;
    queueNextSame[q] = -1;
    if (last !== -1) queueNextSame[last] = q;
    else {
      slotHash[at] = h;
      slotQueue[at] = q;
    }
  }
  for (let j = 0; j < newSecs.length; j++) {
    if (newPair[j] !== -1) continue;
    let q = slotQueue[slotOf(signatureHash(newSecs[j]!, lineIds.b))]!;
    while (q !== -1 && !pairs.sameContent(queueFirst[q]!, j)) q = queueNextSame[q]!;
    if (q === -1) continue;
    const i = queueCursor[q]!;
    if (i === -1) continue;
    queueCursor[q] = nextMember[i]!;
    pairs.pair(i, j);
    exact.old.push(i);
    exact.new.push(j);
  }
  return exact;
}

/** The skeleton and which new sections are on an order-preserving chain of pairs. */
interface Chained {
  /** Skeleton pairs [old, new], increasing in both documents. */
  chain: Array<[number, number]>;
  /** 1 for a new section paired in order (skeleton or window matching), 0 for a move or an addition. */
  inChainNew: Uint8Array;
}

/** Phase 3: the longest chain of exact pairs increasing in both documents; pairs off it are moves. */
function skeleton(pairs: Pairing, exact: { old: number[]; new: number[] }): Chained {
  const inChainNew = new Uint8Array(pairs.newSecs.length);
  const chain: Array<[number, number]> = [];
  for (const k of longestIncreasing(exact.old)) {
    chain.push([exact.old[k]!, exact.new[k]!]);
    inChainNew[exact.new[k]!] = 1;
  }
  return { chain, inChainNew };
}

/** Phase 4: order-preserving similarity matching inside each window between skeleton pairs. */
function matchBetweenSkeleton(pairs: Pairing, chained: Chained, similarity: SimilarityCache): void {
  const windows: Array<[number, number, number, number]> = [];
  let prevOld = -1;
  let prevNew = -1;
  for (const [i, j] of chained.chain) {
    windows.push([prevOld + 1, i, prevNew + 1, j]);
    prevOld = i;
    prevNew = j;
  }
  windows.push([prevOld + 1, pairs.oldSecs.length, prevNew + 1, pairs.newSecs.length]);
  for (const [oLo, oHi, nLo, nHi] of windows) {
    const olds = pairs.unpaired('old', oLo, oHi);
    const news = pairs.unpaired('new', nLo, nHi);
    for (const [i, j] of matchWindow(olds, news, similarity)) {
      pairs.pair(i, j);
      chained.inChainNew[j] = 1;
    }
  }
}

/**
 * Phase 5: when few sections are left, one greedy pass over all their pairs (heaviest first, same
 * eligibility) catches sections that were both moved and edited.
 */
function pairMovedAndModified(pairs: Pairing, similarity: SimilarityCache): void {
  const leftOld = pairs.unpaired('old');
  const leftNew = pairs.unpaired('new');
  if (leftOld.length === 0 || leftNew.length === 0 || leftOld.length * leftNew.length > MOVED_PAIRS) return;
  const candidates: Array<{ i: number; j: number; w: number }> = [];
  for (const i of leftOld) {
    for (const j of leftNew) {
      const w = similarity.weight(i, j);
      if (w > 0) candidates.push({ i, j, w });
    }
  }
  candidates.sort((x, y) => y.w - x.w || x.j - y.j || x.i - y.i);
  for (const { i, j } of candidates) {
    if (pairs.oldPair[i] === -1 && pairs.newPair[j] === -1) pairs.pair(i, j);
  }
}

/**
 * The output: new-document order; removed sections go right before the next section that follows them
 * in the old document's order (the next chained pair), so they sit where they were.
 */
function inNewOrder(pairs: Pairing, { inChainNew }: Chained): AlignedSection[] {
  const { oldPair, newPair } = pairs;
  const n = oldPair.length;
  const m = newPair.length;
  const nextChainOld = new Int32Array(m + 1);
  nextChainOld[m] = n;
  for (let j = m - 1; j >= 0; j--) nextChainOld[j] = inChainNew[j] === 1 ? newPair[j]! : nextChainOld[j + 1]!;
  const out: AlignedSection[] = [];
  let nextRemoved = 0;
  const flushRemoved = (before: number) => {
    for (; nextRemoved < before; nextRemoved++) {
      if (oldPair[nextRemoved] === -1) out.push({ status: 'removed', old: nextRemoved });
    }
  };
  for (let j = 0; j < m; j++) {
    flushRemoved(nextChainOld[j]!);
    const i = newPair[j]!;
    if (i === -1) out.push({ status: 'added', new: j });
    else out.push({ status: pairs.sameContent(i, j) ? 'unchanged' : 'modified', old: i, new: j });
  }
  flushRemoved(n);
  return out;
}

/** Hash of a section's identity: raw title and the line ids of its content (see `SectionInfo`). */
function signatureHash(sec: SectionInfo, ids: Int32Array): number {
  let h = 0x811c9dc5;
  const title = sec.rawTitle;
  for (let i = 0; i < title.length; i++) h = Math.imul(h ^ title.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0xffff, 0x01000193);
  for (let k = sec.contentFrom; k < sec.contentTo; k++) h = Math.imul(h ^ ids[k]!, 0x01000193);
  // The preamble has no title; keep it apart from an untitled heading section with the same body.
  return sec.heading === null ? h ^ 0x5bd1e995 : h;
}

function sameSignature(x: SectionInfo, xIds: Int32Array, y: SectionInfo, yIds: Int32Array): boolean {
  if ((x.heading === null) !== (y.heading === null) || x.rawTitle !== y.rawTitle) return false;
  const len = x.contentTo - x.contentFrom;
  if (len !== y.contentTo - y.contentFrom) return false;
  for (let k = 0; k < len; k++) if (xIds[x.contentFrom + k] !== yIds[y.contentFrom + k]) return false;
  return true;
}

/**
 * Pair weights (0 = not the same section), cheapest evidence first:
 * 1. share of common lines: 2·common / (lines + lines) over the non-blank content lines, from the line
 *    ids already computed (an upper bound of the line-level LCS ratio; sections edited in place share
 *    most of their lines);
 * 2. otherwise the word-set Jaccard index, estimated from 1024-bit word bitmaps by linear counting
 *    (within a few hundredths for sections of up to ~1,000 distinct words), computed exactly on sorted
 *    word hashes for larger sections.
 * A same non-empty title makes a pair eligible whatever its similarity and adds 1 to its weight.
 */
export class SimilarityCache {
  private readonly oldPrints: Array<WordFingerprint | undefined>;
  private readonly newPrints: Array<WordFingerprint | undefined>;
  private oldLines: { ids: Int32Array; offsets: Int32Array } | undefined;
  private newLines: { ids: Int32Array; offsets: Int32Array } | undefined;

  constructor(
    private readonly oldSecs: readonly SectionInfo[],
    private readonly newSecs: readonly SectionInfo[],
    private readonly ids: LineIds,
    private readonly budget: WorkBudget,
  ) {
    this.oldPrints = new Array(oldSecs.length);
    this.newPrints = new Array(newSecs.length);
  }

  private print(side: 'old' | 'new', k: number): WordFingerprint {
    const prints = side === 'old' ? this.oldPrints : this.newPrints;
    let p = prints[k];
    if (p === undefined) {
      const sec = (side === 'old' ? this.oldSecs : this.newSecs)[k]!;
      this.budget.spend(sec.text.length);
      p = new WordFingerprint(sec.rawTitle, sec.body);
      prints[k] = p;
    }
    return p;
  }

  /**
   * Sorted ids of every section's non-blank content lines, one side at a time, in one array (section k's
   * at `offsets[k]`…`offsets[k + 1]`): a typed array per section cost more than comparing them.
   */
  private sideLines(side: 'old' | 'new'): { ids: Int32Array; offsets: Int32Array } {
    const cached = side === 'old' ? this.oldLines : this.newLines;
    if (cached !== undefined) return cached;
    const secs = side === 'old' ? this.oldSecs : this.newSecs;
    const lineIds = side === 'old' ? this.ids.a : this.ids.b;
    const starts = side === 'old' ? this.ids.oldStarts : this.ids.newStarts;
    const offsets = new Int32Array(secs.length + 1);
    let total = 0;
    for (let k = 0; k < secs.length; k++) {
      offsets[k] = total;
      const sec = secs[k]!;
      for (let l = sec.contentFrom; l < sec.contentTo; l++) if (starts[l + 1]! - starts[l]! > 1) total++;
    }
    offsets[secs.length] = total;
    const ids = new Int32Array(total);
    for (let k = 0; k < secs.length; k++) {
      const sec = secs[k]!;
      const from = offsets[k]!;
      let to = from;
      for (let l = sec.contentFrom; l < sec.contentTo; l++) {
        if (starts[l + 1]! - starts[l]! <= 1) continue;
        // Insertion sort while filling (sections have few lines); a long section is sorted at once.
        const id = lineIds[l]!;
        if (to - from > 32) {
          ids[to++] = id;
          continue;
        }
        let at = to++;
        while (at > from && ids[at - 1]! > id) {
          ids[at] = ids[at - 1]!;
          at--;
        }
        ids[at] = id;
      }
      if (to - from > 33) ids.subarray(from, to).sort();
    }
    const out = { ids, offsets };
    if (side === 'old') this.oldLines = out;
    else this.newLines = out;
    return out;
  }

  private commonLineRatio(i: number, j: number): number {
    const a = this.sideLines('old');
    const b = this.sideLines('new');
    const aIds = a.ids;
    const bIds = b.ids;
    const aEnd = a.offsets[i + 1]!;
    const bEnd = b.offsets[j + 1]!;
    let x = a.offsets[i]!;
    let y = b.offsets[j]!;
    const lengths = aEnd - x + (bEnd - y);
    if (lengths === 0) return 0;
    let common = 0;
    while (x < aEnd && y < bEnd) {
      if (aIds[x] === bIds[y]) {
        common++;
        x++;
        y++;
      } else if (aIds[x]! < bIds[y]!) x++;
      else y++;
    }
    return (2 * common) / lengths;
  }

  /** Weight from titles and common lines only (0 when those do not make the pair eligible). */
  /** 1 when both sections have the same non-empty normalised title. */
  private titleBonus(i: number, j: number): number {
    const title = this.oldSecs[i]!.rawTitle;
    return title !== '' && title === this.newSecs[j]!.rawTitle ? 1 : 0;
  }

  lineWeight(i: number, j: number): number {
    const titleBonus = this.titleBonus(i, j);
    if (this.budget.exhausted) return titleBonus;
    this.budget.spend(16);
    const byLines = this.commonLineRatio(i, j);
    return byLines >= MIN_SIMILARITY || titleBonus > 0 ? byLines + titleBonus : 0;
  }

  weight(i: number, j: number): number {
    const titleBonus = this.titleBonus(i, j);
    if (this.budget.exhausted) return titleBonus;
    this.budget.spend(64);
    const byLines = this.commonLineRatio(i, j);
    if (byLines >= MIN_SIMILARITY) return byLines + titleBonus;
    const pa = this.print('old', i);
    const pb = this.print('new', j);
    let sim = pa.estimate(pb);
    if (Number.isNaN(sim)) {
      sim = pa.similarity(pb);
      this.budget.spend(pa.set.length + pb.set.length);
    }
    return sim >= MIN_SIMILARITY || titleBonus > 0 ? sim + titleBonus : 0;
  }
}

/**
 * Order-preserving maximum-weight matching between the unpaired sections of one window.
 *
 * Cheapest first: (1) when both sides have the same number of sections and every i-th/i-th pair is
 * eligible, that perfect matching is taken; (2) otherwise the heaviest chain over the cheap line-based
 * weights; (3) then, between those pairs, the heaviest chain over the full weights (word similarity),
 * so word fingerprints are only computed for sections the cheap evidence could not place.
 */
function matchWindow(olds: number[], news: number[], similarity: SimilarityCache): Array<[number, number]> {
  const p = olds.length;
  const q = news.length;
  if (p === 0 || q === 0) return [];
  if (p === q) {
    let all = true;
    for (let x = 0; x < p && all; x++) all = similarity.weight(olds[x]!, news[x]!) > 0;
    if (all) return olds.map((i, x) => [i, news[x]!]);
  }
  const byLines = heaviestChain(olds, news, (i, j) => similarity.lineWeight(i, j));
  const out: Array<[number, number]> = [];
  let x0 = 0;
  let y0 = 0;
  for (const [i, j] of [...byLines, [-1, -1] as [number, number]]) {
    const x1 = i === -1 ? p : olds.indexOf(i, x0);
    const y1 = j === -1 ? q : news.indexOf(j, y0);
    out.push(...heaviestChain(olds.slice(x0, x1), news.slice(y0, y1), (a, b) => similarity.weight(a, b)));
    if (i !== -1) out.push([i, j]);
    x0 = x1 + 1;
    y0 = y1 + 1;
  }
  return out;
}

/**
 * The heaviest chain of pairs (olds[x], news[y]) with positive weight, increasing in both x and y
 * (weighted LIS with a Fenwick tree, O(E log E)). Large windows only compare pairs in a diagonal band:
 * `x` is compared with the `band` columns either side of its diagonal position, band = ⌊40,000 / 2p⌋ (≥ 2).
 * Exported, like `SimilarityCache`, to be tested on its own.
 */
export function heaviestChain(
  olds: number[],
  news: number[],
  weight: (i: number, j: number) => number,
): Array<[number, number]> {
  const p = olds.length;
  const q = news.length;
  if (p === 0 || q === 0) return [];
  const band = p * q <= FULL_WINDOW_PAIRS ? q : Math.max(2, Math.floor(FULL_WINDOW_PAIRS / (2 * p)));
  const ex: number[] = [];
  const ey: number[] = [];
  const ew: number[] = [];
  for (let x = 0; x < p; x++) {
    const centre = Math.round(((x + 0.5) * q) / p - 0.5);
    const lo = band >= q ? 0 : Math.max(0, centre - band);
    const hi = band >= q ? q - 1 : Math.min(q - 1, centre + band);
    // y descending within the same x, so two pairs sharing x never chain.
    for (let y = hi; y >= lo; y--) {
      const w = weight(olds[x]!, news[y]!);
      if (w > 0) {
        ex.push(x);
        ey.push(y);
        ew.push(w);
      }
    }
  }
  const e = ex.length;
  if (e === 0) return [];
  // Fenwick tree over y (1-based) holding the best chain ending at a y' ≤ index.
  const treeVal = new Float64Array(q + 1);
  const treeIdx = new Int32Array(q + 1).fill(-1);
  const best = new Float64Array(e);
  const prev = new Int32Array(e);
  let top = -1;
  for (let k = 0; k < e; k++) {
    let v = 0;
    let from = -1;
    for (let t = ey[k]!; t > 0; t -= t & -t) {
      if (treeVal[t]! > v) {
        v = treeVal[t]!;
        from = treeIdx[t]!;
      }
    }
    best[k] = v + ew[k]!;
    prev[k] = from;
    for (let t = ey[k]! + 1; t <= q; t += t & -t) {
      if (best[k]! > treeVal[t]!) {
        treeVal[t] = best[k]!;
        treeIdx[t] = k;
      }
    }
    if (top === -1 || best[k]! > best[top]!) top = k;
  }
  const out: Array<[number, number]> = [];
  for (let k = top; k !== -1; k = prev[k]!) out.push([olds[ex[k]!]!, news[ey[k]!]!]);
  return out.reverse();
}
