/**
 * Sections of plain text (functions/domain/document/plain.ts), every field written out by hand: the
 * line ranges, the content without its surrounding blank lines, the source offsets, and the rules that
 * tell headings from list items and title lines from ordinary short lines.
 */
import { describe, expect, it } from 'vitest';
import { lineStarts } from '../../functions/domain/diff/lines';
import { plainSections } from '../../functions/domain/document/plain';

const sectionsOf = (text: string) => plainSections(text, lineStarts(text));
const keys = (text: string) => sectionsOf(text).map((s) => s.key);

describe('plainSections', () => {
  it('gives every field of every section', () => {
    const text = [
      'Chính sách', // 0
      '', // 1
      'Giới thiệu.', // 2
      '', // 3
      '1. Phạm vi', // 4
      'Nội dung.', // 5
      '', // 6
      '2. Dữ liệu', // 7
      '1. Tên', // 8
      '2. Email', // 9
      '', // 10
      'YOUR RIGHTS', // 11
      '', // 12
      'You may ask us for a copy of your data.', // 13
      '',
    ].join('\n');
    const s = lineStarts(text);
    expect(sectionsOf(text)).toEqual([
      {
        key: 'preamble',
        title: 'Chính sách',
        heading: null,
        rawTitle: '',
        fromLine: 0,
        toLine: 4,
        contentFrom: 0,
        contentTo: 3,
        srcFrom: 0,
        srcTo: s[4],
      },
      {
        key: '1',
        title: 'Phạm vi',
        heading: '1. Phạm vi',
        rawTitle: 'phạm vi',
        fromLine: 4,
        toLine: 7,
        contentFrom: 5,
        contentTo: 6,
        srcFrom: s[4],
        srcTo: s[7],
      },
      {
        key: '2',
        title: 'Dữ liệu',
        heading: '2. Dữ liệu',
        rawTitle: 'dữ liệu',
        fromLine: 7,
        toLine: 11,
        contentFrom: 8,
        contentTo: 10,
        srcFrom: s[7],
        srcTo: s[11],
      },
      {
        key: 'your-rights',
        title: 'YOUR RIGHTS',
        heading: 'YOUR RIGHTS',
        rawTitle: 'your rights',
        fromLine: 11,
        toLine: 14,
        contentFrom: 13,
        contentTo: 14,
        srcFrom: s[11],
        srcTo: text.length,
      },
    ]);
  });

  it('gives an empty preamble before a heading that follows blank lines no title', () => {
    const text = '\n\n1. Scope\nText.\n';
    expect(sectionsOf(text)[0]).toEqual({
      key: 'preamble',
      title: '',
      heading: null,
      rawTitle: '',
      fromLine: 0,
      toLine: 2,
      contentFrom: 2,
      contentTo: 2,
      srcFrom: 0,
      srcTo: 2,
    });
    expect(keys(text)).toEqual(['preamble', '1']);
  });

  it('reads a title line only between blank lines, after the first line, before a longer paragraph', () => {
    expect(keys('Intro\n\nYour Rights\n\nA longer paragraph follows here.\n')).toEqual([
      'preamble',
      'your-rights',
    ]);
    // The document's first line, even after blank lines.
    expect(keys('\n\nDEFINITIONS\n\nA long paragraph follows the title.\n')).toEqual(['preamble']);
    expect(sectionsOf('\n\nDEFINITIONS\n\nA long paragraph follows the title.\n')[0]!.title).toBe(
      'DEFINITIONS',
    );
    // No blank line before it; a shorter line after it; nothing after it.
    expect(keys('Intro text\nYour Rights\n\nA longer paragraph follows here.\n')).toEqual(['preamble']);
    expect(keys('Intro\n\nYour Rights\n\nOk\n')).toEqual(['preamble']);
    expect(keys('Intro\n\nYour Rights\n')).toEqual(['preamble']);
    expect(keys('Intro\n\nYour Rights\n\nAbcdefghijk\n')).toEqual(['preamble']);
    expect(keys('Intro\n\nYour Rights\n\nAbcdefghijkl\n')).toEqual(['preamble', 'your-rights']);
  });

  it('takes no indented line as a heading, whatever the indent', () => {
    expect(
      keys('Intro\n  2. Spaces\n\t3. Tab\n\u00a04. No-break space\n\u30005. Ideographic space\n'),
    ).toEqual(['preamble']);
  });

  it('asks a numbered line for the shape of a title', () => {
    expect(keys('1. we collect data;\n\nText.\n')).toEqual(['preamble']);
    expect(keys('1. Data\n\nText.\n')).toEqual(['1']);
  });

  it('tells list items from headings family by family', () => {
    // Items numbered in sequence on adjacent lines are a list...
    expect(keys('1. Alpha\n2. Beta\n3. Gamma\n')).toEqual(['preamble']);
    // ...but not across families, out of sequence, or in a family that is not list-like.
    expect(keys('1. Name\n2) Email\n')).toEqual(['1', '2']);
    expect(keys('1. Alpha\n3. Beta\n')).toEqual(['1', '3']);
    expect(keys('1.1 Scope\n1.2 Data\n')).toEqual(['1.1', '1.2']);
    // A numbering that restarts at 1 after the family numbered a heading is a list.
    expect(keys('1. Scope\n\nText.\n\n1. Again\n\nMore.\n')).toEqual(['1']);
    expect(keys('1. Scope\n\nText.\n\n2. Data\n\nWe keep:\n\n1. Your name\n\nMore.\n')).toEqual(['1', '2']);
    // A run goes on only while it is in sequence: 1, 2 is a list, 4 after it a heading.
    expect(keys('Intro\n1. Alpha\n2. Beta\n4. Delta\n\nText.\n')).toEqual(['preamble', '4']);
  });

  it('reads the items of a loose list (blank lines between them) as items while they cannot be the next heading', () => {
    // Under the heading 2., a list restarts at 1; its 2. is not the next heading (that is 3.).
    const loose = '1. Scope\nText.\n\n2. Data\nWe keep:\n\n1. Name\n\n2. Email\n\n3. Rights\nText.\n';
    expect(keys(loose)).toEqual(['1', '2', '3']);
    expect(sectionsOf(loose).map((s) => [s.fromLine, s.toLine])).toEqual([
      [0, 3],
      [3, 10],
      [10, 12],
    ]);
    // Under the heading 1., the 2. after the list 1. is the next heading.
    expect(keys('1. Scope\nWe keep:\n\n1. Name\n\n2. Data\nText.\n')).toEqual(['1', '2']);
    // Out of sequence, or another family: not the list's next item.
    expect(keys('1. Scope\n\n2. Data\n\n1. Name\n\n3. Rights\nText.\n')).toEqual(['1', '2', '3']);
    expect(keys('1. Scope\n\n2. Data\n\n1. Name\n\n2) Email\nText.\n')).toEqual(['1', '2', '2#2']);
  });
});
