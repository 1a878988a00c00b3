import { describe, expect, it } from 'vitest';
import {
  entryOf,
  foldReport,
  hasRuntimeCode,
  type Ledger,
  type Mutant,
  mutationScore,
  scopeStates,
  sourceHash,
} from '../../bin/mutation-score';

const at = (line: number, column: number, endColumn: number) => ({
  start: { line, column },
  end: { line, column: endColumn },
});
const source = 'const a = 1;\nif (a > 0) f();\nreturn a + 2;\n';
const mutants: Mutant[] = [
  {
    id: '3',
    mutatorName: 'ArithmeticOperator',
    replacement: 'a - 2',
    status: 'Survived',
    location: at(3, 8, 13),
  },
  {
    id: '1',
    mutatorName: 'EqualityOperator',
    replacement: 'a >= 0',
    status: 'Survived',
    location: at(2, 5, 10),
  },
  {
    id: '2',
    mutatorName: 'ConditionalExpression',
    replacement: 'true',
    status: 'Killed',
    location: at(2, 5, 10),
  },
  { id: '4', mutatorName: 'BlockStatement', replacement: '{}', status: 'NoCoverage', location: at(3, 1, 14) },
  { id: '5', mutatorName: 'StringLiteral', replacement: '""', status: 'NoCoverage', location: at(3, 1, 14) },
  {
    id: '6',
    mutatorName: 'BooleanLiteral',
    replacement: 'false',
    status: 'Timeout',
    location: at(1, 11, 12),
  },
  { id: '7', mutatorName: 'StringLiteral', replacement: '""', status: 'Ignored', location: at(1, 1, 5) },
];

describe('the mutation ledger', () => {
  it("keeps a file's counts, its survivors in line order with their text, and the lines no test reached", () => {
    const entry = entryOf({ source, mutants }, '2026-12-02');
    expect(entry).toEqual({
      source: sourceHash(source),
      measured: '2026-12-02',
      counts: { killed: 1, timeout: 1, survived: 2, noCoverage: 2, ignored: 1, errors: 0 },
      survivors: [
        { line: 2, mutator: 'EqualityOperator', original: 'a > 0', replacement: 'a >= 0' },
        { line: 3, mutator: 'ArithmeticOperator', original: 'a + 2', replacement: 'a - 2' },
      ],
      noCoverageLines: [3],
    });
    expect(mutationScore(entry.counts)).toBe(33.3);
  });

  it("replaces the files a run mutated and keeps every other file's result", () => {
    const old = entryOf({ source: 'x\n', mutants: [] }, '2026-12-01');
    const ledger: Ledger = { 'functions/domain/a.ts': old, 'functions/domain/b.ts': old };
    const next = foldReport(
      ledger,
      { files: { '/repo/functions/domain/b.ts': { source, mutants } } },
      '2026-12-02',
      '/repo',
    );
    expect(Object.keys(next).sort()).toEqual(['functions/domain/a.ts', 'functions/domain/b.ts']);
    expect(next['functions/domain/a.ts']).toBe(old);
    expect(next['functions/domain/b.ts']!.counts.survived).toBe(2);
    expect(ledger['functions/domain/b.ts']).toBe(old);
  });

  it('counts a file only while its source is the one that was mutated', () => {
    const ledger: Ledger = {
      'a.ts': entryOf({ source: 'same\n', mutants: [] }, '2026-12-02'),
      'b.ts': entryOf({ source: 'before\n', mutants: [] }, '2026-12-02'),
    };
    const current: Record<string, string> = { 'a.ts': 'same\n', 'b.ts': 'after\n', 'c.ts': 'new\n' };
    expect(scopeStates(ledger, ['a.ts', 'b.ts', 'c.ts'], (p) => current[p]!)).toEqual([
      { path: 'a.ts', state: 'measured' },
      { path: 'b.ts', state: 'stale' },
      { path: 'c.ts', state: 'unmeasured' },
    ]);
  });
});

describe('files with nothing to mutate', () => {
  it('tells a file of types alone from one with code', () => {
    expect(
      hasRuntimeCode(
        "import type { A } from './a';\nexport interface B { a: A }\nexport type C = B | null;\n",
      ),
    ).toBe(false);
    expect(hasRuntimeCode('export const D = 1;\n')).toBe(true);
    expect(hasRuntimeCode('export enum E { X }\n')).toBe(true);
    const ledger: Ledger = {};
    const texts: Record<string, string> = { 't.ts': 'export type T = 1;\n', 'c.ts': 'export const c = 1;\n' };
    expect(scopeStates(ledger, ['t.ts', 'c.ts'], (p) => texts[p]!)).toEqual([
      { path: 't.ts', state: 'type-only' },
      { path: 'c.ts', state: 'unmeasured' },
    ]);
  });
});
