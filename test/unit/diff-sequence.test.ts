/**
 * The sequence diff under the line and word diffs (functions/domain/diff/sequence.ts), checked against
 * a textbook dynamic-programming LCS on seeded random inputs: Myers' windows must find a longest common
 * subsequence, and so must patience anchoring when every element is unique.
 */
import { describe, expect, it } from 'vitest';
import { WorkBudget } from '../../functions/domain/diff/budget';
import { diffSequences, longestIncreasing } from '../../functions/domain/diff/sequence';

/** A small deterministic generator (so a failure names its case). */
function random(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function lcsLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The matched pairs, after checking they form a common subsequence. */
function matchesOf(a: Int32Array, b: Int32Array, matchA: Int32Array): number {
  expect(matchA).toHaveLength(a.length);
  let last = -1;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const j = matchA[i]!;
    if (j < 0) {
      expect(j).toBe(-1);
      continue;
    }
    expect(j).toBeGreaterThan(last);
    expect(b[j]).toBe(a[i]);
    last = j;
    count++;
  }
  return count;
}

const run = (a: Int32Array, b: Int32Array, idCount: number) =>
  diffSequences(a, b, idCount, new WorkBudget(1e9), 1e6);

describe('diffSequences', () => {
  it('finds a longest common subsequence of small windows (Myers), 400 seeded cases', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const r = random(seed);
      const alphabet = 1 + r(8);
      const a = Int32Array.from({ length: r(41) }, () => r(alphabet));
      const b = Int32Array.from({ length: r(41) }, () => r(alphabet));
      const { matchA, fallbacks } = run(a, b, alphabet);
      expect(fallbacks, `seed ${seed}`).toBe(0);
      expect(matchesOf(a, b, matchA), `seed ${seed}: ${a} / ${b}`).toBe(lcsLength(a, b));
    }
  });

  it('finds a longest common subsequence of long windows of unique elements (patience), 60 seeded cases', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = random(seed * 7919);
      const ids = Array.from({ length: 600 }, (_, i) => i);
      const pick = () => {
        const shuffled = [...ids];
        // Mostly in order, with some elements moved, some dropped.
        for (let k = 0; k < 20; k++) {
          const x = r(600);
          const y = r(600);
          [shuffled[x], shuffled[y]] = [shuffled[y]!, shuffled[x]!];
        }
        return Int32Array.from(shuffled.filter(() => r(10) > 0).slice(0, 100 + r(200)));
      };
      const a = pick();
      const b = pick();
      const { matchA, fallbacks } = run(a, b, 600);
      expect(fallbacks).toBe(0);
      expect(matchesOf(a, b, matchA), `seed ${seed}`).toBe(lcsLength(a, b));
      // The anchors cut the work into small windows: Myers alone, on the whole window, would need far
      // more than this bound (and report the window replaced); anchored, no window comes near it.
      const anchored = diffSequences(a, b, 600, new WorkBudget(1e9), 400);
      expect(anchored.fallbacks, `seed ${seed}`).toBe(0);
      expect(Array.from(anchored.matchA)).toEqual(Array.from(matchA));
    }
  });

  it('keeps a common prefix and suffix matched in place', () => {
    const a = Int32Array.from([1, 2, 3, 4, 5, 6]);
    const b = Int32Array.from([1, 2, 7, 4, 5, 6]);
    expect(Array.from(run(a, b, 8).matchA)).toEqual([0, 1, -1, 3, 4, 5]);
    expect(Array.from(run(a, a, 8).matchA)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(run(a, new Int32Array(0), 8).matchA)).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(Array.from(run(new Int32Array(0), a, 8).matchA)).toEqual([]);
  });

  it('leaves a window it has no budget for unmatched, counting it as a fallback', () => {
    const a = Int32Array.from([1, 2, 3, 4, 5, 6, 7]);
    const b = Int32Array.from([1, 3, 2, 5, 4, 7, 6]);
    // The common first element is trimmed before any window; the one window left is replaced whole.
    const spent = diffSequences(a, b, 8, new WorkBudget(0), 1e6);
    expect(spent.fallbacks).toBe(1);
    expect(Array.from(spent.matchA)).toEqual([0, -1, -1, -1, -1, -1, -1]);
    const full = run(a, b, 8);
    expect(full.fallbacks).toBe(0);
    expect(matchesOf(a, b, full.matchA)).toBe(lcsLength(a, b));
  });
});

describe('longestIncreasing', () => {
  it('gives the indices of a longest strictly increasing subsequence, 300 seeded cases', () => {
    expect(longestIncreasing([])).toEqual([]);
    expect(longestIncreasing([5])).toEqual([0]);
    expect(longestIncreasing([4, 5, 1, 2, 3])).toEqual([2, 3, 4]);
    expect(longestIncreasing([3, 3, 3])).toHaveLength(1);
    expect(longestIncreasing([9, 8, 7])).toHaveLength(1);
    for (let seed = 1; seed <= 300; seed++) {
      const r = random(seed);
      const values = Array.from({ length: r(60) }, () => r(30));
      const best = values.map(() => 1);
      for (let i = 0; i < values.length; i++)
        for (let j = 0; j < i; j++) if (values[j]! < values[i]!) best[i] = Math.max(best[i]!, best[j]! + 1);
      const out = longestIncreasing(values);
      expect(out, `seed ${seed}`).toHaveLength(Math.max(0, ...best));
      for (let k = 1; k < out.length; k++) {
        expect(out[k]!).toBeGreaterThan(out[k - 1]!);
        expect(values[out[k]!]!).toBeGreaterThan(values[out[k - 1]!]!);
      }
    }
  });
});
