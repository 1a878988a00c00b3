import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffPolicyTexts, unifiedDiff } from '../../functions/domain/diff';
import { type BoundedDiff, boundDiff, boundUnified, escapedCost } from '../../functions/domain/diff/bound';
import type { PolicyDiff, SectionDiff } from '../../functions/domain/diff/types';
import { escapeHtml } from '../../functions/views/html';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function manySections(count: number): PolicyDiff {
  const statuses = ['added', 'removed', 'modified', 'unchanged'] as const;
  const sections: SectionDiff[] = Array.from({ length: count }, (_, i) => {
    const status = statuses[i % 4]!;
    const text = `${i + 1}. mục ${i}\n`;
    if (status === 'unchanged') return { key: String(i + 1), title: `mục ${i}`, status };
    const op = status === 'added' ? 'insert' : status === 'removed' ? 'delete' : 'equal';
    return { key: String(i + 1), title: `mục ${i}`, status, changes: [{ op, text }] };
  });
  return { stats: { linesAdded: 1, linesRemoved: 1, sectionsChanged: count }, sections };
}

describe('escapedCost', () => {
  it('is never below the bytes JSON or HTML escaping writes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const cost = escapedCost(s);
        expect(cost).toBeGreaterThanOrEqual(bytes(JSON.stringify(s)) - 2);
        expect(cost).toBeGreaterThanOrEqual(bytes(escapeHtml(s)));
      }),
      { seed: 12, numRuns: 200 },
    );
  });
});

describe('boundDiff', () => {
  it('returns a small diff whole, marked not truncated', () => {
    const diff = diffPolicyTexts('1. Một\nhai\n', '1. Một\nba\n');
    const bounded = boundDiff(diff);
    expect(bounded.truncated).toBe(false);
    expect(bounded.sections).toEqual(diff.sections);
    expect(bounded.stats).toEqual(diff.stats);
    expect(bounded.window).toMatchObject({ offset: 0, shown: diff.sections.length, nextOffset: null });
  });

  it('shows at most maxSections, counts the rest by status and pages through every section once', () => {
    const diff = manySections(1000);
    const limits = { offset: 0, maxSections: 300, maxBytes: 10_000_000 };
    const first = boundDiff(diff, limits);
    expect(first.truncated).toBe(true);
    expect(first.sections).toHaveLength(300);
    expect(first.window).toMatchObject({ offset: 0, shown: 300, total: 1000, nextOffset: 300 });
    expect(first.window.omitted).toEqual({ added: 175, removed: 175, modified: 175, unchanged: 175 });
    const seen: SectionDiff[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page: BoundedDiff = boundDiff(diff, { ...limits, offset });
      seen.push(...page.sections);
      offset = page.window.nextOffset;
    }
    expect(seen).toEqual(diff.sections);
  });

  it('stops at the byte budget, and cuts a single section larger than it between code points', () => {
    const huge = '"😀&'.repeat(200_000);
    const diff: PolicyDiff = {
      stats: { linesAdded: 1, linesRemoved: 0, sectionsChanged: 2 },
      sections: [
        { key: '1', title: 'A', status: 'added', changes: [{ op: 'insert', text: huge }] },
        { key: '2', title: 'B', status: 'added', changes: [{ op: 'insert', text: 'b' }] },
      ],
    };
    const bounded = boundDiff(diff, { offset: 0, maxSections: 100, maxBytes: 100_000 });
    expect(bounded.truncated).toBe(true);
    expect(bounded.sections).toHaveLength(1);
    const [cut] = bounded.sections;
    expect(cut?.truncated).toBe(true);
    expect(bounded.window.cutSections).toEqual(['1']);
    expect(bounded.window.nextOffset).toBe(1);
    const text = cut?.changes?.[0]?.text ?? '';
    expect(huge.startsWith(text)).toBe(true);
    // By hand: 100,000 − 404 (section frame: 400 + 3 × title + key) − 32 (op frame) = 99,564 bytes of
    // worst-case escaping; `"😀&` costs 6 + 4 + 6 = 16 for 4 UTF-16 units: 6,222 repeats (99,552), then
    // `"` (6) and `😀` (4) fit, `&` does not.
    expect(text).toBe(`${'"😀&'.repeat(6_222)}"😀`);
    expect(bytes(JSON.stringify(bounded))).toBeLessThan(100_000);
    expect(bytes(escapeHtml(text))).toBeLessThan(100_000);
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text); // no half surrogate pair
  });

  it('counts what the caller renders besides the changes (the redline shows unchanged text)', () => {
    const diff = manySections(40);
    const plain = boundDiff(diff, { offset: 0, maxSections: 100, maxBytes: 50_000 });
    const withText = boundDiff(diff, { offset: 0, maxSections: 100, maxBytes: 50_000 }, (s) =>
      s.status === 'unchanged' ? 10_000 : 0,
    );
    expect(plain.truncated).toBe(false);
    expect(withText.truncated).toBe(true);
    // By hand: sections cost 400 (frame) + 3 × title + key (+ 32 + text for their op); each unchanged
    // one (every fourth) 10,000 more: four groups of four take ~47,300 bytes, three more changed ones
    // fit (~48,700), the next unchanged one does not.
    expect(withText.sections).toHaveLength(19);
    expect(withText.window.nextOffset).toBe(19);
  });
});

