/**
 * Diff engine benchmark: `diffPolicyTexts` + `unifiedDiff` in process, next to
 * `git diff --no-index --no-color` on the same file pair (spawned, so its figure includes process start,
 * which is what a caller of git would pay).
 *
 * Inputs: synthetic policies of 1k, 10k and 50k lines (numbered sections, sentence-like paragraphs and
 * indented list items built from the fixture's own syllables with a seeded PRNG, so every run measures
 * the same texts; lines are nearly all unique), revised with
 * - `1` / `30`: that percentage of lines edited — half get one or two words replaced, a quarter are
 *   rewritten, an eighth deleted, an eighth get a new line inserted after them;
 * - `100`: full rewrite — every line replaced by a fresh one (same structure, new words);
 * and the fixture with a realistic revision (`fixture.edit`: a few word edits and one new section that
 * renumbers the ones after it).
 *
 * Records `diff.<lines>.<percent>.engineMs|gitMs|ratioToGit` (medians of alternating runs after a
 * warm-up) and `diff.ratioToGit.max`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffPolicyTexts, unifiedDiff } from '../../functions/domain/diff/index';
import { normalizeText } from '../../functions/domain/text';

export interface BenchRecord {
  name: string;
  value: number;
  unit: string;
}

// The project's example policy and its second revision (a new section, renumbering, four edits).
const EXAMPLE_URL = new URL('../../examples/privacy-policy.vi.txt', import.meta.url);
const EXAMPLE_V2_URL = new URL('../../examples/privacy-policy-v2.vi.txt', import.meta.url);

/** Small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vocabulary(): string[] {
  const text = readFileSync(EXAMPLE_URL, 'utf8');
  const words = new Set(text.match(/[\p{L}\p{M}]+/gu) ?? []);
  return [...words];
}

class TextGen {
  constructor(
    private readonly rand: () => number,
    private readonly words: string[],
  ) {}

  private word(): string {
    // Skewed towards the start of the list, like real word frequencies.
    const r = this.rand();
    return this.words[Math.floor(r * r * this.words.length)]!;
  }

  sentence(min = 8, max = 32): string {
    const n = min + Math.floor(this.rand() * (max - min));
    const parts: string[] = [];
    for (let k = 0; k < n; k++) {
      let w = this.word();
      if (k === 0) w = w[0]!.toUpperCase() + w.slice(1);
      if (k > 0 && k < n - 1 && this.rand() < 0.08) w += ',';
      parts.push(w);
    }
    return `${parts.join(' ')}.`;
  }

  title(): string {
    const s = this.sentence(3, 8).slice(0, -1);
    return s;
  }

  private paragraphs(out: string[]): void {
    const paragraphs = 1 + Math.floor(this.rand() * 3);
    for (let p = 0; p < paragraphs; p++) {
      out.push(this.sentence(12, 40));
      if (this.rand() < 0.5) {
        const items = 2 + Math.floor(this.rand() * 5);
        out.push('');
        for (let i = 1; i <= items; i++) out.push(` ${i}. ${this.sentence()}`);
      }
      out.push('');
    }
  }

  /**
   * A policy of `lines` lines: chapters `N. Title` with an introduction and subsections `N.M Title`,
   * each with paragraphs and indented list items.
   */
  document(lines: number): string[] {
    const out: string[] = ['CHÍNH SÁCH BẢO MẬT', '', this.sentence(), ''];
    let chapter = 0;
    while (out.length < lines) {
      chapter++;
      out.push(`${chapter}. ${this.title()}`, '');
      this.paragraphs(out);
      const subsections = 2 + Math.floor(this.rand() * 6);
      for (let sub = 1; sub <= subsections; sub++) {
        out.push(`${chapter}.${sub} ${this.title()}`, '');
        this.paragraphs(out);
      }
    }
    return out.slice(0, lines);
  }

  /** Edits about `percent`% of the non-blank lines (see the module comment); 100 = full rewrite. */
  revise(doc: string[], percent: number): string[] {
    if (percent >= 100) {
      return doc.map((line) => {
        if (line === '') return line;
        const heading = /^\d+(?:\.\d+)*\.? /.exec(line);
        if (heading !== null) return heading[0] + this.title();
        if (line.startsWith(' '))
          return line.replace(/^( \d+\. ).*$/, (_m, p: string) => p + this.sentence());
        return this.sentence(12, 40);
      });
    }
    const out: string[] = [];
    for (const line of doc) {
      if (line === '' || this.rand() * 100 >= percent) {
        out.push(line);
        continue;
      }
      const kind = this.rand();
      if (kind < 0.5) {
        const words = line.split(' ');
        const edits = 1 + Math.floor(this.rand() * 2);
        for (let e = 0; e < edits; e++) {
          const at = 1 + Math.floor(this.rand() * (words.length - 1));
          if (at < words.length) words[at] = this.word();
        }
        out.push(words.join(' '));
      } else if (kind < 0.75) {
        out.push(line.startsWith(' ') ? ` 1. ${this.sentence()}` : this.sentence(12, 40));
      } else if (kind < 0.875) {
        // deleted
      } else {
        out.push(line, this.sentence());
      }
    }
    return out;
  }
}

