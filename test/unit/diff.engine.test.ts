import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOTAL_WORK, WorkBudget } from '../../functions/domain/diff/budget';
import { type DiffOp, diffText, ensureNormalized, tokenize } from '../../functions/domain/diff/index';
import { diffLines, type LineDiff, lineSlice } from '../../functions/domain/diff/lines';
import { diffSequences } from '../../functions/domain/diff/sequence';
import { WordFingerprint } from '../../functions/domain/diff/tokens';
import { LINE_PAIR_WORK, REGION_CHAR_LIMIT } from '../../functions/domain/diff/words';
import { normalizeText } from '../../functions/domain/text';
import { newOf, oldOf } from '../support/diff-ops';

/** Ops are merged: no empty op, no two neighbours of the same kind, no insert directly before a delete. */
function expectMerged(ops: DiffOp[]) {
  for (let k = 0; k < ops.length; k++) {
    expect(ops[k]!.text).not.toBe('');
    if (k > 0) {
      expect(ops[k]!.op).not.toBe(ops[k - 1]!.op);
      expect(`${ops[k - 1]!.op}>${ops[k]!.op}`).not.toBe('insert>delete');
    }
  }
}

/** Rebuilds both texts from a line diff and checks that equal runs really are equal. */
function expectLineDiffReconstructs(d: LineDiff, oldText: string, newText: string) {
  let oldOut = '';
  let newOut = '';
  let a = 0;
  let b = 0;
  for (const run of d.runs) {
    if (run.op !== 'insert') {
      expect(run.a).toBe(a);
      oldOut += lineSlice(d.oldText, d.oldStarts, run.a, run.count);
      a += run.count;
    }
    if (run.op !== 'delete') {
      expect(run.b).toBe(b);
      newOut += lineSlice(d.newText, d.newStarts, run.b, run.count);
      b += run.count;
    }
    if (run.op === 'equal') {
      expect(lineSlice(d.oldText, d.oldStarts, run.a, run.count)).toBe(
        lineSlice(d.newText, d.newStarts, run.b, run.count),
      );
    }
  }
  expect(oldOut).toBe(oldText);
  expect(newOut).toBe(newText);
}

// Small alphabets make equal tokens and lines frequent, which is where diff engines go wrong.
const syllable = fc.constantFrom('Thông', 'tin', 'khách', 'hàng', 'của', 'TAGGER', 'được', 'a', 'b');
const piece = fc.oneof(
  syllable,
  fc.constantFrom(' ', '  ', '\n', '\n\n', ' 1. ', ',', '.', '“', '”', '(', ')', '😀', '\u0301', 'e\u0301'),
);
const textArb = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(''));
const lineArb = fc.constantFrom('', 'alpha', 'beta', 'gamma', 'delta', ' 1. item', '1. Heading', 'Điều 3');
const linesTextArb = fc.array(lineArb, { maxLength: 60 }).map((ls) => ls.map((l) => `${l}\n`).join(''));

describe('tokenize', () => {
  it('splits letters/digits runs, whitespace runs and single punctuation, Unicode-aware', () => {
    expect(tokenize('Điều 3. Mục đích:  (v.v.)\n 1. x😀y')).toEqual([
      'Điều',
      ' ',
      '3',
      '.',
      ' ',
      'Mục',
      ' ',
      'đích',
      ':',
      '  ',
      '(',
      'v',
      '.',
      'v',
      '.',
      ')',
      '\n ',
      '1',
      '.',
      ' ',
      'x',
      '😀',
      'y',
    ]);
  });

  it('keeps a decomposed syllable (base letter + combining marks) in one token', () => {
    expect(tokenize('Thông tin'.normalize('NFD'))).toEqual(['Thông'.normalize('NFD'), ' ', 'tin']);
  });

  it('concatenates back to the input, whatever the code points (property)', () => {
    const codePoint = fc.oneof(
      fc.integer({ min: 0, max: 0x2fff }), // Latin, Vietnamese, combining marks, punctuation, spaces
      fc.integer({ min: 0x1f300, max: 0x1faff }), // emoji (surrogate pairs)
      fc.integer({ min: 0xd800, max: 0xdfff }), // lone surrogates
    );
    const anyText = fc
      .array(codePoint, { maxLength: 60 })
      .map((cps) => cps.map((cp) => String.fromCodePoint(cp)).join(''));
    fc.assert(
      fc.property(anyText, (s) => tokenize(s).join('') === s),
      { numRuns: 500 },
    );
  });
});

