import type { WorkBudget } from './budget';

/**
 * Result of diffing two integer sequences: `matchA[i]` is the index in `b` that `a[i]` is kept as, or -1
 * when `a[i]` is deleted. Matched indices strictly increase, so the matches describe a common
 * subsequence; everything unmatched is a deletion (in `a`) or an insertion (in `b`).
 */
export interface SequenceMatch {
  matchA: Int32Array;
  /** Windows that hit a work bound and were reported as delete-all + insert-all. */
  fallbacks: number;
}

/**
 * Scratch arrays indexed by element value, shared by all calls (diffs run one at a time and are not
 * re-entrant) and always handed back zeroed, so a diff of a 5-line region does not allocate tables
 * sized for its whole id space.
 */
let scratchSize = 0;
let seenAScratch = new Uint8Array(0);
let seenBScratch = new Uint8Array(0);
let cntAScratch = new Int32Array(0);
let cntBScratch = new Int32Array(0);
let posBScratch = new Int32Array(0);

function ensureScratch(idCount: number): void {
  if (idCount <= scratchSize) return;
  scratchSize = Math.max(idCount, scratchSize * 2, 1024);
  seenAScratch = new Uint8Array(scratchSize);
  seenBScratch = new Uint8Array(scratchSize);
  cntAScratch = new Int32Array(scratchSize);
  cntBScratch = new Int32Array(scratchSize);
  posBScratch = new Int32Array(scratchSize);
}

/** Windows at most this size skip the unique-element anchoring and go straight to Myers. */
const SMALL_WINDOW = 48;

interface State {
  /** Values of the elements of `a` / `b` that occur on both sides (one-sided elements are set aside). */
  va: Int32Array;
  vb: Int32Array;
  /** Original indices of those elements. */
  ia: Int32Array;
  ib: Int32Array;
  matchA: Int32Array;
  cntA: Int32Array;
  cntB: Int32Array;
  posB: Int32Array;
  budget: WorkBudget;
  windowWork: number;
  fallbacks: number;
}

/**
 * Diffs two sequences of small non-negative integers (`< idCount`), the way fast diff tools do:
 * 1. trim the common prefix and suffix;
 * 2. set aside elements that occur on one side only (they can never be part of a common subsequence);
 * 3. anchor on elements unique in both windows (patience diff: longest increasing run of such pairs),
 *    and recurse between anchors;
 * 4. run Myers' O(ND) algorithm on the small windows left, with a hard bound on its work; a window that
 *    hits the bound (or finds the shared budget spent) is reported as replaced.
 */
export function diffSequences(
  a: Int32Array,
  b: Int32Array,
  idCount: number,
  budget: WorkBudget,
  windowWork: number,
): SequenceMatch {
  const n = a.length;
  const m = b.length;
  const matchA = new Int32Array(n).fill(-1);
  let start = 0;
  while (start < n && start < m && a[start] === b[start]) {
    matchA[start] = start;
    start++;
  }
  let endA = n;
  let endB = m;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
    matchA[endA] = endB;
  }
  if (start === endA || start === endB) return { matchA, fallbacks: 0 };
  budget.spend(n + m);

  ensureScratch(idCount);
  const seenA = seenAScratch;
  const seenB = seenBScratch;
  for (let i = start; i < endA; i++) seenA[a[i]!] = 1;
  for (let j = start; j < endB; j++) seenB[b[j]!] = 1;
  let na = 0;
  for (let i = start; i < endA; i++) if (seenB[a[i]!] === 1) na++;
  let nb = 0;
  for (let j = start; j < endB; j++) if (seenA[b[j]!] === 1) nb++;
  const clearSeen = () => {
    for (let i = start; i < endA; i++) seenA[a[i]!] = 0;
    for (let j = start; j < endB; j++) seenB[b[j]!] = 0;
  };
  if (na === 0 || nb === 0) {
    clearSeen();
    return { matchA, fallbacks: 0 };
  }
  const va = new Int32Array(na);
  const ia = new Int32Array(na);
  for (let i = start, k = 0; i < endA; i++) {
    const v = a[i]!;
    if (seenB[v] === 1) {
      va[k] = v;
      ia[k++] = i;
    }
  }
  const vb = new Int32Array(nb);
  const ib = new Int32Array(nb);
  for (let j = start, k = 0; j < endB; j++) {
    const v = b[j]!;
    if (seenA[v] === 1) {
      vb[k] = v;
      ib[k++] = j;
    }
  }

  clearSeen();

  const state: State = {
    va,
    vb,
    ia,
    ib,
    matchA,
    cntA: cntAScratch,
    cntB: cntBScratch,
    posB: posBScratch,
    budget,
    windowWork,
    fallbacks: 0,
  };
  const stack: number[] = [0, na, 0, nb];
  while (stack.length > 0) {
    const bHi = stack.pop()!;
    const bLo = stack.pop()!;
    const aHi = stack.pop()!;
    const aLo = stack.pop()!;
    processWindow(state, aLo, aHi, bLo, bHi, stack);
  }
  return { matchA, fallbacks: state.fallbacks };
}

