import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { RequestOf } from '../../../client';
import { flag, intOption, keyValues, listOption, positionalsExactly, stringOption } from '../args';
import type { Command } from '../context';
import { oneLine, usageError } from '../errors';
import { readUtf8 } from '../files';

interface DiffOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}
interface SectionDiff {
  key: string;
  title: string;
  status: 'added' | 'removed' | 'modified' | 'unchanged';
  changes?: DiffOp[];
}
interface LocaleDiff {
  stats: { linesAdded: number; linesRemoved: number; sectionsChanged: number };
  sections: SectionDiff[];
  /** Set by the service when the preview shows only part of the diff (see docs/API.md). */
  truncated?: boolean;
  window?: { shown: number; total: number };
}
interface Revision {
  policyId: string;
  version: number;
  change: string;
  format?: string;
  effectiveAt: string;
  locales: string[];
  hash: string;
  notify: boolean;
  defaultLocale?: string;
  titles?: Record<string, string>;
  baseVersion?: number;
  diff?: Record<string, LocaleDiff>;
}

export const publish: Command = {
  name: 'publish',
  summary: 'publish a revision from text files (or preview it with --dry-run)',
  usage: 'publish <policyId> --text LOCALE=FILE... (--material | --minor) [options]',
  help: `Arguments:
  <policyId>                 the policy, e.g. privacy

Options:
  --text LOCALE=FILE         a locale's full text, read as UTF-8 (repeat per locale; every locale
                             of the previous revision must be given again)
  --material | --minor       material: users must acknowledge again; minor: acknowledgments stay valid
  --format markdown|text     how the texts are written (default: markdown for .md/.markdown files,
                             text for any other; files of both kinds need --format)
  --title LOCALE=TEXT        the policy's title in that locale, e.g. en="Privacy Policy" (repeatable;
                             default: the text's first heading, or its first line)
  --summary LOCALE=TEXT      what changed, in that locale (repeatable)
  --summary-file LOCALE=FILE the same, read from a file (repeatable)
  --effective-at ISO         when it takes effect, e.g. 2026-12-01T00:00:00Z (default: now)
  --base-version N           fail with 409 VERSION_CONFLICT unless version N is the latest (0: none yet)
  --notify | --no-notify     email every customer (default: yes for material, no for minor)
  --dry-run                  show the would-be version and what changed per locale; store nothing
  --json                     print the API's answer as JSON

Needs a publisher token (--token, POLICY_TOKEN or POLICY_PUBLISHER_TOKEN).

Example:
  policyctl publish privacy --text vi=examples/privacy-policy-v2.vi.txt \\
    --text en=examples/privacy-policy-v2.en.txt --material --summary vi="Thêm mục 7" --dry-run`,
  options: {
    text: { type: 'string', multiple: true },
    material: { type: 'boolean' },
    minor: { type: 'boolean' },
    summary: { type: 'string', multiple: true },
    title: { type: 'string', multiple: true },
    'summary-file': { type: 'string', multiple: true },
    'effective-at': { type: 'string' },
    'base-version': { type: 'string' },
    notify: { type: 'boolean' },
    'no-notify': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    format: { type: 'string' },
  },
  async run(ctx, { values, positionals }) {
    const [policyId] = positionalsExactly(positionals, ['policyId']);
    const client = ctx.client('publisher');

    if (flag(values, 'material') === flag(values, 'minor'))
      throw usageError('pass exactly one of --material or --minor');
    if (flag(values, 'notify') && flag(values, 'no-notify'))
      throw usageError('pass --notify or --no-notify, not both');
    const textArgs = keyValues(listOption(values, 'text'), 'text', 'LOCALE=FILE');
    if (textArgs.length === 0) throw usageError('give at least one --text LOCALE=FILE');

    const texts: Record<string, string> = {};
    for (const [locale, file] of textArgs)
      texts[locale] = await readUtf8(ctx.io.cwd, file, `--text ${locale}`);

    const summaryArgs = [
      ...keyValues(listOption(values, 'summary'), 'summary', 'LOCALE=TEXT').map(([l, t]) => ({ l, t })),
      ...keyValues(listOption(values, 'summary-file'), 'summary-file', 'LOCALE=FILE').map(([l, f]) => ({
        l,
        f,
      })),
    ];
    const summary: Record<string, string> = {};
    for (const item of summaryArgs) {
      if (item.l in summary) throw usageError(`the summary for ${item.l} is given twice`);
      if ('f' in item) {
        summary[item.l] = (await readUtf8(ctx.io.cwd, item.f, `--summary-file ${item.l}`)).trim();
      } else {
        // `--summary vi=./s.vi.txt` almost certainly meant the file's content, not its name.
        if (/^\.{0,2}[/\\]|\.(txt|md)$/i.test(item.t) && existsSync(resolve(ctx.io.cwd, item.t))) {
          throw usageError(
            `--summary takes the text itself; to read ${item.t} use --summary-file ${item.l}=${item.t}`,
          );
        }
        summary[item.l] = item.t;
      }
    }

    const body: Record<string, unknown> = {
      texts,
      change: flag(values, 'material') ? 'material' : 'minor',
      format: documentFormat(stringOption(values, 'format'), textArgs),
    };
    if (Object.keys(summary).length > 0) body.summary = summary;
    const titles: Record<string, string> = {};
    for (const [locale, title] of keyValues(listOption(values, 'title'), 'title', 'LOCALE=TEXT')) {
      if (locale in titles) throw usageError(`the title for ${locale} is given twice`);
      titles[locale] = title;
    }
    if (Object.keys(titles).length > 0) body.titles = titles;
    const effectiveAt = stringOption(values, 'effective-at');
    if (effectiveAt !== undefined) body.effectiveAt = effectiveAt;
    const baseVersion = intOption(values, 'base-version', { min: 0 });
    if (baseVersion !== undefined) body.baseVersion = baseVersion;
    if (flag(values, 'notify')) body.notify = true;
    if (flag(values, 'no-notify')) body.notify = false;
    const dryRun = flag(values, 'dry-run');
    if (dryRun) body.dryRun = true;

    // The body is checked by the API (its errors name the field); the CLI only assembles it.
    const res = await client.call('publishRevision', {
      params: { policyId: policyId! },
      body: body as RequestOf<'publishRevision'>['body'],
    });
    const revision = res.data as Revision;
    if (ctx.json) await ctx.printJson(revision);
    else await ctx.out(dryRun ? describeDryRun(revision) : describePublished(revision));
    return 0;
  },
};

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown']);

