/**
 * The word diff (functions/domain/diff/words.ts) on small texts, every op written out: whole words
 * only, the weighted match that keeps the most text, rewrites shown as one replacement, and the merge
 * and clean-up passes on their own.
 */
import { describe, expect, it } from 'vitest';
import { cleanupSemantic, diffText, mergeOps } from '../../functions/domain/diff/words';

const del = (text: string) => ({ op: 'delete' as const, text });
const ins = (text: string) => ({ op: 'insert' as const, text });
const eq = (text: string) => ({ op: 'equal' as const, text });

describe('diffText', () => {
  it('gives nothing, one equal op, or the whole text when a side is empty', () => {
    expect(diffText('', '')).toEqual([]);
    expect(diffText('a', 'a')).toEqual([eq('a')]);
    expect(diffText('', 'x\n')).toEqual([ins('x\n')]);
    expect(diffText('x\n', '')).toEqual([del('x\n')]);
  });

  it('replaces whole words, never part of one', () => {
    expect(diffText('The cat sat.\n', 'The dog sat.\n')).toEqual([
      eq('The '),
      del('cat'),
      ins('dog'),
      eq(' sat.\n'),
    ]);
    expect(diffText('We share cats.\n', 'We share cars.\n')).toEqual([
      eq('We share '),
      del('cats'),
      ins('cars'),
      eq('.\n'),
    ]);
    expect(diffText('a\nb\nc\n', 'a\nB\nc\n')).toEqual([eq('a\n'), del('b'), ins('B'), eq('\nc\n')]);
  });

  it('keeps the longest words when words move (a date rewritten)', () => {
    expect(diffText('Effective December 1, 2026.\n', 'Effective 1 December 2026.\n')).toEqual([
      eq('Effective '),
      ins('1 '),
      eq('December'),
      del(' 1,'),
      eq(' 2026.\n'),
    ]);
  });

  it('shows a rewritten sentence as one replacement, not a salad of common words', () => {
    expect(diffText('alpha one beta two gamma\n', 'delta one epsilon two zeta\n')).toEqual([
      del('alpha one beta two gamma'),
      ins('delta one epsilon two zeta'),
      eq('\n'),
    ]);
    const words = (p: string) => Array.from({ length: 60 }, (_, i) => `${p}${i}`).join(' ');
    expect(diffText(`${words('a')}\n`, `${words('b')}\n`)).toEqual([
      del(words('a')),
      ins(words('b')),
      eq('\n'),
    ]);
  });

  it('rebuilds both texts from the ops of a large in-place edit', () => {
    const lines = (p: string) =>
      Array.from({ length: 500 }, (_, i) => `line ${i} ${p}0 ${p}1 ${p}2 ${p}3 ${p}4\n`).join('');
    const ops = diffText(lines('w'), lines('v'));
    expect(
      ops
        .filter((o) => o.op !== 'insert')
        .map((o) => o.text)
        .join(''),
    ).toBe(lines('w'));
    expect(
      ops
        .filter((o) => o.op !== 'delete')
        .map((o) => o.text)
        .join(''),
    ).toBe(lines('v'));
    expect(ops.map((o) => o.op)).toEqual(['equal', 'delete', 'insert', 'equal']);
    expect(ops[0]).toEqual(eq('line 0 '));
  });
});

describe('merge and clean-up', () => {
  it("merges neighbours of one kind, puts a change's deletion first and drops empty ops", () => {
    expect(mergeOps([ins('a'), del('b'), eq(''), ins('c'), eq('d'), eq('e')])).toEqual([
      del('b'),
      ins('ac'),
      eq('de'),
    ]);
    expect(mergeOps([])).toEqual([]);
  });

  it('folds an equal piece no longer than the changes on both sides into them', () => {
    expect(cleanupSemantic([del('abc'), eq(' x '), ins('def'), eq('tail')])).toEqual([
      del('abc x '),
      ins(' x def'),
      eq('tail'),
    ]);
    expect(cleanupSemantic([del('ab'), ins('cd'), eq(' long equal text '), del('ef')])).toEqual([
      del('ab'),
      ins('cd'),
      eq(' long equal text '),
      del('ef'),
    ]);
    // Longer than one side's change: kept.
    expect(cleanupSemantic([del('abc'), eq('wxyz'), del('abcdefgh')])).toEqual([
      del('abc'),
      eq('wxyz'),
      del('abcdefgh'),
    ]);
    // A fold makes the next equal piece sit between two changes too: it is folded in the same pass.
    expect(cleanupSemantic([del('aaaa'), eq('b'), ins('cc'), eq('dd'), del('eeee')])).toEqual([
      del('aaaabddeeee'),
      ins('bccdd'),
    ]);
  });
});