function processWindow(s: State, aLo: number, aHi: number, bLo: number, bHi: number, stack: number[]): void {
  const { va, vb, ia, ib, matchA } = s;
  while (aLo < aHi && bLo < bHi && va[aLo] === vb[bLo]) {
    matchA[ia[aLo]!] = ib[bLo]!;
    aLo++;
    bLo++;
  }
  while (aHi > aLo && bHi > bLo && va[aHi - 1] === vb[bHi - 1]) {
    aHi--;
    bHi--;
    matchA[ia[aHi]!] = ib[bHi]!;
  }
  if (aLo === aHi || bLo === bHi) return;
  if (s.budget.exhausted) {
    s.fallbacks++;
    return;
  }
  const size = aHi - aLo + (bHi - bLo);
  if (size > SMALL_WINDOW && anchorWindow(s, aLo, aHi, bLo, bHi, stack)) return;
  myersWindow(s, aLo, aHi, bLo, bHi);
}

/** Patience step: pairs of elements unique on both sides, longest increasing chain of them as anchors. */
function anchorWindow(
  s: State,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  stack: number[],
): boolean {
  const { va, vb, cntA, cntB, posB } = s;
  s.budget.spend(3 * (aHi - aLo + (bHi - bLo)));
  for (let i = aLo; i < aHi; i++) cntA[va[i]!]!++;
  for (let j = bLo; j < bHi; j++) {
    const v = vb[j]!;
    cntB[v]!++;
    posB[v] = j;
  }
  const anchorA: number[] = [];
  const anchorB: number[] = [];
  for (let i = aLo; i < aHi; i++) {
    const v = va[i]!;
    if (cntA[v] === 1 && cntB[v] === 1) {
      anchorA.push(i);
      anchorB.push(posB[v]!);
    }
  }
  for (let i = aLo; i < aHi; i++) cntA[va[i]!] = 0;
  for (let j = bLo; j < bHi; j++) cntB[vb[j]!] = 0;
  if (anchorA.length === 0) return false;

  const chain = longestIncreasing(anchorB);
  let prevA = aLo;
  let prevB = bLo;
  for (const k of chain) {
    const i = anchorA[k]!;
    const j = anchorB[k]!;
    s.matchA[s.ia[i]!] = s.ib[j]!;
    if (i > prevA || j > prevB) stack.push(prevA, i, prevB, j);
    prevA = i + 1;
    prevB = j + 1;
  }
  if (aHi > prevA || bHi > prevB) stack.push(prevA, aHi, prevB, bHi);
  return true;
}

/** Indices (into `values`) of a longest strictly increasing subsequence; O(k log k). */
export function longestIncreasing(values: readonly number[]): number[] {
  const k = values.length;
  if (k === 0) return [];
  const tails = new Int32Array(k);
  const prev = new Int32Array(k);
  let len = 0;
  for (let i = 0; i < k; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[tails[mid]!]! < v) lo = mid + 1;
      else hi = mid;
    }
    prev[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
    if (lo === len) len++;
  }
  const out = new Array<number>(len);
  for (let i = tails[len - 1]!, p = len - 1; p >= 0; i = prev[i]!, p--) out[p] = i;
  return out;
}

/**
 * Myers' greedy O(ND) algorithm on one window, on the elements that occur on both sides of the window.
 * Keeps one snapshot of V per edit step for the backtrack, so both time and memory are bounded by the
 * work bound (work ≈ D² + snake steps). On hitting it the window is left unmatched (= replaced).
 */
function myersWindow(s: State, aLo: number, aHi: number, bLo: number, bHi: number): void {
  const { va, vb, cntA, cntB } = s;
  // Set aside elements that occur on one side of this window only.
  for (let i = aLo; i < aHi; i++) cntA[va[i]!] = 1;
  for (let j = bLo; j < bHi; j++) cntB[vb[j]!] = 1;
  const xs: number[] = [];
  for (let i = aLo; i < aHi; i++) if (cntB[va[i]!] === 1) xs.push(i);
  const ys: number[] = [];
  for (let j = bLo; j < bHi; j++) if (cntA[vb[j]!] === 1) ys.push(j);
  for (let i = aLo; i < aHi; i++) cntA[va[i]!] = 0;
  for (let j = bLo; j < bHi; j++) cntB[vb[j]!] = 0;
  const n = xs.length;
  const m = ys.length;
  let work = 2 * (aHi - aLo + (bHi - bLo));
  if (n === 0 || m === 0) {
    s.budget.spend(work);
    return;
  }
  const X = new Int32Array(n);
  for (let i = 0; i < n; i++) X[i] = va[xs[i]!]!;
  const Y = new Int32Array(m);
  for (let j = 0; j < m; j++) Y[j] = vb[ys[j]!]!;

  const limit = Math.min(s.windowWork, Math.max(0, s.budget.remaining));
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  outer: for (let d = 0; d <= max; d++) {
    work += 2 * d + 1;
    if (work > limit) break;
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      const x0 = x;
      while (x < n && y < m && X[x] === Y[y]) {
        x++;
        y++;
      }
      work += x - x0;
      v[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(v.slice(offset - d, offset + d + 1));
        found = d;
        break outer;
      }
    }
    trace.push(v.slice(offset - d, offset + d + 1));
  }
  s.budget.spend(work);
  if (found < 0) {
    s.fallbacks++;
    return;
  }

  // Backtrack: trace[d][k + d] is the furthest x on diagonal k after d edits.
  const { matchA, ia, ib } = s;
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const k = x - y;
    const prevV = trace[d - 1]!;
    const at = (kk: number) => prevV[kk + d - 1]!;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    const snakeX = down ? prevX : prevX + 1;
    while (x > snakeX) {
      x--;
      y--;
      matchA[ia[xs[x]!]!] = ib[ys[y]!]!;
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0) {
    x--;
    y--;
    matchA[ia[xs[x]!]!] = ib[ys[y]!]!;
  }
}
