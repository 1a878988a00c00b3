/**
 * How sections are paired between versions (functions/domain/diff/align.ts, through diffPolicyTexts),
 * one documented rule per case, each outcome written out: renumbering, moves, retitling, identical
 * repeats, a section moved and edited, preambles, and what is left unpaired.
 */
import { describe, expect, it } from 'vitest';
import { alignSections } from '../../functions/domain/diff/align';
import { WorkBudget } from '../../functions/domain/diff/budget';
import { diffPolicyTexts } from '../../functions/domain/diff/index';
import { internLines } from '../../functions/domain/diff/lines';
import { sectionInfos } from '../../functions/domain/diff/sections';
import { parseDocument } from '../../functions/domain/document/index';

type Sec = [number: string, title: string, body: string];
const doc = (...secs: Sec[]) => secs.map(([n, t, b]) => `${n}. ${t}\n${b}\n`).join('\n');
const as = ([, title, body]: Sec, n: string, t = title, b = body): Sec => [n, t, b];
const summary = (oldText: string, newText: string) => {
  const d = diffPolicyTexts(oldText, newText, 'text');
  return {
    sections: d.sections.map((s) => [s.key, s.status, s.oldKey ?? null, s.title]),
    stats: d.stats,
  };
};

const A: Sec = ['1', 'Scope', 'This policy covers our apps and sites.'];
const B: Sec = ['2', 'Data', 'We collect your name, email and address.'];
const C: Sec = ['3', 'Rights', 'You may ask us to erase your data.'];
const D: Sec = ['4', 'Contact', 'Write to privacy@example.com any time.'];
const E: Sec = ['5', 'Changes', 'We tell you about every change by email.'];

/** Two edited sections that swap places between Scope and Contact; the new pair `swapped(...)` retitles them. */
const X: Sec = ['2', 'Data', 'We collect your name, email address and phone number when you sign up.'];
const Y: Sec = ['3', 'Sharing', 'We share data with payment processors and hosting providers only.'];
const Z: Sec = ['4', 'Contact', 'Write to privacy@example.com any time.'];
const beforeSwap = doc(A, X, Y, Z);
const swapped = (sharing: string, data: string, sharingBody: string) =>
  doc(
    A,
    ['2', sharing, sharingBody],
    ['3', data, 'We collect your name, email address and phone number when you register.'],
    Z,
  );
const retitledSwap = () =>
  swapped(
    'Disclosure',
    'Collection',
    'We share data with payment processors and hosting providers only, and auditors.',
  );

