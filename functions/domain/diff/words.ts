import { isWhitespace } from '../text';
import { LINE_WINDOW_WORK, TOTAL_WORK, WORD_WINDOW_WORK, WorkBudget } from './budget';
import { internLines, lineSlice, runsFromMatches, SpanInterner } from './lines';
import { diffSequences } from './sequence';
import { estimateSimilarity, isSpaceAt, tokenizeInterned, wordSimilarity } from './tokens';
import type { DiffOp } from './types';

/**
 * A changed region (old lines replaced by new lines) up to this size (UTF-16 units, both sides together)
 * is diffed token by token as a whole. A larger one with as many new lines as old lines (the usual
 * in-place edit of many consecutive lines) is refined line by line (i-th old with i-th new line); any
 * other larger region is reported as replaced.
 */
export const REGION_CHAR_LIMIT = 20_000;

/**
 * A changed region whose two sides share less than this share of their words (Jaccard index of the word
 * sets, bitmap estimate) is reported as replaced without a token diff: the clean-up would fold the few
 * scattered matches into one replacement anyway, and skipping the token diff keeps rewrites cheap.
 */
export const REGION_MIN_SIMILARITY = 0.2;

/** Maximum clean-up passes (each O(ops)); a bound on work, not a correctness condition. */
const CLEANUP_PASSES = 16;

/**
 * Word-level diff of two texts.
 *
 * Two levels, like `git diff --word-diff` on top of a line diff: a line diff first (cheap, bounded), then
 * each changed region (old lines replaced by new lines) is diffed token by token (see `tokens.ts`),
 * with its own work bound (large regions line by line, see `REGION_CHAR_LIMIT`). A region whose sides
 * share few words, that is too large, or whose token diff hits a bound, is reported as replaced (delete +
 * insert, minus a common prefix/suffix that ends on a word boundary) — correct, just coarser. A final
 * semantic clean-up folds short equal pieces that sit between larger changes into the change (so a
 * rewritten sentence reads as one replacement, not a salad of matching spaces and common words), and a
 * deleted or inserted run that the text allows to end on a line break is slid there (`slideToLineEnds`).
 *
 * Guarantee: equal+delete texts concatenate to `oldText`, equal+insert texts to `newText`; adjacent ops
 * of the same kind are merged, and within a change the delete comes before the insert.
 */
export function diffText(oldText: string, newText: string, budget = new WorkBudget(TOTAL_WORK)): DiffOp[] {
  if (oldText === newText) return oldText === '' ? [] : [{ op: 'equal', text: oldText }];
  const lines = internLines(oldText, newText);
  return diffTextLines(
    oldText,
    lines.oldStarts,
    lines.a,
    newText,
    lines.newStarts,
    lines.b,
    lines.idCount,
    budget,
  );
}

/**
 * `diffText` for texts whose lines are already interned: `oldStarts` are the line start offsets in
 * `oldText` plus its length, `a` the line ids (< `idCount`); same for the new side.
 */
export function diffTextLines(
  oldText: string,
  oldStarts: Int32Array,
  a: Int32Array,
  newText: string,
  newStarts: Int32Array,
  b: Int32Array,
  idCount: number,
  budget: WorkBudget,
): DiffOp[] {
  if (oldText === newText) return oldText === '' ? [] : [{ op: 'equal', text: oldText }];
  const { matchA } = diffSequences(a, b, idCount, budget, LINE_WINDOW_WORK);
  const runs = runsFromMatches(a.length, b.length, matchA);
  const ops: DiffOp[] = [];
  for (let k = 0; k < runs.length; k++) {
    const run = runs[k]!;
    if (run.op === 'equal') {
      ops.push({ op: 'equal', text: lineSlice(oldText, oldStarts, run.a, run.count) });
      continue;
    }
    const next = runs[k + 1];
    if (run.op === 'delete' && next?.op === 'insert') {
      const oldChunk = lineSlice(oldText, oldStarts, run.a, run.count);
      const newChunk = lineSlice(newText, newStarts, next.b, next.count);
      if (oldChunk.length + newChunk.length <= REGION_CHAR_LIMIT || run.count !== next.count) {
        refineRegion(oldChunk, newChunk, budget, ops);
      } else if (wordsDiffer(oldChunk, newChunk, budget)) {
        ops.push({ op: 'delete', text: oldChunk }, { op: 'insert', text: newChunk });
      } else {
        refineLineByLine(oldText, oldStarts, run.a, newText, newStarts, next.b, run.count, budget, ops);
      }
      k++;
      continue;
    }
    if (run.op === 'delete')
      ops.push({ op: 'delete', text: lineSlice(oldText, oldStarts, run.a, run.count) });
    else ops.push({ op: 'insert', text: lineSlice(newText, newStarts, run.b, run.count) });
  }
  return slideToLineEnds(cleanupSemantic(ops));
}

