/**
 * Runs of changed sections that mix added or removed sections with edited ones are diffed as one
 * stretch of text, then cut back at the section boundaries (functions/domain/diff/index.ts `diffGroup`):
 * splits, merges, text moved across a heading, removed sections placed where they were. Every outcome
 * is written out. Also: the normal-form fast path and markup-only changes.
 */
import { describe, expect, it } from 'vitest';
import { diffPolicyTexts, ensureNormalized } from '../../functions/domain/diff/index';
import { normalizeText } from '../../functions/domain/text';

const diff = (a: string, b: string, format: 'text' | 'markdown' = 'text') => diffPolicyTexts(a, b, format);

describe('changed sections diffed as one stretch', () => {
  it('splits a section in two: the first keeps its text, the second is an edit of the old one, not new', () => {
    expect(
      diff(
        '1. Data\nWe collect names.\nWe keep them a year.\n',
        '1. Data\nWe collect names.\n\n2. Retention\nWe keep them a year.\n',
      ),
    ).toEqual({
      stats: { linesAdded: 2, linesRemoved: 0, sectionsChanged: 1 },
      sections: [
        { key: '1', title: 'Data', status: 'unchanged', formattingChanged: true },
        {
          key: '2',
          title: 'Retention',
          status: 'modified',
          changes: [
            { op: 'insert', text: '2. Retention\n' },
            { op: 'equal', text: 'We keep them a year.\n' },
          ],
        },
      ],
    });
  });

  it('merges two sections: the heading in between is deleted, the text kept', () => {
    expect(
      diff(
        '1. Data\nWe collect names.\n\n2. Retention\nWe keep them a year.\n',
        '1. Data\nWe collect names.\nWe keep them a year.\n',
      ),
    ).toEqual({
      stats: { linesAdded: 0, linesRemoved: 2, sectionsChanged: 1 },
      sections: [
        {
          key: '1',
          title: 'Data',
          status: 'modified',
          changes: [
            { op: 'equal', text: '1. Data\nWe collect names.\n' },
            { op: 'delete', text: '\n2. Retention\n' },
            { op: 'equal', text: 'We keep them a year.\n' },
          ],
        },
      ],
    });
  });

  it('merges three sections into the first: the middle one, dropped, stays part of that change', () => {
    expect(diff('1. A\nalpha\n\n2. B\nbeta\n\n3. C\ngamma\n', '1. A\nalpha\ngamma\n').sections).toEqual([
      {
        key: '1',
        title: 'A',
        status: 'modified',
        changes: [
          { op: 'equal', text: '1. A\nalpha\n' },
          { op: 'delete', text: '\n2. B\nbeta\n\n3. C\n' },
          { op: 'equal', text: 'gamma\n' },
        ],
      },
    ]);
  });

  it('shows a sentence moved across a heading once on each side', () => {
    expect(
      diff(
        '1. Data\nWe collect names.\nWe keep them a year.\n\n2. Retention\nRules here.\n',
        '1. Data\nWe collect names.\n\n2. Retention\nWe keep them a year.\nRules here.\n',
      ),
    ).toEqual({
      stats: { linesAdded: 1, linesRemoved: 1, sectionsChanged: 2 },
      sections: [
        {
          key: '1',
          title: 'Data',
          status: 'modified',
          changes: [
            { op: 'equal', text: '1. Data\nWe collect names.\n' },
            { op: 'delete', text: 'We keep them a year.\n' },
            { op: 'equal', text: '\n' },
          ],
        },
        {
          key: '2',
          title: 'Retention',
          status: 'modified',
          changes: [
            { op: 'equal', text: '2. Retention\n' },
            { op: 'insert', text: 'We keep them a year.\n' },
            { op: 'equal', text: 'Rules here.\n' },
          ],
        },
      ],
    });
  });

  it('reports a section replaced by two: the first an edit (same number), the second added', () => {
    expect(
      diff('1. A\nalpha\n\n2. Q\nquebec\n', '1. A\nalpha\n\n2. N\nnovember\n\n3. M\nmike\n').sections,
    ).toEqual([
      { key: '1', title: 'A', status: 'unchanged' },
      {
        key: '2',
        title: 'N',
        status: 'modified',
        changes: [
          { op: 'equal', text: '2. ' },
          { op: 'delete', text: 'Q\nquebec' },
          { op: 'insert', text: 'N\nnovember\n\n' },
        ],
      },
      { key: '3', title: 'M', status: 'added', changes: [{ op: 'insert', text: '3. M\nmike\n' }] },
    ]);
  });

  it('reports a section removed after an edit at the end of the one before as removed, whole', () => {
    expect(diff('1. A\nalpha one\n\n2. B\nbeta\n', '1. A\nalpha one two\n').sections).toEqual([
      {
        key: '1',
        title: 'A',
        status: 'modified',
        changes: [
          { op: 'equal', text: '1. A\nalpha one' },
          { op: 'insert', text: ' two' },
          { op: 'equal', text: '\n' },
          { op: 'delete', text: '\n' },
        ],
      },
      { key: '2', title: 'B', status: 'removed', changes: [{ op: 'delete', text: '2. B\nbeta\n' }] },
    ]);
  });

  it('places removed sections where they were: after the last section, first, or between two', () => {
    expect(diff('1. A\nalpha one\nend\n\n2. B\nbeta\n', '1. A\nalpha two\nend\n').sections).toEqual([
      {
        key: '1',
        title: 'A',
        status: 'modified',
        changes: [
          { op: 'equal', text: '1. A\nalpha ' },
          { op: 'delete', text: 'one' },
          { op: 'insert', text: 'two' },
          { op: 'equal', text: '\nend\n' },
          { op: 'delete', text: '\n' },
        ],
      },
      { key: '2', title: 'B', status: 'removed', changes: [{ op: 'delete', text: '2. B\nbeta\n' }] },
    ]);
    const alpha = {
      key: 'alpha',
      title: 'Alpha',
      status: 'modified',
      changes: [
        { op: 'equal', text: 'Alpha\nalpha ' },
        { op: 'delete', text: 'one' },
        { op: 'insert', text: 'two' },
        { op: 'equal', text: '\nend\n' },
      ],
    };
    expect(
      diff(
        '# Zulu\n\nzulu text\n\n# Alpha\n\nalpha one\n\nend\n',
        '# Alpha\n\nalpha two\n\nend\n',
        'markdown',
      ).sections,
    ).toEqual([
      {
        key: 'zulu',
        title: 'Zulu',
        status: 'removed',
        changes: [{ op: 'delete', text: 'Zulu\nzulu text\n' }],
      },
      alpha,
    ]);
    expect(
      diff(
        '# Alpha\n\nalpha one\n\nend\n\n# Bravo\n\nbravo text\n\n# Charlie\n\ncharlie one\n',
        '# Alpha\n\nalpha two\n\nend\n\n# Charlie\n\ncharlie two\n',
        'markdown',
      ),
    ).toEqual({
      stats: { linesAdded: 2, linesRemoved: 4, sectionsChanged: 3 },
      sections: [
        alpha,
        {
          key: 'bravo',
          title: 'Bravo',
          status: 'removed',
          changes: [{ op: 'delete', text: 'Bravo\nbravo text\n' }],
        },
        {
          key: 'charlie',
          title: 'Charlie',
          status: 'modified',
          changes: [
            { op: 'equal', text: 'Charlie\ncharlie ' },
            { op: 'delete', text: 'one' },
            { op: 'insert', text: 'two' },
            { op: 'equal', text: '\n' },
          ],
        },
      ],
    });
  });

  it('reports a section of the run whose only change is a line break as unchanged, formatting changed', () => {
    expect(diff('1. A\nalpha beta\n', '1. A\nalpha\nbeta\n\n2. C\nnew words\n').sections).toEqual([
      { key: '1', title: 'A', status: 'unchanged', formattingChanged: true },
      { key: '2', title: 'C', status: 'added', changes: [{ op: 'insert', text: '2. C\nnew words\n' }] },
    ]);
  });
});