describe('boundUnified', () => {
  const old = Array.from({ length: 20_000 }, (_, i) => `dòng ${i}\n`).join('');
  const changed = Array.from({ length: 20_000 }, (_, i) => (i % 20 ? `dòng ${i}\n` : `hàng ${i}\n`)).join('');
  const full = unifiedDiff(old, changed, { oldLabel: 'a', newLabel: 'b' });

  it('leaves a patch within the limit as it is', () => {
    expect(boundUnified(full, bytes(full))).toEqual({ text: full, truncated: false });
  });

  it('rewrites the last hunk header kept to the lines kept, on a small patch cut at each line', () => {
    const patch = [
      '--- a',
      '+++ b',
      '@@ -1,3 +1,3 @@',
      ' a',
      '-b',
      '+B',
      ' c',
      '@@ -10,2 +10,3 @@',
      ' x',
      '+y',
      ' z',
      '@@ -20,1 +21,3 @@',
      '-p',
      '+q',
      '+r',
      '+s',
      '',
    ].join('\n');
    const headers = (max: number) => {
      const { text, truncated } = boundUnified(patch, max);
      expect(truncated).toBe(max < patch.length);
      // Everything before the last hunk header is the patch's own beginning.
      expect(patch.startsWith(text.slice(0, text.lastIndexOf('@@ ')))).toBe(true);
      return text.split('\n').filter((l) => l.startsWith('@@'));
    };
    expect(boundUnified(patch, 0)).toEqual({ text: '', truncated: true });
    expect(boundUnified(patch, 27)).toEqual({ text: '', truncated: true });
    // The file header alone: the first hunk's header kept no line.
    expect(boundUnified(patch, 28)).toEqual({ text: '--- a\n+++ b\n', truncated: true });
    expect(headers(31)).toEqual(['@@ -1,1 +1,1 @@']);
    expect(headers(34)).toEqual(['@@ -1,2 +1,1 @@']);
    expect(headers(37)).toEqual(['@@ -1,2 +1,2 @@']);
    expect(headers(61)).toEqual(['@@ -1,3 +1,3 @@', '@@ -10,1 +10,1 @@']);
    expect(headers(64)).toEqual(['@@ -1,3 +1,3 @@', '@@ -10,1 +10,2 @@']);
    // Only the deletion of the last hunk kept: its empty new range names the line before it.
    expect(boundUnified(patch, 88)).toEqual({
      text: `${patch.slice(0, patch.indexOf('@@ -20'))}@@ -20,1 +20,0 @@\n-p\n`,
      truncated: true,
    });
    expect(headers(91)).toEqual(['@@ -1,3 +1,3 @@', '@@ -10,2 +10,3 @@', '@@ -20,1 +21,1 @@']);
    expect(boundUnified(patch, patch.length)).toEqual({ text: patch, truncated: false });
  });

  it('cuts a larger one between lines, every hunk header counting the lines it keeps', () => {
    const max = Math.floor(bytes(full) / 3);
    const { text, truncated } = boundUnified(full, max);
    expect(truncated).toBe(true);
    expect(bytes(text)).toBeLessThanOrEqual(max);
    expect(full.startsWith(text.slice(0, text.lastIndexOf('\n@@ ')))).toBe(true);
    const hunks = text.split(/^(?=@@ )/m).slice(1);
    expect(hunks.length).toBeGreaterThan(1);
    for (const hunk of hunks) {
      const [header, ...lines] = hunk.split('\n').slice(0, -1);
      const [, oldRange, newRange] = header!.split(' ');
      const count = (prefixes: string) => lines.filter((l) => prefixes.includes(l[0]!)).length;
      expect(Number(oldRange!.split(',')[1])).toBe(count(' -'));
      expect(Number(newRange!.split(',')[1])).toBe(count(' +'));
    }
  });
});

