/**
 * Issue 12 finding 1, second half: no regex over user input may backtrack (DESIGN.md decision 11).
 * Every regular expression literal and `new RegExp('…')` in the code that runs in Lambda or locally is
 * found with the TypeScript parser and run against pathological inputs: long runs of the characters
 * that make patterns backtrack, followed by a character that makes them fail. A quadratic pattern such
 * as `/\s+$/` takes seconds on these; a linear one microseconds. New patterns are checked automatically.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Found {
  where: string;
  regex: RegExp;
}

function regexesIn(file: string): Found[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Found[] = [];
  const where = (node: ts.Node) =>
    `${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isRegularExpressionLiteral(node)) {
      const literal = node.text;
      const end = literal.lastIndexOf('/');
      found.push({ where: where(node), regex: new RegExp(literal.slice(1, end), literal.slice(end + 1)) });
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp' &&
      node.arguments?.[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      const flags =
        node.arguments[1] && ts.isStringLiteralLike(node.arguments[1]) ? node.arguments[1].text : '';
      found.push({ where: where(node), regex: new RegExp(node.arguments[0].text, flags) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const all = ['functions', 'bin'].flatMap((dir) => sourceFiles(join(root, dir))).flatMap(regexesIn);

/**
 * Patterns that never see request input, each with the reason. Keyed by file and source, so the same
 * pattern applied to user input elsewhere is still checked.
 */
// None today: URL trimming went to a loop (`withoutTrailingSlashes`).
const configurationOnly: Record<string, { source: string; why: string }[]> = {};
const exempt = (f: Found) =>
  configurationOnly[f.where.split(':')[0]!]?.some((e) => e.source === f.regex.source) ?? false;

/** Runs that make typical patterns backtrack: letters, digits, spaces of every kind, separators, markup. */
const units = [
  'a',
  'A',
  '0',
  '1.',
  ' ',
  '\t',
  '\u3000',
  '\u00a0',
  '-',
  '.',
  '_',
  'a-',
  'a.',
  'a ',
  ' a',
  '#',
  '# ',
  '*',
  '**',
  '<',
  '>',
  '&',
  '@',
  'a@',
  ':',
  '/',
  '\\',
  '"',
  "'",
  '=',
  '(',
  '[',
  '`',
  '\n',
  '\n\n',
  '\r\n',
  'Điều ',
  'Mục 1.',
  '1.1.',
  'é',
  'e\u0301',
];
const tails = ['', '!', '\n', '\u0000', '\ud800', 'x', ' x'];
const RUN = 20_000;

describe('regular expressions over user input (issue 12 finding 1)', () => {
  it('finds the patterns in the code, including the ones that validate requests', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.some((f) => f.where.startsWith('functions/domain/ids.ts'))).toBe(true);
    expect(all.some((f) => f.where.startsWith('functions/domain/email.ts'))).toBe(true);
  });

  it('catches a quadratic pattern (the detector itself works)', () => {
    expect(slowest(/\s+$/u).ms).toBeGreaterThan(100);
  });

  it('runs every pattern in linear time on pathological inputs', () => {
    const slow = all
      .filter((f) => !exempt(f))
      .map((f) => ({ ...f, ...slowest(f.regex) }))
      .filter((f) => f.ms > 100)
      .map(
        (f) => `${f.where} ${f.regex} took ${f.ms.toFixed(0)} ms on ${JSON.stringify(f.input.slice(0, 12))}…`,
      );
    expect(slow).toEqual([]);
  });
});

function slowest(regex: RegExp): { ms: number; input: string } {
  let worst = { ms: 0, input: '' };
  for (const unit of units) {
    const run = unit.repeat(Math.ceil(RUN / unit.length));
    for (const tail of tails) {
      const input = run + tail;
      const copy = new RegExp(regex.source, regex.flags);
      const started = performance.now();
      // biome-ignore lint/suspicious/noAssignInExpressions: drain a global regex's matches
      if (copy.global) for (let m: RegExpExecArray | null; (m = copy.exec(input)) && m[0] !== ''; );
      else copy.test(input);
      input.replace(copy, '');
      const ms = performance.now() - started;
      if (ms > worst.ms) worst = { ms, input };
      if (ms > 100) return worst;
    }
  }
  return worst;
}
