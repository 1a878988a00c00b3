/**
 * diffPolicyTexts around the section diffs (functions/domain/diff/index.ts), each outcome written out:
 * merged and split sections diffed as one stretch, changes of markup or line breaks only, texts in two
 * formats or not yet normalised, and the unified diff and changed titles built on them.
 */
import { describe, expect, it } from 'vitest';
import {
  changedSectionTitles,
  diffPolicyTexts,
  ensureNormalized,
  type PolicyDiff,
  unifiedDiff,
} from '../../functions/domain/diff/index';

describe('diffPolicyTexts', () => {
  it('diffs a section merged into the one before it as one stretch: its words stay, its heading goes', () => {
    expect(
      diffPolicyTexts(
        '1. Alpha\nx y z.\n\n2. Beta\np q r.\n\n3. Gamma\ng.\n',
        '1. Alpha\nx y z.\np q r.\n\n2. Gamma\ng.\n',
        'text',
      ),
    ).toEqual({
      stats: { linesAdded: 1, linesRemoved: 3, sectionsChanged: 1 },
      sections: [
        {
          key: '1',
          title: 'Alpha',
          status: 'modified',
          changes: [
            { op: 'equal', text: '1. Alpha\nx y z.\n' },
            { op: 'delete', text: '\n2. Beta\n' },
            { op: 'equal', text: 'p q r.\n\n' },
          ],
        },
        { key: '2', title: 'Gamma', status: 'unchanged', oldKey: '3' },
      ],
    });
  });

  it('diffs a section split in two the same way: the new heading is the change', () => {
    expect(
      diffPolicyTexts('1. Alpha\nx y z.\np q r.\n', '1. Alpha\nx y z.\n\n2. Beta\np q r.\n', 'text'),
    ).toEqual({
      stats: { linesAdded: 2, linesRemoved: 0, sectionsChanged: 1 },
      sections: [
        { key: '1', title: 'Alpha', status: 'unchanged', formattingChanged: true },
        {
          key: '2',
          title: 'Beta',
          status: 'modified',
          changes: [
            { op: 'insert', text: '2. Beta\n' },
            { op: 'equal', text: 'p q r.\n' },
          ],
        },
      ],
    });
  });

  it('reports markup or line breaks that changed no word as formatting only', () => {
    expect(
      diffPolicyTexts('# Title\n\nBody *text*.\n', 'Title\n=====\n\nBody _text_.\n', 'markdown'),
    ).toEqual({
      stats: { linesAdded: 0, linesRemoved: 0, sectionsChanged: 0, formattingOnly: true },
      sections: [{ key: 'title', title: 'Title', status: 'unchanged', formattingChanged: true }],
    });
    expect(diffPolicyTexts('1. A\nOne two three.\n', '1. A\nOne two\nthree.\n', 'text')).toEqual({
      stats: { linesAdded: 2, linesRemoved: 1, sectionsChanged: 0, formattingOnly: true },
      sections: [{ key: '1', title: 'A', status: 'unchanged', formattingChanged: true }],
    });
    // The same words as plain text and as Markdown (where `1. A` is a list item, not a heading).
    expect(
      diffPolicyTexts('1. A\nWords here.\n', '1. A\n\nWords here.\n', { old: 'text', new: 'markdown' }),
    ).toEqual({
      stats: { linesAdded: 0, linesRemoved: 0, sectionsChanged: 0, formattingOnly: true },
      sections: [
        { key: 'preamble', title: '1. A', status: 'unchanged', oldKey: '1', formattingChanged: true },
      ],
    });
  });

  it('compares texts in their normal form: line ends, trailing spaces and blank lines at the end do not count', () => {
    expect(diffPolicyTexts('a\r\nb  \n\n', 'a\nb\n', 'text')).toEqual({
      stats: { linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 },
      sections: [{ key: 'preamble', title: 'a', status: 'unchanged' }],
    });
    expect(ensureNormalized('a\r\nb  \n\n')).toBe('a\nb\n');
    expect(ensureNormalized('e\u0301\n')).toBe('\u00e9\n');
    expect(ensureNormalized('x')).toBe('x\n');
    const normal = 'x\ny\n';
    expect(ensureNormalized(normal)).toBe(normal);
  });
});

describe('unifiedDiff and changedSectionTitles', () => {
  it('gives no patch for texts equal once normalised, and a labelled one otherwise', () => {
    expect(unifiedDiff('a\n', 'a\r\n', { oldLabel: 'o', newLabel: 'n' })).toBe('');
    expect(unifiedDiff('a\nb\n', 'a\nc\n', { oldLabel: 'v1', newLabel: 'v2' })).toBe(
      '--- v1\n+++ v2\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n',
    );
    expect(unifiedDiff('a\nb', 'a\nc  \n', { oldLabel: 'v1', newLabel: 'v2' })).toBe(
      '--- v1\n+++ v2\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n',
    );
  });

  it('lists the titles of changed sections in order, the key for an untitled one', () => {
    const diff: PolicyDiff = {
      stats: { linesAdded: 1, linesRemoved: 1, sectionsChanged: 3 },
      sections: [
        { key: 'preamble', title: '', status: 'added' },
        { key: '1', title: 'Kept', status: 'unchanged' },
        { key: '2', title: 'Gone', status: 'removed' },
        { key: '3', title: 'Edited', status: 'modified' },
      ],
    };
    expect(changedSectionTitles(diff)).toEqual(['preamble', 'Gone', 'Edited']);
  });
});
