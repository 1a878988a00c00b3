/**
 * Corpus benchmark: real policies, real revisions. With `CORPUS_DIR` set to a folder holding a
 * `manifest.json` (documents, each with its versions oldest first: `{documents: [{service, document,
 * versions: [{file}]}]}`), every consecutive pair of versions is normalised as a publish would, then
 * diffed as Markdown, and compared with `git diff --no-index --histogram --word-diff=porcelain -U0` of
 * the same two normalised files.
 *
 * Rows:
 * - `corpus.rejected`: versions publish would refuse, over the domain's size limit (`MAX_TEXT_BYTES`) or
 *   a Markdown text's line and markup limits (`markdownLimitProblem`); they are still diffed, so the
 *   other rows do not depend on the limits.
 * - `corpus.changeRatio.p90|p99|max`: reported change ÷ git's, per pair. Reported change = non-space
 *   characters of the insert and delete ops of every changed section; git's = non-space characters of
 *   the `+`/`-` lines of its porcelain word diff. A pair git sees no change in counts as 1 when nothing
 *   is reported either (it is left out otherwise, and counted in `corpus.changeRatio.unmatched`).
 * - `corpus.headingRecall.p10`: sections ÷ headings (`heading_open` tokens of a plain markdown-it parse)
 *   of each document's newest version, 10th percentile over the documents that have headings.
 * - `corpus.diffMs.p95` / `corpus.gitMs.p95`: a diff request as a warm function serves it (the older
 *   version's parse is still cached from the previous pair; the newer one is parsed), next to git's
 *   time for the same pair (process start included, as a caller of git would pay).
 * - `corpus.parseMs.p95`: the Markdown parse alone (one version, cold).
 *
 * Without `CORPUS_DIR` the rows are skipped, with a line on stderr saying so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { diffPolicyTexts, type PolicyDiff } from '../../functions/domain/diff/index';
import { parseDocument } from '../../functions/domain/document/index';
import { markdownLimitProblem } from '../../functions/domain/document/limits';
import { MAX_TEXT_BYTES, normalizeText, utf8Bytes } from '../../functions/domain/text';
import { type BenchRecord, percentile, round } from './common';

interface Manifest {
  documents: Array<{ service: string; document: string; versions: Array<{ file: string }> }>;
}

const nonSpace = (text: string) => text.replace(/\s+/gu, '').length;

/** Non-space characters inserted plus deleted in the changed sections of a diff. */
export function reportedChange(diff: PolicyDiff): number {
  let total = 0;
  for (const s of diff.sections) {
    if (s.status === 'unchanged') continue;
    for (const op of s.changes ?? []) if (op.op !== 'equal') total += nonSpace(op.text);
  }
  return total;
}

/** Non-space characters of the `+`/`-` lines of git's porcelain word diff of two files. */
export function gitWordChange(a: string, b: string): { chars: number; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(
    'git',
    ['diff', '--no-index', '--histogram', '--word-diff=porcelain', '-U0', '--no-color', a, b],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  const ms = performance.now() - t0;
  if (r.error !== undefined || (r.status !== 0 && r.status !== 1))
    throw new Error(`git diff failed: ${r.error?.message ?? r.stderr}`);
  let chars = 0;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('+++ ') || line.startsWith('--- ')) continue;
    if (line.startsWith('+') || line.startsWith('-')) chars += nonSpace(line.slice(1));
  }
  return { chars, ms };
}

export interface PairResult {
  name: string;
  reported: number;
  git: number;
  diffMs: number;
  gitMs: number;
}

export function corpusPairs(dir: string): {
  rejected: number;
  pairs: PairResult[];
  recalls: Array<{ name: string; recall: number }>;
  parseMs: number[];
} {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const counter = new MarkdownIt();
  const tmp = mkdtempSync(join(tmpdir(), 'corpus-bench-'));
  let rejected = 0;
  const pairs: PairResult[] = [];
  const recalls: Array<{ name: string; recall: number }> = [];
  const parseMs: number[] = [];
  try {
    for (const doc of manifest.documents) {
      const name = `${doc.service} / ${doc.document}`;
      const texts = doc.versions.map((v) => normalizeText(readFileSync(join(dir, v.file), 'utf8')));
      for (const t of texts)
        if (utf8Bytes(t) > MAX_TEXT_BYTES || markdownLimitProblem(t) !== null) rejected++;
      const newest = texts[texts.length - 1];
      if (newest !== undefined) {
        const headings = counter.parse(newest, {}).filter((t) => t.type === 'heading_open').length;
        const t0 = performance.now();
        const model = parseDocument(newest, 'markdown');
        parseMs.push(performance.now() - t0);
        if (headings > 0) recalls.push({ name, recall: model.sections.length / headings });
      }
      // Warm the older version's parse, as the previous pair (or its publish) left it.
      if (texts[0] !== undefined) diffPolicyTexts(texts[0], texts[0], 'markdown');
      for (let k = 1; k < texts.length; k++) {
        const a = join(tmp, 'old.md');
        const b = join(tmp, 'new.md');
        writeFileSync(a, texts[k - 1]!);
        writeFileSync(b, texts[k]!);
        const t0 = performance.now();
        const diff = diffPolicyTexts(texts[k - 1]!, texts[k]!, 'markdown');
        const diffMs = performance.now() - t0;
        const git = gitWordChange(a, b);
        pairs.push({
          name: `${name} v${k}→v${k + 1}`,
          reported: reportedChange(diff),
          git: git.chars,
          diffMs,
          gitMs: git.ms,
        });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { rejected, pairs, recalls, parseMs };
}

const sorted = (values: number[]) => [...values].sort((x, y) => x - y);

export async function runCorpusBench(): Promise<BenchRecord[]> {
  const dir = process.env.CORPUS_DIR;
  if (dir === undefined || dir === '') {
    process.stderr.write('  corpus: CORPUS_DIR is not set, corpus.* rows skipped\n');
    return [];
  }
  const { rejected, pairs, recalls, parseMs } = corpusPairs(dir);
  const ratios: number[] = [];
  let unmatched = 0;
  for (const p of pairs) {
    if (p.git > 0) ratios.push(p.reported / p.git);
    else if (p.reported === 0) ratios.push(1);
    else unmatched++;
  }
  const r = sorted(ratios);
  const recall = sorted(recalls.map((x) => x.recall));
  return [
    { name: 'corpus.pairs', value: pairs.length, unit: 'count' },
    { name: 'corpus.rejected', value: rejected, unit: 'count' },
    { name: 'corpus.changeRatio.p90', value: round(percentile(r, 90)), unit: 'ratio' },
    { name: 'corpus.changeRatio.p99', value: round(percentile(r, 99)), unit: 'ratio' },
    { name: 'corpus.changeRatio.max', value: round(r[r.length - 1] ?? Number.NaN), unit: 'ratio' },
    { name: 'corpus.changeRatio.unmatched', value: unmatched, unit: 'count' },
    { name: 'corpus.headingRecall.p10', value: round(percentile(recall, 10)), unit: 'ratio' },
    {
      name: 'corpus.diffMs.p95',
      value: round(percentile(sorted(pairs.map((p) => p.diffMs)), 95)),
      unit: 'ms',
    },
    { name: 'corpus.gitMs.p95', value: round(percentile(sorted(pairs.map((p) => p.gitMs)), 95)), unit: 'ms' },
    { name: 'corpus.parseMs.p95', value: round(percentile(sorted(parseMs), 95)), unit: 'ms' },
  ];
}
