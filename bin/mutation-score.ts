/**
 * The last step of `npm run mutate`: folds StrykerJS's JSON report(s) (reports/mutation/mutation.json,
 * or the files given) into the mutation ledger, docs/mutation-ledger.json, and from the ledger
 * - merges `{"name": "quality.mutationScore", "value": <score>, "unit": "%"}` (and the counts behind it)
 *   into bench-results.json, keeping every other record;
 * - writes docs/MUTATION.md: the score per file, every surviving or uncovered mutant, and the files of
 *   the scope that have no valid result;
 * - rewrites the figures between the `mutation:start` / `mutation:end` markers of README.md.
 *
 * The ledger keeps, per source file, the result of the last run that mutated it and the SHA-256 of the
 * source it mutated. A run over some files (`npx stryker run --mutate <file>`) replaces those files'
 * entries and keeps the others, so the scope (about 7,600 mutants, hours on two cores) can be measured
 * over several sittings; an entry whose file has changed since is stale and counts for nothing until
 * the file is run again. (A change to the tests alone does not make an entry stale: re-run the files
 * whose tests changed.) Stryker's own incremental file (reports/, not kept in git) cannot carry results
 * from one clone to the next; the ledger, a few hundred KB of counts and survivors, can.
 *
 * The score is Stryker's mutation score: detected (killed or timed out) ÷ (detected + survived + no
 * coverage); ignored mutants and ones that do not compile or crash the run count for neither side.
 *
 * Usage: `tsx bin/mutation-score.ts [report.json ...]` (run by `npm run mutate` after `stryker run`), or
 * `tsx bin/mutation-score.ts --ledger` to write the outputs again from the ledger alone.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export type Status =
  | 'Killed'
  | 'Survived'
  | 'NoCoverage'
  | 'Timeout'
  | 'CompileError'
  | 'RuntimeError'
  | 'Ignored'
  | 'Pending';

export interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: Status;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

export interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

export interface Counts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  errors: number;
}

export function countsOf(mutants: Mutant[]): Counts {
  const c: Counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const m of mutants) {
    if (m.status === 'Killed') c.killed++;
    else if (m.status === 'Timeout') c.timeout++;
    else if (m.status === 'Survived') c.survived++;
    else if (m.status === 'NoCoverage') c.noCoverage++;
    else if (m.status === 'Ignored') c.ignored++;
    else c.errors++;
  }
  return c;
}

/** Stryker's mutation score in percent, one decimal; NaN when nothing was valid. */
export function mutationScore(c: Counts): number {
  const detected = c.killed + c.timeout;
  const valid = detected + c.survived + c.noCoverage;
  return valid === 0 ? Number.NaN : Math.round((detected / valid) * 1000) / 10;
}

/** The same among the mutants some test ran (what the tests check, leaving out what no test reaches). */
export function coveredScore(c: Counts): number {
  return mutationScore({ ...c, noCoverage: 0 });
}

interface BenchRecord {
  name: string;
  value: number;
  unit: string;
}

/** `existing` with `records` replacing the entries of the same name, new ones appended. */
export function mergeRecords(existing: BenchRecord[], records: BenchRecord[]): BenchRecord[] {
  const names = new Set(records.map((r) => r.name));
  return [...existing.filter((r) => !names.has(r.name)), ...records];
}

/** The mutated source text, on one line and shortened, for the listing. */
function originalText(source: string, m: Mutant): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  const text =
    start.line === end.line
      ? lines[start.line - 1]!.slice(start.column - 1, end.column - 1)
      : `${lines[start.line - 1]!.slice(start.column - 1)} …`;
  return shorten(text);
}

const shorten = (s: string, max = 80) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};
const cell = (s: string) => `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;

export const LEDGER_PATH = 'docs/mutation-ledger.json';
/** What `stryker.config.json` mutates: every TypeScript file under these folders. */
export const SCOPE = ['functions/domain', 'functions/usecases'];

export interface Survivor {
  line: number;
  mutator: string;
  original: string;
  replacement: string;
}

export interface LedgerEntry {
  /** `sha256:` of the source the run mutated. */
  source: string;
  /** Day of the run (UTC). */
  measured: string;
  counts: Counts;
  survivors: Survivor[];
  /** Lines of the mutants no test reached (each once; `counts.noCoverage` says how many mutants). */
  noCoverageLines: number[];
  /** Where the entry came from when not from a run of this script (e.g. carried over from an older listing). */
  note?: string;
}

export type Ledger = Record<string, LedgerEntry>;

export const sourceHash = (text: string) =>
  `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

