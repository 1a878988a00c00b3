/**
 * The parts of section alignment (functions/domain/diff/align.ts) tested on their own, on sections built
 * by hand (titles, line ids and line lengths chosen by the test), so each rule is reached directly:
 * - `heaviestChain`: the heaviest order-preserving chain, against a dynamic-programming oracle, and the
 *   diagonal band of large windows;
 * - `SimilarityCache`: common-line ratios, word similarity, title bonus, the work budget;
 * - `alignSections`: identical sections found through colliding hashes, repeats, preambles, the window
 *   matching and the pass for sections both moved and edited.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../../bin/bench/diff';
import {
  alignSections,
  heaviestChain,
  type LineIds,
  SimilarityCache,
} from '../../functions/domain/diff/align';
import { WorkBudget } from '../../functions/domain/diff/budget';
import type { SectionInfo } from '../../functions/domain/diff/sections';

/** A section: `title` null is the preamble (no heading line); `lines` are its content lines. */
interface Spec {
  title: string | null;
  lines: string[];
}
const sec = (title: string | null, ...lines: string[]): Spec => ({ title, lines });

/**
 * Section infos and line ids for two documents. A line written `#N` gets id N (to choose the ids' order);
 * any other line gets an id by first appearance (old document first), from 100,000 on. Every line is
 * its text plus a line break, so an empty line is one character long (a blank line).
 */
