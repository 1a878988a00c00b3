/**
 * How the word diff (functions/domain/diff/words.ts) treats each kind of changed region, every outcome
 * written out: large regions with as many new lines as old ones (line by line), with other line counts
 * (replaced), a rewrite (replaced), one long line on each side (token diff up to a larger size), a few
 * tokens (always diffed), the weighted match on a region of ~2,300 cells, ties, and a spent budget.
 */
import { describe, expect, it } from 'vitest';
import { WorkBudget } from '../../functions/domain/diff/budget';
import type { DiffOp } from '../../functions/domain/diff/types';
import { diffText, REGION_CHAR_LIMIT } from '../../functions/domain/diff/words';

const del = (text: string) => ({ op: 'delete' as const, text });
const ins = (text: string) => ({ op: 'insert' as const, text });
const eq = (text: string) => ({ op: 'equal' as const, text });
const words = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');
const sides = (ops: DiffOp[]) => ({
  old: ops
    .filter((o) => o.op !== 'insert')
    .map((o) => o.text)
    .join(''),
  new: ops
    .filter((o) => o.op !== 'delete')
    .map((o) => o.text)
    .join(''),
});

describe('large changed regions', () => {
  // 7,890 characters: two such lines on each side make a region over REGION_CHAR_LIMIT.
  const line = words('w', 1500);

  it('refines a large region line by line when it has as many new lines as old ones', () => {
    const oldText = `x ${line}\n${line} y\n`;
    const newText = `q ${line}\n${line} r\n`;
    expect(oldText.length + newText.length).toBeGreaterThan(REGION_CHAR_LIMIT);
    expect(diffText(oldText, newText)).toEqual([
      del('x'),
      ins('q'),
      eq(` ${line}\n${line} `),
      del('y'),
      ins('r'),
      eq('\n'),
    ]);
  });

  it('reports a large region with another number of lines as replaced, minus its common ends', () => {
    const oldText = `x ${line}\n${line} y\n`;
    const newText = `q ${line}\n${line} r\nthird\n`;
    expect(diffText(oldText, newText)).toEqual([
      del(`x ${line}\n${line} y`),
      ins(`q ${line}\n${line} r\nthird`),
      eq('\n'),
    ]);
  });

  it('reports a large region whose lines share few words as replaced', () => {
    const oldText = `${words('a', 1500)}\n${words('b', 1500)}\n`;
    const newText = `${words('c', 1500)}\n${words('d', 1500)}\n`;
    expect(diffText(oldText, newText)).toEqual([
      del(`${words('a', 1500)}\n${words('b', 1500)}`),
      ins(`${words('c', 1500)}\n${words('d', 1500)}`),
      eq('\n'),
    ]);
  });

  it('diffs one long line on each side token by token beyond the region limit', () => {
    const oldText = `x ${line} ${line} y\n`;
    const newText = `q ${line} ${line} r\n`;
    expect(oldText.length + newText.length).toBeGreaterThan(REGION_CHAR_LIMIT);
    expect(diffText(oldText, newText)).toEqual([
      del('x'),
      ins('q'),
      eq(` ${line} ${line} `),
      del('y'),
      ins('r'),
      eq('\n'),
    ]);
  });

  it('reports the lines left once the budget is spent as one replacement, the ones before word by word', () => {
    const lines = (tag: string) =>
      Array.from({ length: 400 }, (_, i) => `line ${i} ${words('x', 8)} ${tag}\n`).join('');
    const oldText = `${lines('old')}tail\n`;
    const newText = `${lines('new')}tail\n`;
    expect(oldText.length + newText.length).toBeGreaterThan(REGION_CHAR_LIMIT);
    const ops = diffText(oldText, newText, new WorkBudget(60_000));
    expect(sides(ops)).toEqual({ old: oldText, new: newText });
    const replaced = ops.findIndex((o) => o.op === 'delete' && o.text.length > 3);
    expect(replaced).toBeGreaterThan(0);
    // Before it: `old` → `new` on each line; then the rest, up to the unchanged last line.
    const refined = ops.slice(0, replaced);
    expect(refined.filter((o) => o.op === 'delete').every((o) => o.text === 'old')).toBe(true);
    const lastRefined = refined.filter((o) => o.op === 'delete').length;
    expect(lastRefined).toBeGreaterThan(10);
    expect(lastRefined).toBeLessThan(400);
    // The rest: from the last refined line's tag to the end of the region.
    const rest = (text: string) =>
      text.slice(text.indexOf(`\nline ${lastRefined + 1} `), text.indexOf('tail\n'));
    expect(ops.slice(replaced)).toEqual([
      del(`old${rest(oldText)}`),
      ins(`new${rest(newText)}`),
      eq('tail\n'),
    ]);
    // With budget enough, every line is refined.
    const all = diffText(oldText, newText);
    expect(all.filter((o) => o.op === 'delete')).toEqual(Array.from({ length: 400 }, () => del('old')));
  });
});

