import { applyPatch, parsePatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../functions/domain/diff/index';
import { normalizeText } from '../../functions/domain/text';
import { edit, fixtureVi, fixtureViV2 } from '../support/fixtures';

const fixture = normalizeText(fixtureVi);
const labels = { oldLabel: 'old', newLabel: 'new' };
const numbered = (n: number, f: (i: number) => string = (i) => `line ${i}`) =>
  Array.from({ length: n }, (_, i) => `${f(i + 1)}\n`).join('');

describe('unifiedDiff', () => {
  it('prints the labels, then hunks with 3 lines of context', () => {
    const a = numbered(20);
    const b = a.replace('line 10\n', 'line ten\n');
    expect(unifiedDiff(a, b, labels)).toBe(
      [
        '--- old',
        '+++ new',
        '@@ -7,7 +7,7 @@',
        ' line 7',
        ' line 8',
        ' line 9',
        '-line 10',
        '+line ten',
        ' line 11',
        ' line 12',
        ' line 13',
        '',
      ].join('\n'),
    );
  });

  it('merges changes at most 2×3 lines apart into one hunk and splits farther ones (as GNU diff and git)', () => {
    const a = numbered(40);
    const hunks = (x: number, y: number) =>
      unifiedDiff(a, a.replace(`line ${x}\n`, 'x\n').replace(`line ${y}\n`, 'y\n'), labels).match(
        /^@@ .* @@$/gm,
      );
    expect(hunks(10, 16)).toEqual(['@@ -7,13 +7,13 @@']);
    expect(hunks(10, 17)).toEqual(['@@ -7,14 +7,14 @@']);
    expect(hunks(10, 18)).toEqual(['@@ -7,7 +7,7 @@', '@@ -15,7 +15,7 @@']);
  });

  it('writes empty ranges GNU-style (start = the line before) at the edges of the file', () => {
    expect(unifiedDiff('a\n', 'x\na\n', labels)).toBe('--- old\n+++ new\n@@ -1,1 +1,2 @@\n+x\n a\n');
    expect(unifiedDiff(numbered(5), numbered(8), labels)).toBe(
      '--- old\n+++ new\n@@ -3,3 +3,6 @@\n line 3\n line 4\n line 5\n+line 6\n+line 7\n+line 8\n',
    );
    expect(unifiedDiff('a\nb\n', '\n', labels)).toBe('--- old\n+++ new\n@@ -1,2 +1,1 @@\n-a\n-b\n+\n');
  });

  it('is empty for equal texts (after normalisation)', () => {
    expect(unifiedDiff(fixture, fixture, labels)).toBe('');
    expect(unifiedDiff(fixture, fixture.normalize('NFD').replace(/\n/g, '\r\n'), labels)).toBe('');
  });

  it('applies (jsdiff applyPatch) to reproduce the new text of a realistic revision', () => {
    // The example's second revision (a new section, renumbering, four edits) minus one bullet line.
    const revised = normalizeText(edit(fixtureViV2, '- địa chỉ email và số điện thoại;\n', ''));
    const patch = unifiedDiff(fixture, revised, labels);
    expect(patch.startsWith('--- old\n+++ new\n@@ -')).toBe(true);
    for (const line of patch.split('\n').slice(2, -1))
      expect(line).toMatch(/^(@@ -\d+,\d+ \+\d+,\d+ @@|[ +-].*)$/);
    expect(parsePatch(patch)).toHaveLength(1);
    expect(applyPatch(fixture, patch)).toBe(revised);
  });

  it('applies to reproduce the new text for random line edits (property)', () => {
    const line = fc.constantFrom('', 'a', 'b', 'c', '1. Điều khoản', ' 1. mục', 'Thông tin cá nhân.');
    const doc = fc.array(line, { maxLength: 50 }).map((ls) => normalizeText(ls.join('\n')));
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        const patch = unifiedDiff(a, b, labels);
        if (a === b) expect(patch).toBe('');
        else expect(applyPatch(a, patch)).toBe(b);
      }),
      { numRuns: 300 },
    );
  });

  it('applies to reproduce a 10,000-line full rewrite', () => {
    const a = numbered(10_000, (i) => `Dòng cũ ${i}`);
    const b = numbered(10_000, (i) => `Dòng mới ${i}`);
    const patch = unifiedDiff(a, b, labels);
    expect(patch.slice(0, 40)).toBe('--- old\n+++ new\n@@ -1,10000 +1,10000 @@\n');
    expect(applyPatch(a, patch)).toBe(b);
  });
});
