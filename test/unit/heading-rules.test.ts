/**
 * The heading rules one by one (functions/domain/document/rules.ts), each with hand-written expectations:
 * numbering families, ordinals, the shape of a title, anchors and the titles compared between versions.
 */
import { describe, expect, it } from 'vitest';
import {
  cleanTitle,
  headingId,
  looksLikeTitleLine,
  MAX_HEADING_LENGTH,
  matchHeading,
  normalizeTitle,
  ordinal,
  slug,
} from '../../functions/domain/document/rules';

/** [family, key, title] of a line, or null. */
const heading = (line: string, strict = false) => {
  const m = matchHeading(line, strict);
  return m === null ? null : [m.family.name, m.key, m.title];
};

describe('ordinal', () => {
  it.each([
    ['3', 3],
    ['12', 12],
    ['IV', 4],
    ['IX', 9],
    ['XIV', 14],
    ['MCMXC', 1990],
    ['II', 2],
    ['VI', 6],
    ['XX', 20],
    ['iv', 4],
    ['xl', 40],
    ['a', 1],
    ['c', 3],
    ['C', 3],
    ['I', 9],
    ['Z', 26],
    ['3.2', 0],
    ['12a', 0],
    ['a1', 0],
    ['ab', 0],
    ['', 0],
  ])('%s → %d', (number, expected) => {
    expect(ordinal(number)).toBe(expected);
  });
});

describe('cleanTitle', () => {
  it.each([
    ['  Definitions  ', 'Definitions'],
    ['Definitions:', 'Definitions'],
    ['Định nghĩa ：', 'Định nghĩa'],
    ['Scope : :\t', 'Scope'],
    ['A:B', 'A:B'],
    [': leading kept', ': leading kept'],
    [':::', ''],
    ['', ''],
  ])('%j → %j', (text, expected) => {
    expect(cleanTitle(text)).toBe(expected);
  });
});

describe('matchHeading', () => {
  it('reads every numbering family, most specific first', () => {
    expect(heading('Điều 4. Quyền của bạn')).toEqual(['keyword', '4', 'Quyền của bạn']);
    expect(heading('Chapter 2 - Overview')).toEqual(['keyword', '2', 'Overview']);
    expect(heading('Section IV Data')).toEqual(['keyword', 'IV', 'Data']);
    expect(heading('Section 3a Data')).toEqual(['keyword', '3a', 'Data']);
    expect(heading('Section 3')).toEqual(['keyword', '3', 'Section 3']);
    expect(heading('§ 5 Datenschutz')).toEqual(['section-sign', '5', 'Datenschutz']);
    expect(heading('§12a: Haftung')).toEqual(['section-sign', '12a', 'Haftung']);
    expect(heading('1.1 Scope')).toEqual(['dotted', '1.1', 'Scope']);
    expect(heading('2.3.1. Cookies')).toEqual(['dotted', '2.3.1', 'Cookies']);
    expect(heading('1. Title')).toEqual(['arabic', '1', 'Title']);
    expect(heading('1\\. Escaped')).toEqual(['arabic', '1', 'Escaped']);
    expect(heading('3) Sharing')).toEqual(['arabic-paren', '3', 'Sharing']);
    expect(heading('IV. Rights')).toEqual(['roman', 'IV', 'Rights']);
    expect(heading('B) Cookies')).toEqual(['letter', 'B', 'Cookies']);
    expect(heading('B\\. Cookies')).toEqual(['letter', 'B', 'Cookies']);
    expect(heading('(a) first item')).toEqual(['parenthesised', 'a', 'first item']);
    expect(heading('(iv) fourth')).toEqual(['parenthesised', 'iv', 'fourth']);
    expect(heading('  2. Definitions:  ')).toEqual(['arabic', '2', 'Definitions']);
  });

  it('refuses lines that are not headings', () => {
    for (const line of [
      '',
      '   ',
      'Hello world. 1',
      'We collect data.',
      'Section mix of things',
      '1.1.',
      '1.',
      '1. :',
      '3)',
      '(a)',
      'IV.',
      'b) lower-case letter',
      'word (a) later',
    ])
      expect(heading(line), line).toBeNull();
  });

  it('takes lines up to MAX_HEADING_LENGTH characters, not longer', () => {
    const at = `1. ${'x'.repeat(MAX_HEADING_LENGTH - 3)}`;
    expect(at).toHaveLength(MAX_HEADING_LENGTH);
    expect(heading(at)).toEqual(['arabic', '1', 'x'.repeat(MAX_HEADING_LENGTH - 3)]);
    expect(heading(`${at}x`)).toBeNull();
    // Surrounding spaces do not count.
    expect(heading(`  ${at}  `)).not.toBeNull();
  });

  it('in strict mode (plain text) also asks for the shape of a title', () => {
    const cases: [string, boolean][] = [
      ['1. we collect data;', false],
      ['1. the data we collect,', false],
      ['1. Rights; Duties', true],
      ['1. One two three four five six seven eight.', true],
      ['1. One two three four five six seven eight nine.', false],
      ['1. 2024', false],
      ['1. This is a long sentence that ends with a period here.', false],
      ['1. A short sentence ends here.', true],
      ['1. Cookies', true],
      ['Điều 4', true],
    ];
    for (const [line, isHeading] of cases) {
      expect(heading(line, true) !== null, line).toBe(isHeading);
      expect(heading(line, false), line).not.toBeNull();
    }
  });
});