describe('alignSections', () => {
  it('pairs renumbered sections by content: only the new one is a change', () => {
    expect(
      summary(doc(A, B, C), doc(['1', 'Intro', 'A new first section.'], as(A, '2'), as(B, '3'), as(C, '4'))),
    ).toEqual({
      sections: [
        ['1', 'added', null, 'Intro'],
        ['2', 'unchanged', '1', 'Scope'],
        ['3', 'unchanged', '2', 'Data'],
        ['4', 'unchanged', '3', 'Rights'],
      ],
      stats: { linesAdded: 6, linesRemoved: 3, sectionsChanged: 1 },
    });
  });

  it('reports a moved section unchanged, at its new place', () => {
    expect(summary(doc(A, B, C), doc(A, as(C, '2'), as(B, '3')))).toEqual({
      sections: [
        ['1', 'unchanged', null, 'Scope'],
        ['2', 'unchanged', '3', 'Rights'],
        ['3', 'unchanged', '2', 'Data'],
      ],
      stats: { linesAdded: 4, linesRemoved: 4, sectionsChanged: 0, formattingOnly: true },
    });
  });

  it('pairs a retitled section by its body, and a rewritten one by its title', () => {
    const retitled = diffPolicyTexts(doc(A, B, C), doc(A, as(B, '2', 'Information'), C), 'text');
    expect(retitled.sections[1]).toEqual({
      key: '2',
      title: 'Information',
      status: 'modified',
      changes: [
        { op: 'equal', text: '2. ' },
        { op: 'delete', text: 'Data' },
        { op: 'insert', text: 'Information' },
        { op: 'equal', text: '\nWe collect your name, email and address.\n\n' },
      ],
    });
    expect(
      summary(doc(A, B, C), doc(A, as(B, '2', 'Data', 'Nothing in common at all here now.'), C)).sections,
    ).toEqual([
      ['1', 'unchanged', null, 'Scope'],
      ['2', 'modified', null, 'Data'],
      ['3', 'unchanged', null, 'Rights'],
    ]);
  });

  it('diffs a section replaced in place as one stretch of text (it keeps its number)', () => {
    const d = diffPolicyTexts(
      doc(A, B, C),
      doc(A, ['2', 'Cookies', 'Small files stored by browsers.'], C),
      'text',
    );
    expect(d.sections[1]).toEqual({
      key: '2',
      title: 'Cookies',
      status: 'modified',
      changes: [
        { op: 'equal', text: '2. ' },
        { op: 'delete', text: 'Data\nWe collect your name, email and address' },
        { op: 'insert', text: 'Cookies\nSmall files stored by browsers' },
        { op: 'equal', text: '.\n\n' },
      ],
    });
  });

  it('pairs identical sections in order, the k-th old with the k-th new', () => {
    const note: Sec = ['1', 'Note', 'Same.'];
    expect(
      summary(doc(note, as(note, '2')), doc(note, ['2', 'Other', 'New text here.'], as(note, '3'))).sections,
    ).toEqual([
      ['1', 'unchanged', null, 'Note'],
      ['2', 'added', null, 'Other'],
      ['3', 'unchanged', '2', 'Note'],
    ]);
  });

  it('finds a section that was both moved and edited', () => {
    const moved = as(B, '5', 'Data', 'We collect your name, email and phone.');
    expect(summary(doc(A, B, C, D, E), doc(A, as(C, '2'), as(D, '3'), as(E, '4'), moved)).sections).toEqual([
      ['1', 'unchanged', null, 'Scope'],
      ['2', 'unchanged', '3', 'Rights'],
      ['3', 'unchanged', '4', 'Contact'],
      ['4', 'unchanged', '5', 'Changes'],
      ['5', 'modified', '2', 'Data'],
    ]);
  });

  it('pairs two edited sections that swapped places, one in order and the other as a move', () => {
    expect(
      summary(
        beforeSwap,
        swapped(
          'Sharing',
          'Data',
          'We share data with payment processors, hosting providers and auditors only.',
        ),
      ).sections,
    ).toEqual([
      ['1', 'unchanged', null, 'Scope'],
      ['2', 'modified', '3', 'Sharing'],
      ['3', 'modified', '2', 'Data'],
      ['4', 'unchanged', null, 'Contact'],
    ]);
    // Retitled too: paired by their words alone.
    expect(summary(beforeSwap, retitledSwap()).sections).toEqual([
      ['1', 'unchanged', null, 'Scope'],
      ['2', 'modified', '3', 'Disclosure'],
      ['3', 'modified', '2', 'Collection'],
      ['4', 'unchanged', null, 'Contact'],
    ]);
  });

  it('pairs three identical sections with two: the third is removed', () => {
    const note: Sec = ['1', 'Note', 'Same.'];
    expect(summary(doc(note, as(note, '2'), as(note, '3')), doc(note, as(note, '2'))).sections).toEqual([
      ['1', 'unchanged', null, 'Note'],
      ['2', 'unchanged', null, 'Note'],
      ['3', 'removed', null, 'Note'],
    ]);
  });

  it('always pairs the preambles; a preamble on one side only is added or removed', () => {
    expect(
      summary(`Intro old words here.\n\n${doc(A)}`, `Completely different opening.\n\n${doc(A)}`).sections,
    ).toEqual([
      ['preamble', 'modified', null, 'Completely different opening.'],
      ['1', 'unchanged', null, 'Scope'],
    ]);
    expect(summary(doc(A), `Preface.\n\n${doc(A)}`).sections).toEqual([
      ['preamble', 'added', null, 'Preface.'],
      ['1', 'unchanged', null, 'Scope'],
    ]);
    expect(summary(`Preface.\n\n${doc(A)}`, doc(A)).sections).toEqual([
      ['preamble', 'removed', null, 'Preface.'],
      ['1', 'unchanged', null, 'Scope'],
    ]);
  });

  it('reports an old section nothing pairs with as removed, where it was', () => {
    expect(summary(doc(A, B, C), doc(A, as(C, '2'))).sections).toEqual([
      ['1', 'unchanged', null, 'Scope'],
      ['2', 'removed', null, 'Data'],
      ['2', 'unchanged', '3', 'Rights'],
    ]);
  });
});

