/** Issue 11's input rule, as one function: what every string field of every route rejects. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invalidCharacterAt } from '../../functions/domain/schema';
import { withoutXmlIllegal } from '../../functions/views/pages';

/** XML 1.0's Char production: exactly the text the rule accepts. */
const XML_CHARS = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

describe('invalidCharacterAt (issue 11: valid Unicode only)', () => {
  it('finds lone surrogates, U+FFFE/U+FFFF and C0 controls other than tab, LF and CR', () => {
    expect(invalidCharacterAt('Ann\ud800')).toBe(3);
    expect(invalidCharacterAt('\udc00')).toBe(0);
    expect(invalidCharacterAt('ab\ud83d')).toBe(2);
    expect(invalidCharacterAt('a\ufffe')).toBe(1);
    expect(invalidCharacterAt('a\uffff')).toBe(1);
    expect(invalidCharacterAt('\u0000')).toBe(0);
    expect(invalidCharacterAt('x\u001f')).toBe(1);
    expect(invalidCharacterAt('tab\tLF\nCR\r 😀 e\u0301 \u202e \u200b \u007f \ufffd')).toBe(-1);
  });

  it('accepts exactly what XML 1.0 accepts, so a stored text can always go into the feed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.string({
          unit: fc.constantFrom('\ud800', '\udfff', '\ufffe', '\uffff', '\u0001', '\t', 'a', '\ud83d\ude00'),
          maxLength: 8,
        }),
        (a, b) => {
          const text = a + b;
          expect(invalidCharacterAt(text) === -1).toBe(XML_CHARS.test(text));
          expect(XML_CHARS.test(withoutXmlIllegal(text))).toBe(true);
        },
      ),
      { numRuns: 5000, seed: 11 },
    );
  });
});