/** How far a change is slid to end on a line break (see `slideToLineEnds`). */
const MAX_SLIDE = 256;

/**
 * A deleted (or inserted) run that does not end on a line break, followed by unchanged text that starts
 * with the run's own first characters up to a line break, is the same change one line on: `one[\n\n2. B\nbeta]\n`
 * is `one\n[\n2. B\nbeta\n]`. Slid there, whole lines are struck (a removed section stays whole lines,
 * not a tail glued to the line before). A deletion slides past the insertion it is paired with, which
 * stays where it was. Both texts are unchanged.
 */
function slideToLineEnds(ops: DiffOp[]): DiffOp[] {
  // One pass; ops that do not move are copied as they are. (Merged again at the end when one moved: a
  // slid run can meet the next change once the equal text between them is used up.)
  let out: DiffOp[] | null = null;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!;
    const paired = op.op === 'delete' && ops[k + 1]?.op === 'insert';
    const after = ops[paired ? k + 2 : k + 1];
    const s = op.op === 'equal' || after?.op !== 'equal' ? 0 : slideBy(op.text, after.text);
    if (s === 0) {
      out?.push(op);
      continue;
    }
    out ??= ops.slice(0, k);
    const kept = after!.text.slice(0, s);
    const prev = out[out.length - 1];
    if (paired) out.push(ops[k + 1]!, { op: 'equal', text: kept });
    else if (prev?.op === 'equal') out[out.length - 1] = { op: 'equal', text: prev.text + kept };
    else out.push({ op: 'equal', text: kept });
    out.push({ op: op.op, text: op.text.slice(s) + kept });
    if (after!.text.length > s) out.push({ op: 'equal', text: after!.text.slice(s) });
    k += paired ? 2 : 1;
  }
  return out === null ? ops : mergeOps(out);
}

/**
 * How far a run not ending on a line break slides into the equal text after it to end on one: the
 * length of their common beginning up to and including its first line break (at most MAX_SLIDE), or 0.
 */
function slideBy(run: string, next: string): number {
  if (run.endsWith('\n')) return 0;
  const most = Math.min(run.length, next.length, MAX_SLIDE);
  let s = 0;
  while (s < most && run.charCodeAt(s) === next.charCodeAt(s)) {
    if (next.charCodeAt(s) === 10) return s + 1;
    s++;
  }
  return 0;
}

/**
 * Work counted for refining one line pair of a large region on top of its characters and tokens: the
 * fixed cost of a region diff (slices, op objects, a token table reset), which dominates for tiny lines.
 */
export const LINE_PAIR_WORK = 512;

/**
 * A large region whose two sides share few words (word-set estimate below `REGION_MIN_SIMILARITY`): a
 * rewrite, reported as replaced without refining it line by line. One linear scan of both sides.
 */
function wordsDiffer(oldChunk: string, newChunk: string, budget: WorkBudget): boolean {
  budget.spend((oldChunk.length + newChunk.length) >> 2);
  return wordSimilarity(oldChunk, newChunk) < REGION_MIN_SIMILARITY;
}

/**
 * A large in-place edit of `count` lines (as many old lines as new ones): the i-th old line against the
 * i-th new one. When the work budget runs out, the lines left are reported as one replacement (a
 * correct, coarser diff), so a region of a million tiny changed lines costs a bounded amount of work.
 */
function refineLineByLine(
  oldText: string,
  oldStarts: Int32Array,
  a: number,
  newText: string,
  newStarts: Int32Array,
  b: number,
  count: number,
  budget: WorkBudget,
  out: DiffOp[],
): void {
  for (let l = 0; l < count; l++) {
    if (budget.exhausted) {
      out.push(
        { op: 'delete', text: lineSlice(oldText, oldStarts, a + l, count - l) },
        { op: 'insert', text: lineSlice(newText, newStarts, b + l, count - l) },
      );
      return;
    }
    budget.spend(LINE_PAIR_WORK);
    refineRegion(
      lineSlice(oldText, oldStarts, a + l, 1),
      lineSlice(newText, newStarts, b + l, 1),
      budget,
      out,
    );
  }
}

/** Shared by all region diffs (they run one at a time); reset for each region. */
const regionInterner = new SpanInterner();
const bitsOld = new Uint32Array(32);
const bitsNew = new Uint32Array(32);

/**
 * Largest changed region (both sides, after trimming its common prefix and suffix) that is diffed token
 * by token; a larger one is reported as replaced.
 */
export const MAX_TOKEN_REGION = REGION_CHAR_LIMIT;

/** The same for a region that is one line on each side. */
export const MAX_LINE_REGION = 1_000_000;