describe('small changed regions', () => {
  const long = 'LONGCOMMONWORDXXXXXXXX';

  it('diffs a region of a few tokens even when its sides share few words', () => {
    expect(diffText(`aaaa bbbb ${long} cccc dddd\n`, `eeee ffff ${long} gggg hhhh\n`)).toEqual([
      del('aaaa bbbb'),
      ins('eeee ffff'),
      eq(` ${long} `),
      del('cccc dddd'),
      ins('gggg hhhh'),
      eq('\n'),
    ]);
  });

  it('reports a region of more than 40 tokens sharing under a fifth of its words as replaced', () => {
    const oldLine = `${words('a', 10)} ${long} ${words('b', 10)}`;
    const newLine = `${words('c', 10)} ${long} ${words('d', 10)}`;
    expect(diffText(`${oldLine}\n`, `${newLine}\n`)).toEqual([del(oldLine), ins(newLine), eq('\n')]);
  });

  it('finds the weighted match on a region of 45 × 51 tokens', () => {
    const w = Array.from({ length: 23 }, (_, i) => `w${i}`);
    const v = [...w];
    v[0] = 'NEW0';
    v[5] = 'NEW5';
    v[22] = 'NEW22';
    v.splice(10, 0, 'add1');
    v.splice(20, 0, 'add2', 'add3');
    expect(diffText(`${w.join(' ')}\n`, `${v.join(' ')}\n`)).toEqual([
      del('w0'),
      ins('NEW0'),
      eq(' w1 w2 w3 w4 '),
      del('w5'),
      ins('NEW5'),
      eq(' w6 w7 w8 w9 '),
      ins('add1 '),
      eq('w10 w11 w12 w13 w14 w15 w16 w17 w18 '),
      ins('add2 add3 '),
      eq('w19 w20 w21 '),
      del('w22'),
      ins('NEW22'),
      eq('\n'),
    ]);
  });

  it('resolves equally good matches the same way every time: the earliest old token is kept', () => {
    expect(diffText('a b a\n', 'a\n')).toEqual([eq('a'), del(' b a'), eq('\n')]);
    expect(diffText('a\n', 'a b a\n')).toEqual([eq('a'), ins(' b a'), eq('\n')]);
    expect(diffText('x y x y\n', 'y x\n')).toEqual([del('x '), eq('y x'), del(' y'), eq('\n')]);
    expect(diffText('one two one\n', 'two one two\n')).toEqual([
      del('one '),
      eq('two one'),
      ins(' two'),
      eq('\n'),
    ]);
  });
});

describe('changes at line ends', () => {
  it('slides a deleted or inserted run that ends mid-line to end on the line break', () => {
    // Not `alpha one[\n\nbeta][ two]\n`: the insertion stays, the deleted lines are struck whole.
    expect(diffText('alpha one\n\nbeta\n', 'alpha one two\n')).toEqual([
      eq('alpha one'),
      ins(' two'),
      eq('\n'),
      del('\nbeta\n'),
    ]);
    expect(diffText('alpha one two\n', 'alpha one\n\nbeta\n')).toEqual([
      eq('alpha one'),
      del(' two'),
      eq('\n'),
      ins('\nbeta\n'),
    ]);
    // A change inside a line stays where it is.
    expect(diffText('a b c\nd\n', 'a b\nd\n')).toEqual([eq('a b'), del(' c'), eq('\nd\n')]);
  });
});
