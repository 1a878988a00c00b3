/**
 * Small rules of functions/domain/text.ts written out by hand: the normal form on texts one step from
 * it, the whitespace table at every edge of its ranges, canonical JSON's key order at every depth, and
 * trailing-slash trimming.
 */
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  isWhitespace,
  normalizeText,
  withoutTrailingSlashes,
} from '../../functions/domain/text';

describe('normalizeText', () => {
  it('gives a text in normal form back as it is, and mends each way a text can miss it', () => {
    for (const normal of ['\n', 'a\n', 'a\n\n\nb\n', ' a\n', '\n\na\n', 'Chính sách\n']) {
      expect(normalizeText(normal)).toBe(normal);
    }
    const mended: Array<[string, string]> = [
      ['', '\n'],
      ['a', 'a\n'],
      ['a\n\n', 'a\n'],
      ['\n\n', '\n'],
      ['a\n\n\n', 'a\n'],
      ['a \n', 'a\n'],
      ['a\u3000\nb\n', 'a\nb\n'],
      ['a\nb\t\n', 'a\nb\n'],
      ['a\r\nb\n', 'a\nb\n'],
      ['a\rb\n', 'a\nb\n'],
      ['e\u0301\n', '\u00e9\n'],
    ];
    for (const [raw, normal] of mended)
      expect({ raw, out: normalizeText(raw) }).toEqual({ raw, out: normal });
  });
});

describe('isWhitespace', () => {
  it('is true for exactly the listed characters and false right next to each range', () => {
    const yes = [
      0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2005, 0x200a, 0x2028, 0x2029, 0x202f,
      0x205f, 0x3000, 0xfeff,
    ];
    const no = [
      0x00, 0x08, 0x0e, 0x1f, 0x21, 0x7f, 0x85, 0x9f, 0xa1, 0x167f, 0x1681, 0x1fff, 0x200b, 0x2027, 0x202a,
      0x202e, 0x2030, 0x205e, 0x2060, 0x2fff, 0x3001, 0xfefe, 0xff00,
    ];
    expect(yes.filter((c) => !isWhitespace(c)).map((c) => c.toString(16))).toEqual([]);
    expect(no.filter((c) => isWhitespace(c)).map((c) => c.toString(16))).toEqual([]);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }, 3, 1], c: null }, A: 'x' })).toBe(
      '{"A":"x","a":{"c":null,"d":[{"y":2,"z":1},3,1]},"b":1}',
    );
    expect(canonicalJson({ ab: 1, a: 2, b: 3 })).toBe('{"a":2,"ab":1,"b":3}');
    expect(canonicalJson([{ b: 1, a: 2 }])).toBe('[{"a":2,"b":1}]');
    // Many keys in an order far from sorted.
    const keys = ['m', 'c', 'x', 'a', 'q', 'f', 'z', 'b', 'k', 'e', 'y', 'd', 'p', 'g'];
    const sorted = [...keys].sort();
    expect(canonicalJson(Object.fromEntries(keys.map((k) => [k, k])))).toBe(
      `{${sorted.map((k) => `"${k}":"${k}"`).join(',')}}`,
    );
  });
});

describe('withoutTrailingSlashes', () => {
  it('drops every trailing slash and nothing else', () => {
    expect(withoutTrailingSlashes('https://x.example/a//')).toBe('https://x.example/a');
    expect(withoutTrailingSlashes('///')).toBe('');
    expect(withoutTrailingSlashes('/a')).toBe('/a');
  });
});