/** The synthetic old/new pair for one benchmark row (normalised). */
export function syntheticPair(lines: number, percent: number, words = vocabulary()): [string, string] {
  const doc = new TextGen(prng(lines), words).document(lines);
  const revised = new TextGen(prng(lines * 1000 + percent), words).revise(doc, percent);
  return [normalizeText(doc.join('\n')), normalizeText(revised.join('\n'))];
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Median times of the engine (`diffPolicyTexts` + `unifiedDiff`, in process) and of `git diff
 * --no-index` on the same pair, measured alternately after a warm-up so that both see the same machine
 * conditions (other processes, CPU frequency) rather than one of them getting a quiet minute.
 */
function timeCase(
  dir: string,
  oldText: string,
  newText: string,
  runs: number,
): { engineMs: number; gitMs: number } {
  const a = join(dir, 'old.txt');
  const b = join(dir, 'new.txt');
  writeFileSync(a, oldText);
  writeFileSync(b, newText);
  const engine = () => {
    const t0 = performance.now();
    diffPolicyTexts(oldText, newText);
    unifiedDiff(oldText, newText, { oldLabel: 'old', newLabel: 'new' });
    return performance.now() - t0;
  };
  const git = () => {
    const t0 = performance.now();
    const r = spawnSync('git', ['diff', '--no-index', '--no-color', a, b], {
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    });
    const ms = performance.now() - t0;
    // Exit status 1 just means the files differ.
    if (r.error !== undefined || (r.status !== 0 && r.status !== 1)) {
      throw new Error(`git diff failed: ${r.error?.message ?? r.stderr}`);
    }
    return ms;
  };
  for (let k = 0; k < 3; k++) engine();
  git();
  const engineTimes: number[] = [];
  const gitTimes: number[] = [];
  for (let k = 0; k < runs; k++) {
    if (k % 2 === 0) {
      engineTimes.push(engine());
      gitTimes.push(git());
    } else {
      gitTimes.push(git());
      engineTimes.push(engine());
    }
  }
  return { engineMs: median(engineTimes), gitMs: median(gitTimes) };
}

export async function runDiffBench(): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'diff-bench-'));
  try {
    const cases: Array<{ lines: string; percent: string; old: string; new: string; runs: number }> = [];
    const words = vocabulary();
    for (const [label, size, runs] of [
      ['1k', 1_000, 21],
      ['10k', 10_000, 9],
      ['50k', 50_000, 7],
    ] as const) {
      for (const percent of [1, 30, 100]) {
        const [a, b] = syntheticPair(size, percent, words);
        cases.push({ lines: label, percent: String(percent), old: a, new: b, runs });
      }
    }
    cases.push({
      lines: 'fixture',
      percent: 'edit',
      old: normalizeText(readFileSync(EXAMPLE_URL, 'utf8')),
      new: normalizeText(readFileSync(EXAMPLE_V2_URL, 'utf8')),
      runs: 21,
    });
    let maxRatio = 0;
    for (const c of cases) {
      const { engineMs, gitMs } = timeCase(dir, c.old, c.new, c.runs);
      const ratio = engineMs / gitMs;
      maxRatio = Math.max(maxRatio, ratio);
      const base = `diff.${c.lines}.${c.percent}`;
      records.push(
        { name: `${base}.engineMs`, value: round(engineMs), unit: 'ms' },
        { name: `${base}.gitMs`, value: round(gitMs), unit: 'ms' },
        { name: `${base}.ratioToGit`, value: round(ratio), unit: 'ratio' },
      );
    }
    records.push({ name: 'diff.ratioToGit.max', value: round(maxRatio), unit: 'ratio' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return records;
}