/** Token windows up to this many cells (old × new tokens) get the exact weighted LCS. */
const WEIGHTED_CELLS = 2_500;

/** Regions of at most this many tokens skip the word-set similarity shortcut. */
const FEW_TOKENS = 40;

let dpScratch = new Float64Array(1024);

/**
 * Token-level diff of one changed region, appended to `out`. The common prefix and suffix (ending on
 * whitespace) are set aside first, so the work follows the size of the change, not of the region: a
 * one-word edit in a 200 KB paragraph tokenises a few bytes.
 */
function refineRegion(oldChunk: string, newChunk: string, budget: WorkBudget, out: DiffOp[]): void {
  const [p, s] = commonEnds(oldChunk, newChunk);
  if (p > 0) out.push({ op: 'equal', text: oldChunk.slice(0, p) });
  const oldMid = oldChunk.slice(p, oldChunk.length - s);
  const newMid = newChunk.slice(p, newChunk.length - s);
  refineMiddle(oldMid, newMid, budget, out);
  if (s > 0) out.push({ op: 'equal', text: oldChunk.slice(oldChunk.length - s) });
}

function refineMiddle(oldChunk: string, newChunk: string, budget: WorkBudget, out: DiffOp[]): void {
  if (oldChunk === '' || newChunk === '') {
    if (oldChunk !== '') out.push({ op: 'delete', text: oldChunk });
    if (newChunk !== '') out.push({ op: 'insert', text: newChunk });
    return;
  }
  const chars = oldChunk.length + newChunk.length;
  // One long line on each side (a converter's one-line paragraph) cannot be split further by the line
  // diff: it gets a token diff up to a larger size (work stays bounded by the budget).
  const oneLine = !innerLineBreak(oldChunk) && !innerLineBreak(newChunk);
  if (chars > (oneLine ? MAX_LINE_REGION : MAX_TOKEN_REGION) || budget.exhausted) {
    out.push({ op: 'delete', text: oldChunk }, { op: 'insert', text: newChunk });
    return;
  }
  // One pass per side: tokens, their ids, and word bitmaps for the similarity estimate.
  const interner = regionInterner.reset(chars);
  bitsOld.fill(0);
  bitsNew.fill(0);
  const { starts: sa, ids: a } = tokenizeInterned(oldChunk, interner, bitsOld);
  const { starts: sb, ids: b } = tokenizeInterned(newChunk, interner, bitsNew);
  // Tokenising and interning cost far more per token than a Myers step.
  budget.spend(chars + 16 * (a.length + b.length));
  const small = a.length * b.length <= WEIGHTED_CELLS;
  // NaN (too many distinct words to estimate) is not below the threshold: such regions get a token diff.
  // A few tokens (a date, a figure) are always diffed: their word sets say little.
  if (a.length + b.length > FEW_TOKENS && estimateSimilarity(bitsOld, bitsNew) < REGION_MIN_SIMILARITY) {
    out.push({ op: 'delete', text: oldChunk }, { op: 'insert', text: newChunk });
    return;
  }
  const matchA = small
    ? weightedMatch(oldChunk, sa, a, b, budget)
    : diffSequences(a, b, interner.size, budget, WORD_WINDOW_WORK).matchA;
  for (const run of runsFromMatches(a.length, b.length, matchA)) {
    if (run.op === 'insert')
      out.push({ op: 'insert', text: newChunk.slice(sb[run.b]!, sb[run.b + run.count]!) });
    else out.push({ op: run.op, text: oldChunk.slice(sa[run.a]!, sa[run.a + run.count]!) });
  }
}

/** A line break before the text's last character. */
function innerLineBreak(t: string): boolean {
  const at = t.indexOf('\n');
  return at !== -1 && at < t.length - 1;
}

/**
 * The common subsequence of two short token sequences that keeps the most text: each kept token weighs
 * its length (whitespace almost nothing), so `December 1,` → `1 December` keeps `December` rather than
 * a space or the `1` — the smallest change a reader can be shown, where plain LCS may pick any.
 */
