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
