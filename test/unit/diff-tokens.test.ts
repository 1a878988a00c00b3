/**
 * The word-level helpers of the diff (functions/domain/diff/tokens.ts) with exact expectations: the
 * Jaccard index of word sets, its bitmap estimate, and the class of a single position.
 */
import { describe, expect, it } from 'vitest';
import { SpanInterner } from '../../functions/domain/diff/lines';
import {
  estimateSimilarity,
  isSpaceAt,
  isWordUnit,
  jaccard,
  tokenize,
  tokenizeInterned,
  WordFingerprint,
  wordSimilarity,
} from '../../functions/domain/diff/tokens';

const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `w${i + from}`).join(' ');

describe('jaccard', () => {
  it.each([
    [[1, 2, 3], [2, 3, 4], 0.5],
    [[1, 5, 9], [1, 5, 9], 1],
    [[1, 2], [3, 4], 0],
    [[1], [], 0],
    [[], [], 1],
    [[-5, 0, 7], [-5, 7, 8, 9], 0.4],
  ])('%j and %j → %d', (a, b, expected) => {
    expect(jaccard(Int32Array.from(a), Int32Array.from(b))).toBe(expected);
  });
});

describe('WordFingerprint', () => {
  it('compares the sets of words only: no spaces, punctuation, repeats or part boundaries', () => {
    const abc = new WordFingerprint('a b c');
    expect(abc.similarity(new WordFingerprint('b c d'))).toBe(0.5);
    expect(abc.similarity(new WordFingerprint('a, b! (c)'))).toBe(1);
    expect(abc.similarity(new WordFingerprint('a a b c c'))).toBe(1);
    expect(abc.similarity(new WordFingerprint('a b', 'c'))).toBe(1);
    expect(abc.similarity(new WordFingerprint('ab c'))).toBe(0.25);
    expect(new WordFingerprint(' a').similarity(new WordFingerprint('a'))).toBe(1);
    expect(new WordFingerprint('. a').set).toHaveLength(1);
    expect(new WordFingerprint('').similarity(new WordFingerprint(' , '))).toBe(1);
    expect(abc.set).toHaveLength(3);
    expect(new WordFingerprint('x y', 'y z').set).toHaveLength(3);
  });

  it('estimates the same index from its bitmap by linear counting', () => {
    const abc = new WordFingerprint('a b c');
    expect(abc.setBits).toBe(3);
    expect(abc.cardinality).toBeCloseTo(-1024 * Math.log(1021 / 1024), 10);
    expect(abc.estimate(new WordFingerprint('b c d'))).toBeCloseTo(0.4993, 4);
    expect(abc.estimate(new WordFingerprint('c b a'))).toBe(1);
    expect(new WordFingerprint('').estimate(new WordFingerprint('.'))).toBe(1);
    expect(abc.estimate(new WordFingerprint('x y z'))).toBe(0);
    // 300 words each, 150 shared: exactly 1/3; the estimate is within a few hundredths.
    const first = new WordFingerprint(words(300));
    const second = new WordFingerprint(words(300, 150));
    expect(first.similarity(second)).toBeCloseTo(1 / 3, 10);
    expect(first.estimate(second)).toBeCloseTo(0.3073, 4);
  });

  it('gives no estimate (NaN) once the bitmaps are too full to tell', () => {
    expect(wordSimilarity(words(2000), words(2000))).toBe(1);
    expect(wordSimilarity(words(4000), words(4000))).toBeNaN();
    expect(new WordFingerprint(words(4000)).estimate(new WordFingerprint('a'))).toBeNaN();
  });

  it('estimates two bitmaps the same way', () => {
    expect(wordSimilarity('a b c', 'b c d')).toBeCloseTo(0.4993, 4);
    expect(wordSimilarity('', '')).toBe(1);
    const a = new Uint32Array(32);
    const b = new Uint32Array(32);
    expect(estimateSimilarity(a, b)).toBe(1);
    a[0] = 0b1011;
    b[0] = 0b0011;
    b[31] = 1 << 31;
    expect(estimateSimilarity(a, b)).toBeCloseTo(
      (-1024 * Math.log(1021 / 1024) + -1024 * Math.log(1021 / 1024) - -1024 * Math.log(1020 / 1024)) /
        (-1024 * Math.log(1020 / 1024)),
      10,
    );
  });
});

describe('tokenize', () => {
  it('reads a surrogate pair as one code point of its class, a lone surrogate as a symbol', () => {
    expect(tokenize('a\u{10000}b')).toEqual(['a\u{10000}b']); // U+10000 is a letter
    expect(tokenize('x\u{1d400}y \u{1f600}')).toEqual(['x\u{1d400}y', ' ', '\u{1f600}']);
    expect(tokenize('\u{10fc00}\u{10ffff}\u{1f7ff}')).toEqual(['\u{10fc00}', '\u{10ffff}', '\u{1f7ff}']);
    expect(tokenize('a\ud800b\udc00')).toEqual(['a', '\ud800', 'b', '\udc00']);
    expect(tokenize('a\ud800')).toEqual(['a', '\ud800']);
  });

  it('keeps a number with inner separators whole only between two digits', () => {
    expect(tokenize('31/12/2026 19.99 09:59')).toEqual(['31/12/2026', ' ', '19.99', ' ', '09:59']);
    expect(tokenize('v.2 a-1 2.')).toEqual(['v', '.', '2', ' ', 'a', '-', '1', ' ', '2', '.']);
  });

  it('keeps an e-mail address whole, whatever joins its local part', () => {
    expect(tokenize('first_last@x.test a+tag@x.test a.b-c@x.test')).toEqual([
      'first_last@x.test',
      ' ',
      'a+tag@x.test',
      ' ',
      'a.b-c@x.test',
    ]);
  });
});

describe('single positions', () => {
  it('tells spaces and word units apart, surrogate pairs included', () => {
    expect([0, 1, 2].map((i) => isSpaceAt('a b', i))).toEqual([false, true, false]);
    expect(isSpaceAt('\u3000', 0)).toBe(true);
    expect(isSpaceAt('\n', 0)).toBe(true);
    expect(isSpaceAt('.', 0)).toBe(false);
    expect([0, 1, 2].map((i) => isWordUnit('a1.', i))).toEqual([true, true, false]);
    expect(isWordUnit('ab', 2)).toBe(false);
    expect(isWordUnit('a\u{1d400}', 1)).toBe(true);
    expect(isWordUnit('a\u{1f600}', 1)).toBe(false);
    expect(isWordUnit('\ud800', 0)).toBe(false);
  });
});

describe('tokenizeInterned', () => {
  it('gives the tokens of tokenize as ids, equal tokens equal ids, and a bit per distinct word', () => {
    const text = 'Điều 3: dữ liệu, dữ liệu. (a)';
    const interner = new SpanInterner(64);
    const bits = new Uint32Array(32);
    const { starts, ids } = tokenizeInterned(text, interner, bits);
    const tokens = tokenize(text);
    expect(Array.from(starts)).toEqual([
      ...tokens.map((_, k) => tokens.slice(0, k).join('').length),
      text.length,
    ]);
    expect(ids).toHaveLength(tokens.length);
    for (let x = 0; x < tokens.length; x++)
      for (let y = 0; y < tokens.length; y++) expect(ids[x] === ids[y]).toBe(tokens[x] === tokens[y]);
    const set = bits.reduce((n, w) => n + w.toString(2).replaceAll('0', '').length, 0);
    expect(set).toBe(new WordFingerprint(text).setBits);
    // Điều, 3, dữ, liệu, a: words only (the six distinct spaces and signs set no bit).
    expect(set).toBe(5);
  });
});