function build(oldSpecs: Spec[], newSpecs: Spec[]) {
  const ids = new Map<string, number>();
  const idOf = (line: string) => {
    const n = /^#(\d+)$/.exec(line);
    if (n) return Number(n[1]);
    let id = ids.get(line);
    if (id === undefined) {
      id = 100_000 + ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const side = (specs: Spec[]) => {
    const lineIds: number[] = [];
    const starts: number[] = [0];
    const add = (line: string) => {
      lineIds.push(idOf(line));
      starts.push(starts[starts.length - 1]! + line.length + 1);
    };
    const secs: SectionInfo[] = specs.map((s, k) => {
      const fromLine = lineIds.length;
      if (s.title !== null) add(`${k}. ${s.title}`);
      const contentFrom = lineIds.length;
      for (const line of s.lines) add(line);
      const body = s.lines.join('\n');
      const heading = s.title === null ? null : `${k}. ${s.title}`;
      return {
        key: s.title === null ? 'preamble' : String(k),
        title: s.title ?? '',
        heading,
        rawTitle: s.title ?? '',
        fromLine,
        toLine: lineIds.length,
        contentFrom,
        contentTo: lineIds.length,
        srcFrom: 0,
        srcTo: 0,
        text: heading === null ? body : `${heading}\n${body}`,
        body,
      };
    });
    return { secs, ids: Int32Array.from(lineIds), starts: Int32Array.from(starts) };
  };
  const a = side(oldSpecs);
  const b = side(newSpecs);
  const lineIds: LineIds = { a: a.ids, b: b.ids, oldStarts: a.starts, newStarts: b.starts };
  return { oldSecs: a.secs, newSecs: b.secs, lineIds };
}

const align = (oldSpecs: Spec[], newSpecs: Spec[], budget = 1e9) => {
  const { oldSecs, newSecs, lineIds } = build(oldSpecs, newSpecs);
  return alignSections(oldSecs, newSecs, lineIds, new WorkBudget(budget)).map((e) => [
    e.status,
    e.old ?? null,
    e.new ?? null,
  ]);
};

const cache = (oldSpecs: Spec[], newSpecs: Spec[], budget = 1e9) => {
  const { oldSecs, newSecs, lineIds } = build(oldSpecs, newSpecs);
  return new SimilarityCache(oldSecs, newSecs, lineIds, new WorkBudget(budget));
};

describe('heaviestChain', () => {
  /** Calls heaviestChain on a weight matrix, with ids 10+x (old) and 50+y (new) to check the mapping back. */
  const chainOf = (m: number[][], q = m[0]?.length ?? 0) => {
    const olds = m.map((_, x) => 10 + x);
    const news = Array.from({ length: q }, (_, y) => 50 + y);
    return heaviestChain(olds, news, (i, j) => m[i - 10]![j - 50]!).map(([i, j]) => [i - 10, j - 50]);
  };
  /** The heaviest chain's weight by dynamic programming over the whole matrix. */
  const oracle = (m: number[][], q: number) => {
    const p = m.length;
    const best = Array.from({ length: p + 1 }, () => new Array<number>(q + 1).fill(0));
    for (let x = 1; x <= p; x++) {
      for (let y = 1; y <= q; y++) {
        const w = m[x - 1]![y - 1]!;
        best[x]![y] = Math.max(best[x - 1]![y]!, best[x]![y - 1]!, w > 0 ? best[x - 1]![y - 1]! + w : 0);
      }
    }
    return best[p]![q]!;
  };

  it('finds a chain as heavy as the best one, increasing in both lists, of positive pairs only', () => {
    const next = prng(7);
    const values = [0, 0, 0, -1, 0.25, 0.5, 1, 1.5, 2, 3];
    for (let run = 0; run < 400; run++) {
      const p = Math.floor(next() * 8);
      const q = Math.floor(next() * 8);
      const m = Array.from({ length: p }, () =>
        Array.from({ length: q }, () => values[Math.floor(next() * values.length)]!),
      );
      const chain = chainOf(m, q);
      const weight = chain.reduce((sum, [x, y]) => sum + m[x!]![y!]!, 0);
      expect({ run, weight }).toEqual({ run, weight: oracle(m, q) });
      for (let k = 0; k < chain.length; k++) {
        expect(m[chain[k]![0]!]![chain[k]![1]!]).toBeGreaterThan(0);
        if (k > 0) {
          expect(chain[k]![0]).toBeGreaterThan(chain[k - 1]![0]!);
          expect(chain[k]![1]).toBeGreaterThan(chain[k - 1]![1]!);
        }
      }
    }
  });

  it('returns the pairs in order, and nothing when no pair has weight', () => {
    expect(chainOf([])).toEqual([]);
    expect(chainOf([[], []], 0)).toEqual([]);
    expect(
      chainOf([
        [0, 0],
        [0, -2],
      ]),
    ).toEqual([]);
    expect(
      chainOf([
        [2, 0, 0],
        [0, 0, 0],
        [0, 5, 0],
        [0, 0, 1],
      ]),
    ).toEqual([
      [0, 0],
      [2, 1],
      [3, 2],
    ]);
    // One heavy crossing pair against two light ones in order.
    expect(
      chainOf([
        [1, 3],
        [1, 1],
      ]),
    ).toEqual([[0, 1]]);
    expect(
      chainOf([
        [1, 1.5],
        [1, 1],
      ]),
    ).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('resolves equally heavy chains the same way every time: the first found, columns scanned right to left', () => {
    expect(chainOf([[1, 1, 1]])).toEqual([[0, 2]]);
    expect(chainOf([[1], [1], [1]])).toEqual([[0, 0]]);
    expect(
      chainOf([
        [1, 1, 1],
        [1, 1, 1],
      ]),
    ).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(
      chainOf([
        [2, 0],
        [0, 0],
        [0, 2],
        [3, 0],
      ]),
    ).toEqual([
      [0, 0],
      [2, 1],
    ]);
    expect(
      chainOf([
        [0, 1],
        [1, 0],
      ]),
    ).toEqual([[0, 1]]);
  });

  /** Which new positions each old position was compared with, in call order. */
  const compared = (p: number, q: number) => {
    const calls = new Map<number, number[]>();
    heaviestChain(
      Array.from({ length: p }, (_, x) => x),
      Array.from({ length: q }, (_, y) => y),
      (x, y) => {
        const ys = calls.get(x);
        if (ys === undefined) calls.set(x, [y]);
        else ys.push(y);
        return 0;
      },
    );
    return (x: number) => {
      const ys = calls.get(x) ?? [];
      return { first: ys[0], last: ys[ys.length - 1], count: ys.length };
    };
  };

  it('compares every pair of a window of up to 40,000 pairs, new positions from last to first', () => {
    const full = compared(200, 200);
    for (const x of [0, 100, 199]) expect(full(x)).toEqual({ first: 199, last: 0, count: 200 });
    const wide = compared(1, 40_000);
    expect(wide(0)).toEqual({ first: 39_999, last: 0, count: 40_000 });
  });

  it('compares only a diagonal band of ⌊40,000 / 2p⌋ positions either side in larger windows', () => {
    // 250 × 250: band 80.
    const square = compared(250, 250);
    expect(square(0)).toEqual({ first: 80, last: 0, count: 81 });
    expect(square(125)).toEqual({ first: 205, last: 45, count: 161 });
    expect(square(249)).toEqual({ first: 249, last: 169, count: 81 });
    // 100 × 500: band 200, the diagonal at 5x + 2.
    const tall = compared(100, 500);
    expect(tall(0)).toEqual({ first: 202, last: 0, count: 203 });
    expect(tall(50)).toEqual({ first: 452, last: 52, count: 401 });
    expect(tall(99)).toEqual({ first: 499, last: 297, count: 203 });
    // 500 × 100: band 40, the diagonal at x / 5.
    const wide = compared(500, 100);
    expect(wide(0)).toEqual({ first: 40, last: 0, count: 41 });
    expect(wide(250)).toEqual({ first: 90, last: 10, count: 81 });
    // 20,001 × 2: band 2 at least, which covers both columns.
    const long = compared(20_001, 2);
    expect(long(10_000)).toEqual({ first: 1, last: 0, count: 2 });
  });

  it('finds a chain along the diagonal of a banded window', () => {
    const p = 300;
    const olds = Array.from({ length: p }, (_, x) => x);
    // Each old section matches its own new position, and one far-off position (outside the band).
    const chain = heaviestChain(olds, olds, (x, y) => (x === y ? 1 : y === (x + 150) % p ? 5 : 0));
    expect(chain).toEqual(olds.map((x) => [x, x]));
  });
});

describe('SimilarityCache', () => {
  const four = ['alpha one', 'beta two', 'gamma three', 'delta four'];

  it('weighs a pair by its share of common non-blank lines, 2·common / (lines + lines)', () => {
    const c = cache(
      [sec('Data', ...four), sec('Data', 'alpha one', '', '', 'beta two')],
      [sec('Other', 'alpha one', 'beta two', 'x', 'y'), sec('Other', 'alpha one', '', 'zeta')],
    );
    expect(c.lineWeight(0, 0)).toBe(0.5);
    expect(c.weight(0, 0)).toBe(0.5);
    // Blank lines do not count: 2·1 / (2 + 2).
    expect(c.lineWeight(1, 1)).toBe(0.5);
    expect(c.lineWeight(1, 0)).toBe((2 * 2) / 6);
  });

  it('adds 1 for the same non-empty title, which also makes a dissimilar pair eligible', () => {
    const c = cache(
      [sec('Data', ...four), sec('', 'p'), sec(null, 'q')],
      [
        sec('Data', 'alpha one', 'x', 'y', 'z'),
        sec('', 's'),
        sec(null, 't'),
        sec('Data', 'alpha one', 'beta two'),
      ],
    );
    expect(c.lineWeight(0, 0)).toBe(1.25);
    // By words (estimated): {data, alpha, one} of 12 words.
    expect(c.weight(0, 0)).toBeCloseTo(1.25, 2);
    expect(c.lineWeight(0, 3)).toBe(1 + (2 * 2) / 6);
    // Empty titles (untitled headings, preambles) are not a shared title.
    expect(c.lineWeight(1, 1)).toBe(0);
    expect(c.weight(1, 1)).toBe(0);
    expect(c.lineWeight(2, 2)).toBe(0);
    expect(c.weight(2, 2)).toBe(0);
  });

  it('gives 0 below half of the lines in common and another title (line weight), and 0 for no lines at all', () => {
    const c = cache([sec('A', 'a', 'b', 'c'), sec('E')], [sec('B', 'a', 'x', 'y'), sec('F')]);
    expect(c.lineWeight(0, 0)).toBe(0);
    expect(c.lineWeight(1, 1)).toBe(0);
    expect(c.lineWeight(0, 1)).toBe(0);
  });

  it('sorts the line ids of short and long sections before counting the common ones', () => {
    // Ids chosen in descending order, so every insertion moves; the 33rd and 34th lines are the limits
    // of insertion sorting (longer sections are sorted at once).
    const desc = (n: number, from: number) => Array.from({ length: n }, (_, k) => `#${from - k}`);
    for (const n of [5, 32, 33, 34, 35, 60]) {
      const lines = desc(n, 1000);
      const half = Math.ceil(n / 2);
      const other = [...lines.slice(0, half).reverse(), ...desc(n - half, 500)];
      const c = cache(
        [sec('Lead', '#1', '#2', '#3'), sec('A', ...lines)],
        [sec('Lead', '#1', '#2', '#3'), sec('B', ...other)],
      );
      expect({ n, w: c.lineWeight(1, 1) }).toEqual({ n, w: (2 * half) / (2 * n) });
      expect({ n, w: c.lineWeight(0, 0) }).toEqual({ n, w: 2 });
    }
    // The last line of a short section has the smallest id.
    const short = ['#10', '#11', '#12', '#13', '#1'];
    const c = cache([sec('A', ...short)], [sec('A', '#1', '#10', '#99', '#98', '#97')]);
    expect(c.lineWeight(0, 0)).toBe(1.4);
  });

  it('falls back to word-set similarity when lines differ: eligible from a Jaccard index of 0.5', () => {
    const c = cache(
      [sec('A', 'w1 w2 w3 w4 w5 w6'), sec('C', 'w1 w2 w3 w4 w5 w6')],
      [sec('B', 'w1 w2 w3 w4 w5 w6 w7'), sec('D', 'w1 w2 w3 w7 w8 w9 w10')],
    );
    expect(c.lineWeight(0, 0)).toBe(0);
    // Titles count as words: {w1…w6} of {a, b, w1…w7}.
    expect(c.weight(0, 0)).toBeCloseTo(6 / 9, 2);
    expect(c.weight(1, 1)).toBe(0);
  });

  it('computes large sections exactly: a Jaccard index of 0.5 is eligible, just under it is not', () => {
    const words = (from: number, n: number) =>
      Array.from({ length: n }, (_, k) => `word${from + k}`).join(' ');
    // The titles are words both sets already hold.
    const c = cache(
      [sec('word600', words(0, 1500)), sec('word600', words(0, 1500))],
      [sec('word601', words(500, 1500)), sec('word601', words(501, 1500))],
    );
    // 1,000 common words of 2,000: exactly 0.5; then 999 of 2,001.
    expect(c.weight(0, 0)).toBe(0.5);
    expect(c.weight(1, 1)).toBe(0);
  });

  it('weighs by title alone once the work budget is spent', () => {
    const specs = [sec('Data', ...four), sec('Other', ...four)];
    const c = cache(specs, [sec('Data', 'x'), sec('Another', ...four)], 0);
    expect(c.lineWeight(0, 0)).toBe(1);
    expect(c.weight(0, 0)).toBe(1);
    expect(c.lineWeight(1, 1)).toBe(0);
    expect(c.weight(1, 1)).toBe(0);
    // With budget, the same-lines pair weighs 1.
    const paid = cache(specs, [sec('Data', 'x'), sec('Another', ...four)]);
    expect(paid.lineWeight(1, 1)).toBe(1);
    expect(paid.weight(1, 1)).toBe(1);
  });

  it('spends the budget per comparison, and per fingerprint by the section length', () => {
    const budget = new WorkBudget(1000);
    const { oldSecs, newSecs, lineIds } = build([sec('A', 'alpha', 'beta')], [sec('B', 'gamma delta')]);
    const c = new SimilarityCache(oldSecs, newSecs, lineIds, budget);
    c.lineWeight(0, 0);
    expect(budget.remaining).toBe(1000 - 16);
    c.weight(0, 0);
    // 64 for the comparison, then both fingerprints: "0. A\nalpha\nbeta" (15) and "0. B\ngamma delta" (16).
    expect(budget.remaining).toBe(1000 - 16 - 64 - 15 - 16);
    c.weight(0, 0);
    expect(budget.remaining).toBe(1000 - 16 - 64 * 2 - 15 - 16);
  });
});

describe('alignSections on hand-built sections', () => {
  it('tells apart identical bodies under titles whose hashes collide', () => {
    // "gxwjqbe" and "ensbcjc" have the same 32-bit FNV-1a hash.
    const body = ['the same body', 'on two lines'];
    const p = sec('gxwjqbe', ...body);
    const q = sec('ensbcjc', ...body);
    expect(align([p, q], [q, p], 0)).toEqual([
      ['unchanged', 1, 0],
      ['unchanged', 0, 1],
    ]);
    expect(align([p, q, p], [q, p, q], 0)).toEqual([
      ['unchanged', 1, 0],
      ['unchanged', 0, 1],
      ['removed', 2, null],
      ['added', null, 2],
    ]);
  });

  it('pairs identical untitled sections by content alone, in order of occurrence, even with no budget', () => {
    const u = (...lines: string[]) => sec('', ...lines);
    const [a, b, c] = [u('first'), u('second'), u('third')];
    expect(align([a, b, c], [c, a, b], 0)).toEqual([
      ['unchanged', 2, 0],
      ['unchanged', 0, 1],
      ['unchanged', 1, 2],
    ]);
    // Repeats: the k-th old with the k-th new; the extra old one is removed where it was.
    expect(align([a, b, a, b, a], [b, a, b, a], 0)).toEqual([
      ['unchanged', 1, 0],
      ['unchanged', 0, 1],
      ['unchanged', 3, 2],
      ['unchanged', 2, 3],
      ['removed', 4, null],
    ]);
    // Many distinct sections (the hash table probes past occupied slots).
    const many = Array.from({ length: 40 }, (_, k) => u(`line ${k}`));
    const shuffled = [...many.slice(20), ...many.slice(0, 20)];
    const out = align(many, shuffled, 0);
    expect(out).toHaveLength(40);
    expect(
      out.every(([status, i, j]) => status === 'unchanged' && (i as number) === ((j as number) + 20) % 40),
    ).toBe(true);
  });

  it('pairs the preambles only when both versions have one', () => {
    const intro = sec(null, 'Welcome', 'to our policy');
    const untitled = sec('', 'Welcome', 'to our policy');
    expect(align([intro, sec('A', 'x')], [untitled, sec('A', 'x')], 0)).toEqual([
      ['removed', 0, null],
      ['added', null, 0],
      ['unchanged', 1, 1],
    ]);
    expect(align([untitled, sec('A', 'x')], [intro, sec('A', 'x')], 0)).toEqual([
      ['removed', 0, null],
      ['added', null, 0],
      ['unchanged', 1, 1],
    ]);
    expect(align([intro], [sec(null, 'Hello')], 0)).toEqual([['modified', 0, 0]]);
  });

  it('places a removed section before an added one at the end', () => {
    expect(align([sec('A', 'x'), sec('B', 'y')], [sec('A', 'x'), sec('C', 'z')])).toEqual([
      ['unchanged', 0, 0],
      ['removed', 1, null],
      ['added', null, 1],
    ]);
    expect(align([sec('A', 'x'), sec('B', 'y'), sec('D', 'w')], [sec('C', 'z'), sec('A', 'x')])).toEqual([
      ['added', null, 0],
      ['unchanged', 0, 1],
      ['removed', 1, null],
      ['removed', 2, null],
    ]);
  });

  it('pairs a window in order, i-th with i-th, when every such pair is eligible', () => {
    const lines = (tag: string) => [`${tag}1`, `${tag}2`, `${tag}3`, `${tag}4`];
    // X1 shares half its lines with Y1 (0.5), X2 three of seven with Y2 (0.55); X1 and Y2 share a
    // title and every line of X1 (1.73), heavier than the two pairs in order together.
    const x1 = sec('T', ...lines('a'));
    const x2 = sec('X2', ...lines('b'));
    const y1 = sec('Y1', 'a1', 'a2', 'c1', 'c2');
    const y2 = sec('T', 'a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3');
    expect(align([x1, x2], [y1, y2])).toEqual([
      ['modified', 0, 0],
      ['modified', 1, 1],
    ]);
    // Without an eligible second pair, the heaviest chain takes X1 with its copy and Y1 is new.
    const y2b = sec('Y2', 'a1', 'a2', 'a3', 'a4');
    expect(align([x1, x2], [y1, y2b])).toEqual([
      ['added', null, 0],
      ['modified', 0, 1],
      ['removed', 1, null],
    ]);
  });

  it('matches by lines first, then by words between the pairs lines found (all in order)', () => {
    // B and Q share no line but 8 of 11 words; Z has nothing in common with anything.
    const o = [
      sec('A', 'a1', 'a2'),
      sec('B', 'w1 w2 w3 w4 w5 w6 w7 w8'),
      sec('Z', 'zz unrelated'),
      sec('C', 'c1', 'c2'),
    ];
    const n = [sec('P', 'a1', 'a2'), sec('Q', 'w1 w2 w3 w4 w5 w6 w7 w8 w9'), sec('R', 'c1', 'c2')];
    // Q is paired in order, so the removed Z sits after it, where it was.
    expect(align(o, n)).toEqual([
      ['modified', 0, 0],
      ['modified', 1, 1],
      ['removed', 2, null],
      ['modified', 3, 2],
    ]);
  });

  it('pairs leftover sections that moved and changed, heaviest pair first', () => {
    const k = sec('K', 'k1', 'k2');
    // Both moved past K. P–P' weighs 0.89, Q–Q' 0.67 and P–Q' 0.5: taking P–Q' first would leave Q and
    // P' unpaired.
    const p = sec('P', 'p1', 'p2', 'p3', 'p4');
    const q = sec('Q', 'q1', 'q2');
    const p2 = sec('P2', 'p1', 'p2', 'p3', 'p4', 'x');
    const q2 = sec('Q2', 'p1', 'p2', 'q1', 'q2');
    expect(align([p, q, k], [k, q2, p2])).toEqual([
      ['unchanged', 2, 0],
      ['modified', 1, 1],
      ['modified', 0, 2],
    ]);
  });

  it('leaves the moved-and-edited pass out beyond 2,500 leftover pairs', () => {
    const k = sec('K', 'k1', 'k2');
    const olds = (n: number) => Array.from({ length: n }, (_, i) => sec(`O${i}`, `o${i}a`, `o${i}b`));
    const news = (n: number) => Array.from({ length: n }, (_, i) => sec(`N${i}`, `n${i}a`, `n${i}b`));
    const moved = sec('M', 'm1', 'm2', 'm3');
    const movedEdited = sec('M2', 'm1', 'm2', 'm3', 'm4');
    // Leftovers 50 × 50 = 2,500: the moved section is still paired.
    const at = align([moved, k, ...olds(49)], [k, ...news(49), movedEdited]);
    expect(at.filter(([status]) => status === 'modified')).toEqual([['modified', 0, 50]]);
    // 51 × 50: no longer.
    const beyond = align([moved, k, ...olds(50)], [k, ...news(49), movedEdited]);
    expect(beyond.filter(([status]) => status === 'modified')).toEqual([]);
    expect(beyond.filter(([status]) => status === 'removed')).toHaveLength(51);
  });
});