function weightedMatch(
  oldChunk: string,
  sa: Int32Array,
  a: Int32Array,
  b: Int32Array,
  budget: WorkBudget,
): Int32Array {
  const n = a.length;
  const m = b.length;
  budget.spend(n * m);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = isSpaceAt(oldChunk, sa[i]!) ? 0.01 : sa[i + 1]! - sa[i]!;
  // dp[i][j]: best weight of a common subsequence of a[i..] and b[j..].
  if (dpScratch.length < (n + 1) * (m + 1)) dpScratch = new Float64Array((n + 1) * (m + 1));
  const dp = dpScratch.fill(0, 0, (n + 1) * (m + 1));
  // Cell (i, j) is dp[i * stride + j].
  const stride = m + 1;
  for (let i = n - 1; i >= 0; i--) {
    const row = i * stride;
    for (let j = m - 1; j >= 0; j--) {
      const skip = Math.max(dp[row + stride + j]!, dp[row + j + 1]!);
      dp[row + j] = a[i] === b[j] ? Math.max(skip, w[i]! + dp[row + stride + j + 1]!) : skip;
    }
  }
  const matchA = new Int32Array(n).fill(-1);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const row = i * stride;
    if (a[i] === b[j] && dp[row + j] === w[i]! + dp[row + stride + j + 1]!) {
      matchA[i] = j;
      i++;
      j++;
    } else if (dp[row + stride + j]! >= dp[row + j + 1]!) i++;
    else j++;
  }
  return matchA;
}

/**
 * Lengths of the common prefix and suffix of two texts, each ending on whitespace (or the text's edge),
 * so no token — a word, a number, a URL — is cut in two. The suffix never overlaps the prefix.
 */
function commonEnds(x: string, y: string): [number, number] {
  const max = Math.min(x.length, y.length);
  let p = 0;
  while (p < max && x.charCodeAt(p) === y.charCodeAt(p)) p++;
  if (p < x.length || p < y.length) {
    while (p > 0 && !isWhitespace(x.charCodeAt(p - 1))) p--;
  }
  let s = 0;
  while (s < max - p && x.charCodeAt(x.length - 1 - s) === y.charCodeAt(y.length - 1 - s)) s++;
  if (s < x.length - p || s < y.length - p) {
    while (s > 0 && !isWhitespace(x.charCodeAt(x.length - s))) s--;
  }
  return [p, s];
}

type Segment = { eq: string } | { del: string; ins: string };

/** Adjacent equal ops merged, every change run folded into one delete + one insert, empty ops dropped. */
function toSegments(ops: readonly DiffOp[]): Segment[] {
  const segs: Segment[] = [];
  const eq: string[] = [];
  const del: string[] = [];
  const ins: string[] = [];
  // One pass, no closures (this runs for every changed section); `k === ops.length` flushes the last run.
  for (let k = 0; k <= ops.length; k++) {
    const op = ops[k];
    if (op !== undefined && op.text === '') continue;
    const equal = op !== undefined && op.op === 'equal';
    if ((op === undefined || equal) && (del.length > 0 || ins.length > 0)) {
      segs.push({ del: del.join(''), ins: ins.join('') });
      del.length = 0;
      ins.length = 0;
    }
    if ((op === undefined || !equal) && eq.length > 0) {
      segs.push({ eq: eq.join('') });
      eq.length = 0;
    }
    if (op === undefined) break;
    if (equal) eq.push(op.text);
    else (op.op === 'delete' ? del : ins).push(op.text);
  }
  return segs;
}

/** Adjacent ops of the same kind merged, each change as its delete then its insert, empty ops dropped. */
export function mergeOps(ops: readonly DiffOp[]): DiffOp[] {
  return fromSegments(toSegments(ops));
}

function fromSegments(segs: readonly Segment[]): DiffOp[] {
  const ops: DiffOp[] = [];
  for (const seg of segs) {
    if ('eq' in seg) ops.push({ op: 'equal', text: seg.eq });
    else {
      if (seg.del !== '') ops.push({ op: 'delete', text: seg.del });
      if (seg.ins !== '') ops.push({ op: 'insert', text: seg.ins });
    }
  }
  return ops;
}

/**
 * Semantic clean-up in the manner of diff-match-patch: an equal piece no longer than the change on
 * each side of it (max of deleted and inserted length) is folded into one change with its neighbours.
 * Reconstruction is unaffected (the piece moves into both the deletion and the insertion).
 */
export function cleanupSemantic(ops: readonly DiffOp[]): DiffOp[] {
  let segs = toSegments(ops);
  for (let pass = 0; pass < CLEANUP_PASSES; pass++) {
    let changed = false;
    const res: Segment[] = [];
    for (let k = 0; k < segs.length; k++) {
      const seg = segs[k]!;
      const prev = res[res.length - 1];
      const next = segs[k + 1];
      if ('eq' in seg && prev !== undefined && next !== undefined && !('eq' in prev) && !('eq' in next)) {
        const len = seg.eq.length;
        if (
          len <= Math.max(prev.del.length, prev.ins.length) &&
          len <= Math.max(next.del.length, next.ins.length)
        ) {
          res[res.length - 1] = { del: prev.del + seg.eq + next.del, ins: prev.ins + seg.eq + next.ins };
          k++;
          changed = true;
          continue;
        }
      }
      res.push(seg);
    }
    segs = res;
    if (!changed) break;
  }
  return fromSegments(segs);
}