/** `--format` when given, else what the files' extensions say (one format per revision). */
export function documentFormat(option: string | undefined, files: [string, string][]): 'markdown' | 'text' {
  if (option !== undefined) {
    if (option !== 'markdown' && option !== 'text')
      throw usageError(`--format must be markdown or text, not '${option}'`);
    return option;
  }
  const isMarkdown = (file: string) => MARKDOWN_EXTENSIONS.has(extname(file).toLowerCase());
  const markdown = files.filter(([, file]) => isMarkdown(file));
  if (markdown.length > 0 && markdown.length < files.length) {
    const text = files.find(([, file]) => !isMarkdown(file))!;
    throw usageError(
      `${markdown[0]![1]} is Markdown but ${text[1]} is not: a revision has one format; pass --format markdown or --format text`,
    );
  }
  return markdown.length > 0 ? 'markdown' : 'text';
}

/**
 * How the CLI names a revision: its human title in its default locale (as the service's `revisionTitle`)
 * with the policy id, or the id alone when it has no title.
 */
export function revisionLabel(r: Pick<Revision, 'policyId' | 'defaultLocale' | 'titles'>): string {
  const title =
    (r.defaultLocale ? r.titles?.[r.defaultLocale] : undefined) ?? Object.values(r.titles ?? {})[0];
  return title ? `“${title}” (${r.policyId})` : r.policyId;
}

function describePublished(r: Revision): string {
  const lines = [
    `published ${revisionLabel(r)} v${r.version} (${r.change})`,
    `  hash          ${r.hash}`,
    `  effective at  ${r.effectiveAt}`,
    `  locales       ${r.locales.join(', ')}`,
    `  format        ${r.format ?? 'text'}`,
    `  notify        ${r.notify ? `yes (follow it: policyctl notification ${r.policyId} ${r.version} --watch)` : 'no'}`,
  ];
  return `${lines.join('\n')}\n`;
}

const MAX_CHANGES_SHOWN = 6;

/**
 * How a section key is written before its title, as the policy writes its headings: `3. `, `3.1 `, `II. `.
 * Slug keys (un-numbered Markdown headings) and the preamble have no number to show.
 */
function sectionLabel(key: string): string {
  const base = key.replace(/#\d+$/, '');
  if (/^(?:\d+|[IVXLCDM]+)$/.test(base)) return `${base}. `;
  if (/^\d+(?:\.\d+)+$/.test(base)) return `${base} `;
  return '';
}

export function describeDryRun(r: Revision): string {
  const base = r.baseVersion ? `against v${r.baseVersion}` : 'first revision';
  const lines = [
    `dry run: ${revisionLabel(r)} would become v${r.version} (${r.change}, ${base}, effective ${r.effectiveAt}, notify ${r.notify ? 'yes' : 'no'})`,
    'nothing was stored',
  ];
  for (const [locale, diff] of Object.entries(r.diff ?? {})) {
    const { linesAdded, linesRemoved, sectionsChanged } = diff.stats;
    lines.push('');
    if (sectionsChanged === 0 && linesAdded === 0 && linesRemoved === 0) {
      lines.push(`[${locale}] no changes`);
      continue;
    }
    const plural = sectionsChanged === 1 ? 'section' : 'sections';
    lines.push(`[${locale}] ${sectionsChanged} ${plural} changed, +${linesAdded} -${linesRemoved} lines`);
    for (const section of diff.sections) {
      if (section.status === 'unchanged') continue;
      const label = sectionLabel(section.key);
      lines.push(`  ${section.status.padEnd(8)}  ${label}${oneLine(section.title, 100)}`);
      if (section.status !== 'modified') continue;
      const edits = (section.changes ?? []).filter((c) => c.op !== 'equal');
      for (const edit of edits.slice(0, MAX_CHANGES_SHOWN)) {
        const shown = oneLine(edit.text, 100);
        lines.push(
          `            ${edit.op === 'insert' ? '+' : '-'} ${shown ? `"${shown}"` : '(whitespace)'}`,
        );
      }
      if (edits.length > MAX_CHANGES_SHOWN)
        lines.push(`            … ${edits.length - MAX_CHANGES_SHOWN} more`);
    }
    if (diff.truncated && diff.window)
      lines.push(
        `  … the preview shows ${diff.window.shown} of ${diff.window.total} sections; after publishing, policyctl diff shows the rest`,
      );
  }
  return `${lines.join('\n')}\n`;
}