describe('diffText (word level)', () => {
  it('reports a one-word edit as a delete + insert of exactly that word', () => {
    const ops = diffText(
      'TAGGER sẽ thông báo với khách hàng.\n',
      'TAGGER sẽ gửi thông báo với khách hàng.\n',
    );
    expect(ops).toEqual([
      { op: 'equal', text: 'TAGGER sẽ ' },
      { op: 'insert', text: 'gửi ' },
      { op: 'equal', text: 'thông báo với khách hàng.\n' },
    ]);
    expect(diffText('truy cập trái phép vào\n', 'truy cập bất hợp pháp vào\n')).toEqual([
      { op: 'equal', text: 'truy cập ' },
      { op: 'delete', text: 'trái phép' },
      { op: 'insert', text: 'bất hợp pháp' },
      { op: 'equal', text: ' vào\n' },
    ]);
  });

  it('reports a rewritten sentence as one replacement rather than a salad of common words', () => {
    const ops = diffText(
      'Intro.\nKhách hàng có thể cài đặt trình duyệt của mình.\nOutro.\n',
      'Intro.\nChúng tôi lưu trữ dữ liệu của bạn ở Việt Nam.\nOutro.\n',
    );
    expect(ops.map((o) => o.op)).toEqual(['equal', 'delete', 'insert', 'equal']);
  });

  it('equal+delete rebuilds the old text and equal+insert the new one, ops merged (property)', () => {
    fc.assert(
      fc.property(textArb, textArb, (a, b) => {
        const ops = diffText(a, b);
        expect(oldOf(ops)).toBe(a);
        expect(newOf(ops)).toBe(b);
        expectMerged(ops);
      }),
      { numRuns: 500 },
    );
  });

  it('still rebuilds both texts when every work bound is hit (honest fallback, property)', () => {
    fc.assert(
      fc.property(textArb, textArb, fc.integer({ min: 0, max: 200 }), (a, b, work) => {
        const ops = diffText(a, b, new WorkBudget(work));
        expect(oldOf(ops)).toBe(a);
        expect(newOf(ops)).toBe(b);
        expectMerged(ops);
      }),
      { numRuns: 300 },
    );
  });

  it('a text against itself is a single equal op', () => {
    fc.assert(
      fc.property(textArb, (a) => {
        expect(diffText(a, a)).toEqual(a === '' ? [] : [{ op: 'equal', text: a }]);
      }),
    );
  });
});

describe('diffText on large regions', () => {
  it('refines a large block of in-place line edits line by line, still word-level', () => {
    const lines = Array.from(
      { length: 300 },
      (_, i) => `Dòng ${i}: TAGGER xử lý thông tin cá nhân của khách hàng theo quy định.\n`,
    );
    const a = lines.join('');
    const b = a.replaceAll('TAGGER', 'Công ty TAGGER');
    expect(a.length + b.length).toBeGreaterThan(REGION_CHAR_LIMIT);
    const ops = diffText(a, b);
    expect(oldOf(ops)).toBe(a);
    expect(newOf(ops)).toBe(b);
    const changes = ops.filter((o) => o.op !== 'equal');
    expect(changes).toHaveLength(300);
    expect(new Set(changes.map((c) => `${c.op}:${c.text}`))).toEqual(new Set(['insert:Công ty ']));
  });

  it('reports a large in-place rewrite whose word sets differ as one replacement, without refining lines', () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `a${i % 7}\n`).join('');
    const b = Array.from({ length: 20_000 }, (_, i) => `b${i % 5}\n`).join('');
    const budget = new WorkBudget(TOTAL_WORK);
    expect(diffText(a, b, budget)).toEqual([
      { op: 'delete', text: a },
      { op: 'insert', text: b },
    ]);
    // Linear work only (the line diff and one word scan); refining the 20,000 line pairs would have cost
    // 20,000 × LINE_PAIR_WORK at least.
    expect(TOTAL_WORK - budget.remaining).toBeLessThan(a.length + b.length);
    expect(a.length + b.length).toBeLessThan(20_000 * LINE_PAIR_WORK);
  });

  it('refines line pairs while the work budget lasts, then reports the lines left as one replacement', () => {
    const count = 2_000;
    const a = Array.from({ length: count }, (_, i) => `Line ${i + 1} says alpha\n`).join('');
    const b = Array.from({ length: count }, (_, i) => `Line ${i + 1} says beta\n`).join('');
    // Enough budget for the line diff and about 100 line pairs.
    const budget = new WorkBudget(2 * (a.length + b.length) + 100 * (LINE_PAIR_WORK + 100));
    const ops = diffText(a, b, budget);
    expect(oldOf(ops)).toBe(a);
    expect(newOf(ops)).toBe(b);
    expect(budget.exhausted).toBe(true);
    // Word-level at the start (`alpha` → `beta` per line), one replacement of the tail.
    expect(ops.slice(0, 4)).toEqual([
      { op: 'equal', text: 'Line 1 says ' },
      { op: 'delete', text: 'alpha' },
      { op: 'insert', text: 'beta' },
      { op: 'equal', text: '\nLine 2 says ' },
    ]);
    const [del, ins] = ops.slice(-2);
    expect(del!.op).toBe('delete');
    expect(ins!.op).toBe('insert');
    expect(del!.text.endsWith(`Line ${count} says alpha\n`)).toBe(true);
    expect(ins!.text.endsWith(`Line ${count} says beta\n`)).toBe(true);
    // The first `refined` line pairs are word edits, the tail replaces exactly the lines after them.
    const refined = ops.filter((o) => o.op === 'delete' && o.text === 'alpha').length;
    expect(refined).toBeGreaterThan(50);
    // (The last refined line's `alpha` → `beta` joins the tail: only a line break separates them.)
    expect(ops.at(-3)).toEqual({ op: 'equal', text: `\nLine ${refined + 1} says ` });
    expect(del!.text.startsWith(`alpha\nLine ${refined + 2} says alpha\n`)).toBe(true);
    expect(ins!.text.startsWith(`beta\nLine ${refined + 2} says beta\n`)).toBe(true);
  });
});