describe('single sections', () => {
  it('reports a removed or an added section with its whole text', () => {
    expect(diff('1. A\nalpha\n\n2. B\nbeta\n\n3. C\ngamma\n', '1. A\nalpha\n\n2. C\ngamma\n')).toEqual({
      stats: { linesAdded: 1, linesRemoved: 4, sectionsChanged: 1 },
      sections: [
        { key: '1', title: 'A', status: 'unchanged' },
        { key: '2', title: 'B', status: 'removed', changes: [{ op: 'delete', text: '2. B\nbeta\n\n' }] },
        { key: '2', title: 'C', status: 'unchanged', oldKey: '3' },
      ],
    });
    expect(
      diff('1. A\nalpha\n\n2. C\ngamma\n', '1. A\nalpha\n\n2. B\nbeta\n\n3. C\ngamma\n').sections,
    ).toEqual([
      { key: '1', title: 'A', status: 'unchanged' },
      { key: '2', title: 'B', status: 'added', changes: [{ op: 'insert', text: '2. B\nbeta\n\n' }] },
      { key: '3', title: 'C', status: 'unchanged', oldKey: '2' },
    ]);
  });

  it('marks only the section whose Markdown markup changed as formatting changed', () => {
    expect(diff('# A\n\n*x y*\n\n# B\n\nz\n', '# A\n\n_x y_\n\n# B\n\nz\n', 'markdown')).toEqual({
      stats: { linesAdded: 0, linesRemoved: 0, sectionsChanged: 0, formattingOnly: true },
      sections: [
        { key: 'a', title: 'A', status: 'unchanged', formattingChanged: true },
        { key: 'b', title: 'B', status: 'unchanged' },
      ],
    });
  });
});

describe('ensureNormalized', () => {
  it('is normalizeText, with texts already in normal form returned as they are', () => {
    const cases: Array<[string, string]> = [
      ['', '\n'],
      ['\n', '\n'],
      ['a', 'a\n'],
      ['a\n', 'a\n'],
      ['a\n\n', 'a\n'],
      ['\n\n', '\n'],
      ['a\r\nb\n', 'a\nb\n'],
      ['a\rb\n', 'a\nb\n'],
      ['a \n', 'a\n'],
      ['a\t\nb\n', 'a\nb\n'],
      ['e\u0301\n', '\u00e9\n'],
      ['\u00e9\n', '\u00e9\n'],
      [' a\n', ' a\n'],
      ['a\n\n\nb\n', 'a\n\n\nb\n'],
      ['\n\na\n', '\n\na\n'],
    ];
    for (const [raw, normal] of cases) {
      expect({ raw, out: ensureNormalized(raw) }).toEqual({ raw, out: normal });
      expect(normalizeText(raw)).toBe(normal);
    }
  });
});
