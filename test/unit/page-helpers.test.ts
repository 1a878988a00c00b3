import { describe, expect, it } from 'vitest';
import type { DiffOp } from '../../functions/domain/diff';
import { sectionIds, uniqueIds } from '../../functions/views/markdown';
import { splitHeading } from '../../functions/views/pages';
import { acceptedLanguages, formatDate, pickUiLanguage, uiLanguage } from '../../functions/views/strings';

describe('uniqueIds / sectionIds', () => {
  it('keeps unique ids and gives repeats -2, -3, … without taking an id the list holds', () => {
    expect(uniqueIds(['s-a', 's-b'])).toEqual(['s-a', 's-b']);
    expect(uniqueIds(['s-a', 's-a', 's-a-2', 's-a'])).toEqual(['s-a', 's-a-3', 's-a-2', 's-a-4']);
    const ids = uniqueIds(['x', 'x', 'x-2', 'x-3', 'x']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('maps headed sections to ids from their keys; the preamble has none', () => {
    const ids = sectionIds([
      { key: 'preamble', heading: null },
      { key: '1', heading: '1. Scope' },
      { key: 'a#2', heading: 'A' },
      { key: 'a-2', heading: 'A 2' },
      { key: 'điều-3 x', heading: 'Điều 3' },
    ]);
    expect([...ids]).toEqual([
      ['1', 's-1'],
      ['a#2', 's-a-2'],
      ['a-2', 's-a-2-2'],
      ['điều-3 x', 's-điều-3-x'],
    ]);
  });
});

describe('splitHeading', () => {
  const ops = (...pairs: [DiffOp['op'], string][]) => pairs.map(([op, text]) => ({ op, text }));

  it('cuts a modified section after its heading line, with the heading’s own changes', () => {
    const cut = splitHeading(
      ops(
        ['delete', '8.1'],
        ['insert', '9.1'],
        ['equal', ' Retention\n\nWe keep '],
        ['delete', '12'],
        ['insert', '18'],
        ['equal', ' months\n'],
      ),
      false,
    );
    expect(cut.head).toEqual(ops(['delete', '8.1'], ['insert', '9.1'], ['equal', ' Retention']));
    expect(cut.rest).toEqual(
      ops(['equal', '\nWe keep '], ['delete', '12'], ['insert', '18'], ['equal', ' months\n']),
    );
    expect([cut.oldLines, cut.newLines]).toEqual([1, 1]);
  });

  it('cuts an added section at its first line and a removed one at its old first line', () => {
    const added = splitHeading(ops(['insert', '9. Complaints\n\nYou may complain.\n']), false);
    expect(added.head).toEqual(ops(['insert', '9. Complaints']));
    expect(added.rest).toEqual(ops(['insert', '\nYou may complain.\n']));
    expect([added.oldLines, added.newLines]).toEqual([0, 1]);
    const removed = splitHeading(ops(['delete', '9. Complaints\n\nGone.\n']), true);
    expect(removed.head).toEqual(ops(['delete', '9. Complaints']));
    expect(removed.rest).toEqual(ops(['delete', '\nGone.\n']));
    expect([removed.oldLines, removed.newLines]).toEqual([1, 0]);
  });

  it('keeps a replaced heading line whole: the old line deleted, the new one inserted', () => {
    const cut = splitHeading(
      ops(['delete', 'Old title\n'], ['insert', 'New title\n'], ['equal', 'Body\n']),
      false,
    );
    expect(cut.head).toEqual(ops(['delete', 'Old title\n'], ['insert', 'New title']));
    expect(cut.rest).toEqual(ops(['equal', 'Body\n']));
    expect([cut.oldLines, cut.newLines]).toEqual([1, 1]);
  });

  it('a heading-only section has no body', () => {
    expect(splitHeading(ops(['equal', 'Only a heading']), false)).toEqual({
      head: ops(['equal', 'Only a heading']),
      rest: [],
      oldLines: 0,
      newLines: 0,
    });
  });
});

describe('page languages', () => {
  it('reads Accept-Language by preference, leaving out q=0, * and malformed tags', () => {
    expect(acceptedLanguages('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5')).toEqual([
      'fr-CH',
      'fr',
      'en',
      'de',
    ]);
    expect(acceptedLanguages('en;q=0.1, vi')).toEqual(['vi', 'en']);
    expect(acceptedLanguages('ja;q=0, <script>, vi-VN')).toEqual(['vi-VN']);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });

  it('picks the first candidate the pages speak, as a bare language; English otherwise', () => {
    expect(pickUiLanguage([undefined, 'fr', 'vi-VN', 'en'])).toBe('vi');
    expect(pickUiLanguage(['<x>', 'de'])).toBe('en');
    expect(uiLanguage('ja-JP')).toBe('ja');
    expect(uiLanguage('fr')).toBe('en');
  });

  it('writes times with their zone', () => {
    expect(formatDate('2027-01-01T00:00:00.000Z', 'en')).toBe('January 1, 2027 at 00:00 UTC');
    expect(formatDate('2027-06-30T23:59:00.000Z', 'vi')).toBe('lúc 23:59 UTC 30 tháng 6, 2027');
    expect(formatDate('not a date', 'en')).toBe('not a date');
  });
});

describe('redline cut into pages', () => {
  it('links its last change on to the next page of sections', async () => {
    const { diffPolicyTexts, splitSections } = await import('../../functions/domain/diff');
    const { renderChangesPage } = await import('../../functions/views/pages');
    const v1 = '1. A\n\nOne.\n\n2. B\n\nTwo.\n';
    const v2 = '1. A\n\nOne more.\n\n2. B\n\nTwo.\n';
    const revision = (version: number) => ({
      policyId: 'p',
      version,
      change: 'minor' as const,
      publishedAt: '2026-01-01T00:00:00.000Z',
      effectiveAt: '2026-01-01T00:00:00.000Z',
      defaultLocale: 'en',
      locales: ['en'],
      contentHashes: { en: 'h' },
      hash: `h${version}`,
      previousHash: null,
      summary: {},
      notify: true,
      format: 'text' as const,
      titles: {},
    });
    const page = (nextHref: string | null, locale = 'en') =>
      renderChangesPage({
        policyId: 'p',
        from: revision(1),
        to: revision(2),
        locale,
        diff: diffPolicyTexts(v1, v2),
        newSections: splitSections(v2),
        truncation: {
          window: {
            offset: 0,
            shown: 2,
            total: 9,
            nextOffset: 2,
            omitted: { added: 0, removed: 0, modified: 3, unchanged: 4 },
            cutSections: [],
          },
          firstHref: null,
          nextHref,
          unifiedHref: '/u',
          fullTextHref: '/t',
        },
      });
    expect(page('/p/p/changes?from=1&to=2&offset=2')).toContain(
      '<a href="/p/p/changes?from=1&amp;to=2&amp;offset=2" rel="next" data-step="next-page">Next sections (next page) →</a>',
    );
    expect(page(null)).not.toContain('data-step="next-page"');
    // The notice that says so is in the page's language.
    expect(page(null)).toContain('This change is too large for one page: sections 1–2 of 9 are shown;');
    expect(page(null, 'vi')).toContain(
      'Thay đổi này quá lớn cho một trang: hiển thị các mục 1–2 trong 9; 7 mục khác (3 mục thay đổi: 0 thêm mới, 0 đã bỏ, 3 đã sửa) không được hiển thị.',
    );
  });
});