describe('looksLikeTitleLine', () => {
  it.each([
    ['DEFINITIONS', true],
    ['QUY ĐỊNH CHUNG', true],
    ['Your Rights', true],
    ['How We Use Cookies', true],
    ['  Your Rights  ', true],
    ['"Quoted Title Here"', true],
    ['the 2024 Update', true],
    ['One Two Three Four Five Six Seven Eight', true],
    ['How we use cookies', false],
    ['"quoted Title Here"', false],
    ['One Two Three Four Five Six Seven Eight Nine', false],
    ['Rights', false],
    ['Your Rights.', false],
    ['Your Rights.  ', false],
    ['隐私政策说明', false],
    ['Your Rights;', false],
    ['Your Rights,', false],
    ['Your Rights!', false],
    ['Your Rights?', false],
    ['Ab', false],
    ['AB', false],
    ['A1 B2', false],
    ['12 34 56', false],
    [`${'Word '.repeat(16)}`.trim(), false],
  ])('%j → %s', (line, expected) => {
    expect(looksLikeTitleLine(line)).toBe(expected);
  });

  it('counts the length of the trimmed line: 3 to 80 characters', () => {
    expect(looksLikeTitleLine('ABC')).toBe(true);
    expect(looksLikeTitleLine(`${'A'.repeat(80)}`)).toBe(true);
    expect(looksLikeTitleLine(`${'A'.repeat(81)}`)).toBe(false);
  });
});

describe('anchors and compared titles', () => {
  it.each([
    ['Mục đích sử dụng', 'mục-đích-sử-dụng'],
    ['  --Hello,  World!-- ', 'hello-world'],
    ['3.2 Data', '3-2-data'],
    ['Cafe\u0301 menu', 'cafe\u0301-menu'],
    ['***', 'section'],
    ['', 'section'],
  ])('slug(%j) = %j', (text, expected) => {
    expect(slug(text)).toBe(expected);
  });

  it.each([
    ['Your  Rights: (EU)', 'your rights eu'],
    ['Mục đích', 'mục đích'],
    ['4.1 — Data', '4 1 data'],
    ['Cafe\u0301', 'cafe\u0301'],
    ['  ...  ', ''],
  ])('normalizeTitle(%j) = %j', (title, expected) => {
    expect(normalizeTitle(title)).toBe(expected);
  });

  it.each([
    ['4.1', 's-4.1'],
    ['a_b-c', 's-a_b-c'],
    ['a b#c', 's-a-b-c'],
    ['mục-đích', 's-mục-đích'],
    ['x  y', 's-x-y'],
    ['', 's-'],
  ])('headingId(%j) = %j', (key, expected) => {
    expect(headingId(key)).toBe(expected);
  });
});
