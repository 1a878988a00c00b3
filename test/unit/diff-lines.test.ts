/**
 * Line tables and line ids of the diff (functions/domain/diff/lines.ts), with exact expectations: line
 * starts, span interning (hash collisions forced), local renumbering and the runs of a matching.
 */
import { describe, expect, it } from 'vitest';
import { WorkBudget } from '../../functions/domain/diff/budget';
import {
  diffLines,
  internLines,
  lineSlice,
  lineStarts,
  localIds,
  relativeStarts,
  runsFromMatches,
  SpanInterner,
  scanLines,
  spanHashes,
} from '../../functions/domain/diff/lines';

describe('scanLines', () => {
  it('gives each line start and the text length, and whether a line ends in white space', () => {
    expect(Array.from(lineStarts('a\nbb\n\nc'))).toEqual([0, 2, 5, 6, 7]);
    expect(Array.from(lineStarts('a\n'))).toEqual([0, 2]);
    expect(Array.from(lineStarts('x'))).toEqual([0, 1]);
    expect(Array.from(lineStarts(''))).toEqual([0]);
    expect(scanLines('a \nb').trailingSpace).toBe(true);
    expect(scanLines('a\t\nb').trailingSpace).toBe(true);
    expect(scanLines('a\u3000\nb').trailingSpace).toBe(true);
    expect(scanLines('a\n \nb').trailingSpace).toBe(true);
    expect(scanLines('a\nb ').trailingSpace).toBe(false);
    expect(scanLines('\n\nab\n').trailingSpace).toBe(false);
  });

  it('grows its table for any number of lines', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${i}\n`).join('');
    const starts = lineStarts(text);
    expect(starts).toHaveLength(3001);
    let at = 0;
    for (let k = 0; k < 3000; k++) {
      expect(starts[k]).toBe(at);
      at += `${k}\n`.length;
    }
    expect(starts[3000]).toBe(text.length);
  });

  it('slices lines with their terminators', () => {
    const text = 'a\nbb\n\nc';
    const starts = lineStarts(text);
    expect(lineSlice(text, starts, 1, 2)).toBe('bb\n\n');
    expect(lineSlice(text, starts, 3, 1)).toBe('c');
    expect(lineSlice(text, starts, 0, 0)).toBe('');
    expect(Array.from(relativeStarts(starts, 1, 3))).toEqual([0, 3, 4]);
  });
});

describe('SpanInterner', () => {
  const spans = ['a', 'b', 'a', 'ab', 'ba', '', 'x'.repeat(30), `${'x'.repeat(29)}y`, 'x'.repeat(30), 'b'];
  const text = spans.join('');
  const starts = new Int32Array(spans.length + 1);
  spans.forEach((s, k) => {
    starts[k + 1] = starts[k]! + s.length;
  });
  const expected = [0, 1, 0, 2, 3, 4, 5, 6, 5, 1];

  it('gives equal spans equal ids and different spans different ids, in order of first sight', () => {
    expect(Array.from(new SpanInterner(spans.length).intern(text, starts))).toEqual(expected);
  });

  it('stays exact when every hash collides', () => {
    // (The capacity is the number of spans to come, as the interner asks.)
    const interner = new SpanInterner(spans.length);
    expect(Array.from(interner.intern(text, starts, new Int32Array(spans.length)))).toEqual(expected);
    expect(interner.size).toBe(7);
  });

  it('shares ids across texts and forgets them on reset', () => {
    const interner = new SpanInterner(4);
    const one = interner.intern('a\nb\n', lineStarts('a\nb\n'));
    const two = interner.intern('b\nc\n', lineStarts('b\nc\n'));
    expect([Array.from(one), Array.from(two), interner.size]).toEqual([[0, 1], [1, 2], 3]);
    interner.reset(100);
    expect(interner.size).toBe(0);
    expect(Array.from(interner.intern('c\na\n', lineStarts('c\na\n')))).toEqual([0, 1]);
  });

  it('hashes a span by its characters only, FNV-1a over pairs of units', () => {
    const reference = (s: string) => {
      let h = 0x811c9dc5 | 0;
      let i = 0;
      for (; i + 1 < s.length; i += 2)
        h = Math.imul(h ^ (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)), 0x01000193);
      if (i < s.length) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
      return h;
    };
    expect(Array.from(spanHashes(text, starts))).toEqual(spans.map(reference));
    const [ab, ba] = spanHashes('abba', Int32Array.from([0, 2, 4]));
    expect(ab).not.toBe(ba);
  });
});

describe('line ids and runs', () => {
  it('numbers both texts from one table', () => {
    const lines = internLines('a\nb\na\n', 'b\nc\n');
    expect([Array.from(lines.a), Array.from(lines.b), lines.idCount]).toEqual([[0, 1, 0], [1, 2], 3]);
  });

  it('renumbers a range of global ids densely and leaves the remap table as it found it', () => {
    const remap = new Int32Array(8).fill(-1);
    const { a, b, idCount } = localIds(Int32Array.from([5, 3, 5]), Int32Array.from([3, 7]), remap);
    expect([Array.from(a), Array.from(b), idCount]).toEqual([[0, 1, 0], [1, 2], 3]);
    expect(Array.from(remap)).toEqual(new Array(8).fill(-1));
  });

  it('turns a matching into runs, deletions before insertions', () => {
    expect(runsFromMatches(5, 5, Int32Array.from([-1, 0, 1, -1, 3]))).toEqual([
      { op: 'delete', a: 0, b: 0, count: 1 },
      { op: 'equal', a: 1, b: 0, count: 2 },
      { op: 'delete', a: 3, b: 2, count: 1 },
      { op: 'insert', a: 4, b: 2, count: 1 },
      { op: 'equal', a: 4, b: 3, count: 1 },
      { op: 'insert', a: 5, b: 4, count: 1 },
    ]);
    expect(runsFromMatches(2, 0, Int32Array.from([-1, -1]))).toEqual([
      { op: 'delete', a: 0, b: 0, count: 2 },
    ]);
    expect(runsFromMatches(0, 2, new Int32Array(0))).toEqual([{ op: 'insert', a: 0, b: 0, count: 2 }]);
    expect(runsFromMatches(2, 3, Int32Array.from([0, 2]))).toEqual([
      { op: 'equal', a: 0, b: 0, count: 1 },
      { op: 'insert', a: 1, b: 1, count: 1 },
      { op: 'equal', a: 1, b: 2, count: 1 },
    ]);
  });

  it('gives runs that rebuild both texts', () => {
    const oldText = 'title\nkeep 1\nold 2\nkeep 3\nkeep 4\nold 5\n';
    const newText = 'title\nkeep 1\nkeep 3\nnew 3b\nkeep 4\nnew 5\nnew 6\n';
    const d = diffLines(oldText, newText, new WorkBudget(1e6));
    const lines = (text: string, starts: Int32Array, from: number, count: number) =>
      lineSlice(text, starts, from, count);
    const rebuiltOld = d.runs
      .filter((r) => r.op !== 'insert')
      .map((r) => lines(oldText, d.oldStarts, r.a, r.count))
      .join('');
    const rebuiltNew = d.runs
      .filter((r) => r.op !== 'delete')
      .map((r) => lines(newText, d.newStarts, r.b, r.count))
      .join('');
    expect([rebuiltOld, rebuiltNew]).toEqual([oldText, newText]);
    expect(d.runs.map((r) => `${r.op}${r.count}`)).toEqual([
      'equal2',
      'delete1',
      'equal1',
      'insert1',
      'equal1',
      'delete1',
      'insert2',
    ]);
  });
});