describe('ensureNormalized', () => {
  it('equals normalizeText on any input, fast path or not (property)', () => {
    const piece = fc.constantFrom(
      'a',
      'Điều',
      'e\u0301',
      '\u00e9',
      ' ',
      '\t',
      '\u00a0',
      '\u2028',
      '\n',
      '\r\n',
      '\r',
      '',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), (ps) => {
        const text = ps.join('');
        expect(ensureNormalized(text)).toBe(normalizeText(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('WordFingerprint', () => {
  it('estimates the word-set Jaccard index within a few hundredths (linear counting)', () => {
    const words = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `w${from + i}`).join(' ');
    for (const [a, b] of [
      [words(0, 100), words(50, 150)], // J = 1/3
      [words(0, 200), words(50, 250)], // J = 0.6
      [words(0, 400), words(0, 400)], // J = 1
      [words(0, 300), words(300, 600)], // J = 0
    ] as const) {
      const fa = new WordFingerprint(a);
      const fb = new WordFingerprint(b);
      expect(Math.abs(fa.estimate(fb) - fa.similarity(fb))).toBeLessThan(0.05);
    }
    expect(new WordFingerprint(words(0, 100)).similarity(new WordFingerprint(words(50, 150)))).toBeCloseTo(
      1 / 3,
    );
  });
});

describe('line engine', () => {
  it('rebuilds both texts and only matches equal lines (property)', () => {
    fc.assert(
      fc.property(linesTextArb, linesTextArb, (a, b) => {
        expectLineDiffReconstructs(diffLines(a, b, new WorkBudget(1e7)), a, b);
      }),
      { numRuns: 500 },
    );
  });

  it('handles a missing final newline as a different line', () => {
    const d = diffLines('a\nb', 'a\nb\n', new WorkBudget(1e7));
    expect(d.runs.map((r) => r.op)).toEqual(['equal', 'delete', 'insert']);
    expectLineDiffReconstructs(d, 'a\nb', 'a\nb\n');
  });

  it('finds the minimal script on a classic example (Myers paper: ABCABBA → CBABAC, D = 5)', () => {
    const ids = (s: string) => Int32Array.from([...s].map((c) => c.charCodeAt(0) - 65));
    const { matchA, fallbacks } = diffSequences(ids('ABCABBA'), ids('CBABAC'), 3, new WorkBudget(1e6), 1e6);
    expect(fallbacks).toBe(0);
    expect([...matchA].filter((j) => j >= 0)).toHaveLength(4); // LCS length 4 ⇒ 3 deletions + 2 insertions
  });

  it('reports a window as replaced when its Myers work bound is hit, and stays correct', () => {
    // No unique lines to anchor on and a long edit path: the window bound (100) is far too small.
    const a = Array.from({ length: 400 }, (_, i) => `${['x', 'y', 'z'][i % 3]}\n`).join('');
    const b = Array.from({ length: 400 }, (_, i) => `${['x', 'z', 'y'][i % 3]}\n`).join('');
    const ids = (s: string) => Int32Array.from(s.split('\n').slice(0, -1), (l) => l.charCodeAt(0) - 120);
    const bounded = diffSequences(ids(a), ids(b), 3, new WorkBudget(1e9), 100);
    expect(bounded.fallbacks).toBeGreaterThan(0);
    // Only the common first and last line (trimmed before any window) stay matched.
    const matched = [...bounded.matchA].flatMap((j, i) => (j >= 0 ? [[i, j]] : []));
    expect(matched).toEqual([
      [0, 0],
      [399, 399],
    ]);
    expectLineDiffReconstructs(diffLines(a, b, new WorkBudget(1e9)), a, b);
  });

  it('finishes a 10,000-line full rewrite and rebuilds both texts', () => {
    const a = Array.from({ length: 10_000 }, (_, i) => `Dòng cũ số ${i} với nội dung riêng.\n`).join('');
    const b = Array.from({ length: 10_000 }, (_, i) => `Dòng mới số ${i}, đã viết lại hoàn toàn.\n`).join('');
    const d = diffLines(a, b, new WorkBudget(3e7));
    expectLineDiffReconstructs(d, a, b);
    expect(d.runs.map((r) => [r.op, r.count])).toEqual([
      ['delete', 10_000],
      ['insert', 10_000],
    ]);
  });

  it('finishes on 20,000 lines drawn from 3 distinct values (no anchors, heavy repetition)', () => {
    let seed = 7;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const gen = () => Array.from({ length: 20_000 }, () => `${'abc'[Math.floor(rand() * 3)]}\n`).join('');
    const a = gen();
    const b = gen();
    expectLineDiffReconstructs(diffLines(a, b, new WorkBudget(3e7)), a, b);
  });
});
