/**
 * The valid-Unicode rule at its exact code-unit boundaries (surrogate ranges, noncharacters), and the
 * suppression key's normalisation: example tests, next to the exhaustive sweeps in valid-unicode.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { invalidCharacterAt, string, VALID_UNICODE_MESSAGE } from '../../functions/domain/schema';
import { addressHash, normaliseAddress } from '../../functions/domain/suppression';

describe('invalidCharacterAt boundaries', () => {
  it('accepts surrogate pairs at both ends of both ranges', () => {
    for (const pair of ['\uD800\uDC00', '\uD800\uDFFF', '\uDBFF\uDC00', '\uDBFF\uDFFF'])
      expect(invalidCharacterAt(`a${pair}b`), escape(pair)).toBe(-1);
  });

  it('finds a high surrogate not followed by a low one, at its own index', () => {
    expect(invalidCharacterAt('ab\uD800')).toBe(2);
    expect(invalidCharacterAt('ab\uDBFF')).toBe(2);
    expect(invalidCharacterAt('a\uD800\uDBFF')).toBe(1);
    expect(invalidCharacterAt('a\uDBFFx')).toBe(1);
    expect(invalidCharacterAt('a\uD800\uDBFF\uDC00')).toBe(1);
    expect(invalidCharacterAt('a\uD800\uE000')).toBe(1);
    expect(invalidCharacterAt('a\uD800\uD7FF')).toBe(1);
  });

  it('finds lone low surrogates and the two noncharacters, but not their neighbours', () => {
    expect(invalidCharacterAt('x\uDC00')).toBe(1);
    expect(invalidCharacterAt('x\uDFFF')).toBe(1);
    expect(invalidCharacterAt('x\uFFFE')).toBe(1);
    expect(invalidCharacterAt('x\uFFFF')).toBe(1);
    for (const ok of ['\uD7FF', '\uE000', '\uFFFD', '\uFDEF', '\t\n\r', ' '])
      expect(invalidCharacterAt(ok)).toBe(-1);
    expect(invalidCharacterAt('\u001F')).toBe(0);
    expect(invalidCharacterAt('ok\u0000')).toBe(2);
  });

  it('answers the rule through the string schema', () => {
    expect(string().safeParse('\uD83D\uDE00 ok').success).toBe(true);
    const bad = string().safeParse('x\uDC00');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe(VALID_UNICODE_MESSAGE);
  });
});

describe('suppression key', () => {
  it('is the SHA-256 of the trimmed, lower-cased address', () => {
    expect(normaliseAddress('  Mixed.Case@Example.COM ')).toBe('mixed.case@example.com');
    expect(addressHash('Mixed.Case@Example.COM')).toBe(addressHash('mixed.case@example.com'));
    expect(addressHash(' Mixed.Case@Example.COM')).toBe(
      '7a126a993c9ece5663288f1e48a453a6b4b12656af38d84103cb6beb8a5862b9',
    );
    // Non-ASCII addresses hash their UTF-8 bytes (lower-cased: ä, not Ä).
    expect(addressHash('ÄNNE@example.com')).toBe(
      '59197d0858e80d1f60568ced9e93053e6d7ee439fef0db531d5e6aa00e65cfbc',
    );
  });
});