describe('alignSections itself (before changed runs are diffed as one stretch)', () => {
  const align = (oldText: string, newText: string, budget = 1e9) => {
    const a = parseDocument(oldText, 'text');
    const b = parseDocument(newText, 'text');
    const lines = internLines(a.reader, b.reader, a.readerStarts, b.readerStarts);
    return alignSections(sectionInfos(a), sectionInfos(b), lines, new WorkBudget(budget)).map((e) => [
      e.status,
      e.old ?? null,
      e.new ?? null,
    ]);
  };
  const replaced = [
    ['unchanged', 0, 0],
    ['removed', 1, null],
    ['added', null, 1],
    ['unchanged', 2, 2],
  ];
  const paired = [
    ['unchanged', 0, 0],
    ['modified', 1, 1],
    ['unchanged', 2, 2],
  ];

  it('leaves a section with another title and other words unpaired, the removed one where it was', () => {
    expect(align(doc(A, B, C), doc(A, ['2', 'Cookies', 'Small files stored by browsers.'], C))).toEqual(
      replaced,
    );
    // A third of the words in common (and words are compared as written: `We` is not `we`).
    expect(
      align(doc(A, B, C), doc(A, ['2', 'Collection', 'We gather your name and your phone.'], C)),
    ).toEqual(replaced);
  });

  it('pairs by common lines from half of them on, else by words, else by a same title', () => {
    expect(align(doc(A, B, C), doc(A, as(B, '2', 'Information'), C))).toEqual(paired);
    // One of two lines in common (2·1 / (2 + 2) = 0.5), a third of the words.
    const two = (t: string, second: string): Sec => ['2', t, `a b c d e f\n${second}`];
    expect(align(doc(A, two('Data', 'g h i j k l'), C), doc(A, two('Other', 'm n o p q r'), C))).toEqual(
      paired,
    );
    // One of three: 0.33.
    const three = (t: string, rest: string): Sec => ['2', t, `a b c d e f\n${rest}`];
    expect(
      align(
        doc(A, three('Data', 'g h i j k l\ns t u v w x'), C),
        doc(A, three('Other', 'm n o p q r\ny z aa bb cc dd'), C),
      ),
    ).toEqual(replaced);
    expect(align(doc(A, B, C), doc(A, as(B, '2', 'Data', 'Nothing in common here now.'), C))).toEqual(paired);
  });

  it('pairs by title alone once the work budget is spent', () => {
    expect(align(doc(A, B, C), doc(A, as(B, '2', 'Information'), C), 0)).toEqual(replaced);
    expect(align(doc(A, B, C), doc(A, as(B, '2', 'Data', 'Nothing in common here now.'), C), 0)).toEqual(
      paired,
    );
  });

  it('reports two edited sections that swapped places: one paired in order, the other as a move', () => {
    expect(align(beforeSwap, retitledSwap())).toEqual([
      ['unchanged', 0, 0],
      ['modified', 2, 1],
      ['modified', 1, 2],
      ['unchanged', 3, 3],
    ]);
  });
});