/** One file's ledger entry from its part of a Stryker report. */
export function entryOf(file: { source: string; mutants: Mutant[] }, measured: string): LedgerEntry {
  const byLine = (a: Mutant, b: Mutant) =>
    a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column;
  return {
    source: sourceHash(file.source),
    measured,
    counts: countsOf(file.mutants),
    survivors: file.mutants
      .filter((m) => m.status === 'Survived')
      .sort(byLine)
      .map((m) => ({
        line: m.location.start.line,
        mutator: m.mutatorName,
        original: originalText(file.source, m),
        replacement: shorten(m.replacement ?? ''),
      })),
    noCoverageLines: [
      ...new Set(file.mutants.filter((m) => m.status === 'NoCoverage').map((m) => m.location.start.line)),
    ].sort((a, b) => a - b),
  };
}

/** `ledger` with every file of `report` replaced by its new result (paths relative to `root`). */
export function foldReport(ledger: Ledger, report: Report, measured: string, root: string): Ledger {
  const next = { ...ledger };
  for (const [path, file] of Object.entries(report.files))
    next[relative(root, path) || path] = entryOf(file, measured);
  return next;
}

export type FileState = 'measured' | 'stale' | 'unmeasured' | 'type-only';

/**
 * Whether a TypeScript source compiles to any JavaScript (a file of types and interfaces alone gives
 * Stryker nothing to mutate, and no entry in its report).
 */
export function hasRuntimeCode(source: string): boolean {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, removeComments: true },
  }).outputText;
  return js.replace(/export \{\};?/g, '').trim() !== '';
}

/**
 * Each file of the scope with its state: measured (its entry's source is the current one), stale (the
 * file changed since its run), unmeasured (never run) or type-only (no code to mutate). `read` gives a
 * file's current text.
 */
export function scopeStates(
  ledger: Ledger,
  files: string[],
  read: (path: string) => string,
): { path: string; state: FileState }[] {
  return files.map((path) => {
    const entry = ledger[path];
    const source = read(path);
    const state: FileState =
      entry !== undefined
        ? entry.source === sourceHash(source)
          ? 'measured'
          : 'stale'
        : hasRuntimeCode(source)
          ? 'unmeasured'
          : 'type-only';
    return { path, state };
  });
}

/** The TypeScript files under the scope's folders, sorted. */
function scopeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(path);
    }
  };
  for (const dir of SCOPE) walk(dir);
  return out.sort();
}

const sumCounts = (all: Counts[]): Counts =>
  all.reduce(
    (a, c) => ({
      killed: a.killed + c.killed,
      timeout: a.timeout + c.timeout,
      survived: a.survived + c.survived,
      noCoverage: a.noCoverage + c.noCoverage,
      ignored: a.ignored + c.ignored,
      errors: a.errors + c.errors,
    }),
    { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 },
  );