describe('bounds, worked out by hand on small inputs', () => {
  it.each([
    ['a', 1],
    ['\u007f', 1],
    ['\t', 2],
    ['\n', 2],
    ['\r', 6],
    ['\u0001', 6],
    ['"', 6],
    ['&', 6],
    ["'", 6],
    ['<', 6],
    ['>', 6],
    ['\\', 6],
    ['é', 2],
    ['\u07ff', 2],
    ['\u0800', 3],
    ['€', 3],
    ['\uffff', 3],
    ['😀', 4],
    ['\ud800', 4],
    ['\udc00', 0],
    ['a"😀\n', 13],
    ['', 0],
  ])('escapedCost(%j) = %d', (text, cost) => {
    expect(escapedCost(text)).toBe(cost);
  });

  it('pages 10 sections 4 at a time, counting the ones left out by status', () => {
    const diff = manySections(10);
    const limits = { offset: 0, maxSections: 4, maxBytes: 1_000_000 };
    const pages = [0, 4, 8].map((offset) => boundDiff(diff, { ...limits, offset }));
    expect(pages.map((p) => p.sections.map((s) => s.key))).toEqual([
      ['1', '2', '3', '4'],
      ['5', '6', '7', '8'],
      ['9', '10'],
    ]);
    expect(pages.map((p) => p.window)).toEqual([
      {
        offset: 0,
        shown: 4,
        total: 10,
        nextOffset: 4,
        omitted: { added: 2, removed: 2, modified: 1, unchanged: 1 },
        cutSections: [],
      },
      {
        offset: 4,
        shown: 4,
        total: 10,
        nextOffset: 8,
        omitted: { added: 2, removed: 2, modified: 1, unchanged: 1 },
        cutSections: [],
      },
      {
        offset: 8,
        shown: 2,
        total: 10,
        nextOffset: null,
        omitted: { added: 2, removed: 2, modified: 2, unchanged: 2 },
        cutSections: [],
      },
    ]);
    expect(pages.map((p) => p.truncated)).toEqual([true, true, true]);
    // An offset out of range is clamped to the ends.
    expect(boundDiff(diff, { ...limits, offset: -3 }).window.offset).toBe(0);
    expect(boundDiff(diff, { ...limits, offset: 2.7 }).window.offset).toBe(2);
    expect(boundDiff(diff, { ...limits, offset: 99 }).window).toMatchObject({
      offset: 10,
      shown: 0,
      nextOffset: null,
    });
    expect(boundDiff(diff, { ...limits, maxSections: 10 }).truncated).toBe(false);
  });

  it('takes a section whose frame and changes fit exactly, and not one byte more', () => {
    // Section frame: 400 + 3 × title (1) + key (1) = 404; op frame 32 + text.
    const section = (key: string, text: string): SectionDiff => ({
      key,
      title: 'T',
      status: 'added',
      changes: [{ op: 'insert', text }],
    });
    const diff: PolicyDiff = {
      stats: { linesAdded: 2, linesRemoved: 0, sectionsChanged: 2 },
      sections: [section('1', 'aaaa'), section('2', 'bbbb')],
    };
    const one = 404 + 32 + 4;
    expect(boundDiff(diff, { offset: 0, maxSections: 9, maxBytes: 2 * one }).window.shown).toBe(2);
    const short = boundDiff(diff, { offset: 0, maxSections: 9, maxBytes: 2 * one - 1 });
    expect(short.window).toMatchObject({ shown: 1, nextOffset: 1, cutSections: [] });
    expect(short.sections[0]).toEqual(diff.sections[0]);
    // The first section is always shown, cut to what fits (here 2 of its 4 characters).
    const cut = boundDiff(diff, { offset: 0, maxSections: 9, maxBytes: one - 2 });
    expect(cut.sections).toEqual([{ ...section('1', 'aa'), truncated: true }]);
    expect(cut.window).toMatchObject({ shown: 1, nextOffset: 1, cutSections: ['1'] });
    // No room for any of its text: the op is left out, the section still shown.
    const bare = boundDiff(diff, { offset: 0, maxSections: 9, maxBytes: 404 + 32 });
    expect(bare.sections).toEqual([{ ...section('1', 'aaaa'), changes: [], truncated: true }]);
  });

  it('cuts a small patch to its first hunk, its header counting the lines kept', () => {
    const patch = '--- a\n+++ b\n@@ -1,3 +1,3 @@\n x\n-y\n+z\n w\n@@ -10,2 +10,2 @@\n-p\n+q\n r\n';
    expect(boundUnified(patch, bytes(patch))).toEqual({ text: patch, truncated: false });
    expect(boundUnified(patch, bytes(patch) - 1)).toEqual({
      text: '--- a\n+++ b\n@@ -1,3 +1,3 @@\n x\n-y\n+z\n w\n@@ -10,1 +10,1 @@\n-p\n+q\n',
      truncated: true,
    });
    // A hunk header with no line after it is dropped; no hunk at all leaves nothing.
    expect(boundUnified(patch, patch.indexOf('-p\n'))).toEqual({
      text: '--- a\n+++ b\n@@ -1,3 +1,3 @@\n x\n-y\n+z\n w\n',
      truncated: true,
    });
    expect(boundUnified(patch, 8)).toEqual({ text: '', truncated: true });
  });
});