function main() {
  const root = process.cwd();
  // No report named: Stryker's default one; `--ledger`: none (the outputs from the ledger alone).
  const args = process.argv.slice(2);
  const reports = args.filter((a) => a !== '--ledger');
  if (reports.length === 0 && !args.includes('--ledger')) reports.push('reports/mutation/mutation.json');
  let ledger: Ledger = existsSync(LEDGER_PATH) ? JSON.parse(readFileSync(LEDGER_PATH, 'utf8')) : {};
  const date = new Date().toISOString().slice(0, 10);
  for (const reportPath of reports) {
    if (!existsSync(reportPath)) {
      process.stderr.write(`${reportPath} not found: run \`npm run mutate\` (StrykerJS) first\n`);
      process.exit(1);
    }
    ledger = foldReport(ledger, JSON.parse(readFileSync(reportPath, 'utf8')) as Report, date, root);
  }
  const sorted = Object.fromEntries(Object.entries(ledger).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(LEDGER_PATH, `${JSON.stringify(sorted, null, 1)}\n`);

  const states = scopeStates(ledger, scopeFiles(root), (p) => readFileSync(join(root, p), 'utf8'));
  const measured = states
    .filter((s) => s.state === 'measured')
    .map((s) => ({ path: s.path, ...ledger[s.path]! }));
  const missing = states.filter((s) => s.state === 'stale' || s.state === 'unmeasured');
  const typeOnly = states.filter((s) => s.state === 'type-only').length;
  const all = sumCounts(measured.map((f) => f.counts));
  const score = mutationScore(all);
  const covered = coveredScore(all);
  const withCode = states.length - typeOnly;
  const scopeNote =
    (missing.length === 0
      ? `every one of the ${withCode} files of the scope that hold code measured`
      : `${measured.length} of the ${withCode} files of the scope that hold code measured; ${missing.length} not ` +
        `(listed in docs/MUTATION.md)`) + ` (${typeOnly} more hold only types)`;

  const records: BenchRecord[] = [
    { name: 'quality.mutationScore', value: score, unit: '%' },
    { name: 'quality.mutationScoreCovered', value: covered, unit: '%' },
    { name: 'quality.mutantsKilled', value: all.killed + all.timeout, unit: 'mutants' },
    { name: 'quality.mutantsSurvived', value: all.survived, unit: 'mutants' },
    { name: 'quality.mutantsNoCoverage', value: all.noCoverage, unit: 'mutants' },
    { name: 'quality.mutationFilesMeasured', value: measured.length, unit: 'files' },
    { name: 'quality.mutationFilesInScope', value: withCode, unit: 'files' },
  ];
  const existing: BenchRecord[] = existsSync('bench-results.json')
    ? JSON.parse(readFileSync('bench-results.json', 'utf8'))
    : [];
  writeFileSync('bench-results.json', `${JSON.stringify(mergeRecords(existing, records), null, 2)}\n`);

  const md: string[] = [
    '# Mutation testing: surviving mutants',
    '',
    `Generated by \`bin/mutation-score.ts\` (after \`npm run mutate\`, StrykerJS, \`stryker.config.json\`) ` +
      `from [the ledger](mutation-ledger.json) on ${date}; do not edit by hand.`,
    '',
    `Mutation score **${score} %** (${all.killed + all.timeout} detected, ${all.survived} survived, ` +
      `${all.noCoverage} not reached by any of the unit tests in \`vitest.mutation.config.ts\`); ` +
      `${covered} % of the mutants some test reaches. ${all.ignored} static mutants ignored (\`ignoreStatic\`). ` +
      `Scope: ${scopeNote}.`,
    '',
    '| File | Run on | Score | Detected | Survived | No coverage |',
    '| ---- | ------ | ----: | -------: | -------: | ----------: |',
    ...measured.map((f) => {
      // A file whose mutants are all static (ignored) has no score.
      const fileScore = mutationScore(f.counts);
      return (
        `| \`${f.path}\` | ${f.measured} | ${Number.isNaN(fileScore) ? 'n/a (static only)' : `${fileScore} %`} | ` +
        `${f.counts.killed + f.counts.timeout} | ${f.counts.survived} | ${f.counts.noCoverage} |`
      );
    }),
  ];
  if (missing.length > 0)
    md.push(
      '',
      '## Files without a valid result',
      '',
      'Not in the score: never run (`unmeasured`), or changed since their run (`stale`). Measure them with',
      '`npx stryker run --mutate <file>` and then `npx tsx bin/mutation-score.ts`.',
      '',
      ...missing.map((s) => `- \`${s.path}\`: ${s.state}`),
    );
  md.push(
    '',
    '## Survivors by file',
    '',
    'A survivor is a change to the code that every test covering it still passes. Mutants no test reaches',
    'are counted per file above and listed here only by line.',
  );
  for (const f of measured) {
    if (f.survivors.length === 0 && f.noCoverageLines.length === 0) continue;
    md.push('', `### \`${f.path}\``, '');
    if (f.survivors.length > 0) {
      md.push('| Line | Mutator | Original | Replacement |', '| ---: | ------- | -------- | ----------- |');
      for (const m of f.survivors)
        md.push(`| ${m.line} | ${m.mutator} | ${cell(m.original)} | ${cell(m.replacement)} |`);
    }
    if (f.noCoverageLines.length > 0)
      md.push('', `No coverage: ${f.counts.noCoverage} mutants on lines ${f.noCoverageLines.join(', ')}.`);
  }
  writeFileSync('docs/MUTATION.md', `${md.join('\n')}\n`);

  const readme = readFileSync('README.md', 'utf8');
  const start = '<!-- mutation:start -->';
  const end = '<!-- mutation:end -->';
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a >= 0 && b > a) {
    const block =
      `${start}\nLedger of ${date}: mutation score **${score} %** ` +
      `(${all.killed + all.timeout} mutants detected, ${all.survived} survived, ${all.noCoverage} not reached ` +
      `by these unit tests; ${covered} % of the reached ones detected); ${scopeNote}.\n${end}`;
    writeFileSync('README.md', readme.slice(0, a) + block + readme.slice(b + end.length));
  }
  process.stdout.write(
    `mutation score ${score} % (covered ${covered} %): ${all.killed + all.timeout} detected, ` +
      `${all.survived} survived, ${all.noCoverage} no coverage; ${scopeNote}; ` +
      `wrote ${LEDGER_PATH}, bench-results.json, docs/MUTATION.md\n`,
  );
}

if (process.argv[1]?.endsWith('mutation-score.ts')) main();
