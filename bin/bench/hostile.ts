/**
 * Worst cases of the public and publish routes (issue 12, "bounded responses"): texts at the largest
 * accepted size (2 MiB after normalisation; for Markdown also as many lines and as much inline markup as
 * accepted, functions/domain/document/limits.ts) in pathological shapes, published as version 1 and 2, then
 * every route that shows them — the diff as JSON, unified and HTML, the redline, revision reads, text
 * pages and a dry-run publish — called through the very Lambda handlers.
 *
 * The store is an in-memory PolicyStore, so the CPU figure is the handler's own work (what a Lambda
 * instance spends), not the embedded DynamoDB's. CPU is `process.cpuUsage` (user + system) around one
 * call (the first route of the first shape is called once before, to warm the code up).
 *
 * Response bytes are those of the Lambda response payload (status, headers and body as JSON), which
 * is what the 6 MB limit applies to.
 *
 * Records `hostile.<shape>.maxResponseBytes|maxDiffCpuMs`, and over every shape and route
 * `hostile.maxResponseBytes` (goal ≤ 6,000,000) and `hostile.maxDiffCpuMs` (goal ≤ 1,000), and over the
 * other routes (publish, revision read, text pages) `hostile.maxOtherCpuMs` (goal ≤ 1,000 too: no route
 * spends more than a second on an accepted input).
 */

import {
  MAX_MARKDOWN_LINES,
  MAX_MARKDOWN_MARKUP,
  markdownShape,
} from '../../functions/domain/document/limits';
import type { DocumentFormat } from '../../functions/domain/revision';
import { MAX_TEXT_BYTES, utf8Bytes } from '../../functions/domain/text';
import { createPublishHandler } from '../../functions/handlers/publish';
import { createReadHandler } from '../../functions/handlers/read';
import type { ApiEvent, ApiResponse } from '../../functions/http/api';
import { matchRoute, routeKey } from '../../functions/http/routes';
import { RevisionCatalog } from '../../functions/usecases/catalog';
// Revisions and texts in memory (the same fake the use-case tests run on): the handlers' CPU without any store's.
import { MemoryPolicyStore } from '../../test/support/memory-ports';
import type { BenchRecord } from './common';

/**
 * Repeats `unit(i)` while the result stays within the per-locale limit and, for Markdown, within its
 * line and inline-markup limits (`document/limits.ts`): the largest text of that shape publish accepts.
 */
function fill(unit: (i: number) => string, format: DocumentFormat = 'text', head = ''): string {
  const limit = MAX_TEXT_BYTES - 64;
  const parts: string[] = [head];
  let bytes = utf8Bytes(head);
  let { lines, markup } = markdownShape(head);
  for (let i = 0; ; i++) {
    const piece = unit(i);
    const size = utf8Bytes(piece);
    const shape = markdownShape(piece);
    if (bytes + size > limit) break;
    if (
      format === 'markdown' &&
      (lines + shape.lines > MAX_MARKDOWN_LINES || markup + shape.markup > MAX_MARKDOWN_MARKUP)
    )
      break;
    parts.push(piece);
    bytes += size;
    lines += shape.lines;
    markup += shape.markup;
  }
  return parts.join('');
}

/** Plain words that make a line long (different per `i`, so lines do not repeat). */
const pad = (i: number) => `words ${i % 97} of ${i % 89} in the text ${i} here`;

interface Shape {
  name: string;
  format: DocumentFormat;
  old: string;
  new: string;
}

/** Exported for profiling one shape and route on its own. */
export const shapes = (): Shape[] => [
  // Thousands of tiny numbered sections, every one changed.
  {
    name: 'tinySections',
    format: 'text',
    old: fill((i) => `${i + 1}. a\n`),
    new: fill((i) => `${i + 1}. b\n`),
  },
  // Repeated short lines (no unique line to anchor on), every one changed.
  { name: 'tinyLines', format: 'text', old: fill((i) => `a${i % 7}\n`), new: fill((i) => `b${i % 5}\n`) },
  // One 2 MiB line, a third of its words changed.
  {
    name: 'longLine',
    format: 'text',
    old: `${fill((i) => `w${i} `)}\n`,
    new: `${fill((i) => (i % 3 ? `w${i} ` : `v${i} `))}\n`,
  },
  // Characters every escape multiplies (HTML `&quot;` is 6 bytes for 1).
  {
    name: 'escapes',
    format: 'text',
    old: fill((i) => `${i + 1}. &<"'>\n`),
    new: fill((i) => `${i + 1}. "'<>&\n`),
  },
  // Long inner runs of whitespace, every line changed.
  {
    name: 'whitespace',
    format: 'text',
    old: fill((i) => `${i + 1}.${' '.repeat(40)}x\u3000\u3000y\n`),
    new: fill((i) => `${i + 1}.${'\t'.repeat(40)}z\u3000 y\n`),
  },
  // Markdown whose rendering multiplies it: tiny headings, links and emphasis, as many lines and as much
  // inline markup as accepted, each line long enough to reach 2 MiB.
  {
    name: 'markdown',
    format: 'markdown',
    old: fill((i) => (i % 2 ? `- [a](https://e.x/${i}) *b* ${pad(i)}\n` : `## ${i} ${pad(i)}\n`), 'markdown'),
    new: fill(
      (i) => (i % 2 ? `- [c](https://e.x/${i}) **d** ${pad(i)}\n` : `### ${i} ${pad(i)}\n`),
      'markdown',
    ),
  },
  // As many headings as lines are accepted, every one renamed: the most sections to align.
  {
    name: 'mdHeadings',
    format: 'markdown',
    old: fill((i) => `# h${i} ${pad(i)}\n`, 'markdown'),
    new: fill((i) => `# g${i} ${pad(i + 1)}\n`, 'markdown'),
  },
  // As many list items as lines are accepted, one section, every item changed.
  {
    name: 'mdItems',
    format: 'markdown',
    old: fill((i) => `- a${i} ${pad(i)}\n`, 'markdown'),
    new: fill((i) => `- b${i} ${pad(i + 1)}\n`, 'markdown'),
  },
  // A table of as many rows as lines are accepted.
  {
    name: 'mdTable',
    format: 'markdown',
    old: fill((i) => `| x${i} | ${pad(i)} |\n`, 'markdown', '| a | b |\n|---|---|\n'),
    new: fill((i) => `| y${i} | ${pad(i + 1)} |\n`, 'markdown', '| a | b |\n|---|---|\n'),
  },
  // Emphasis and link storms (the inline delimiters markdown-it pairs up), as many as accepted, in
  // paragraphs of plain words up to 2 MiB.
  {
    name: 'mdInline',
    format: 'markdown',
    old: fill((i) => (i % 4 ? `*a _b **c [d](e) ${pad(i)}\n\n` : `${pad(i)} ${pad(i + 1)}\n\n`), 'markdown'),
    new: fill(
      (i) => (i % 4 ? `_a *b __c [f](g) ${pad(i + 1)}\n\n` : `${pad(i + 2)} ${pad(i)}\n\n`),
      'markdown',
    ),
  },
  // One paragraph of 2 MiB: as many emphasis and link delimiters as accepted, paired across the whole
  // paragraph.
  {
    name: 'mdParagraph',
    format: 'markdown',
    old: fill((i) => (i % 8 ? `${pad(i)} ` : `*a _b **c [d](e) `), 'markdown'),
    new: fill((i) => (i % 8 ? `${pad(i + 1)} ` : `_a *b __c [f](g) `), 'markdown'),
  },
  // Nested quotes and lists, as many lines as accepted, every line changed.
  {
    name: 'mdNested',
    format: 'markdown',
    old: fill((i) => `${'> '.repeat(i % 7)}${'  '.repeat(i % 5)}- ${pad(i)}\n`, 'markdown'),
    new: fill((i) => `${'> '.repeat(i % 6)}${'  '.repeat(i % 4)}1. ${pad(i + 1)}\n`, 'markdown'),
  },
  // Unclosed link brackets (each one makes the inline parser look for a label), as many as accepted.
  {
    name: 'mdBrackets',
    format: 'markdown',
    old: fill((i) => (i % 10 ? `${pad(i)}\n\n` : `${'['.repeat(25)} ${pad(i)}\n\n`), 'markdown'),
    new: fill((i) => (i % 10 ? `${pad(i + 1)}\n\n` : `${'['.repeat(25)} ${pad(i + 1)}\n\n`), 'markdown'),
  },
  // Link reference definitions, then references to them.
  {
    name: 'mdReferences',
    format: 'markdown',
    old: fill(
      (i) => (i < 15000 ? `[r${i}]: https://e.x/${i}\n` : `See [r${i % 15000}] ${pad(i)}\n\n`),
      'markdown',
    ),
    new: fill(
      (i) => (i < 15000 ? `[r${i}]: https://f.x/${i}\n` : `Read [r${i % 14999}] ${pad(i)}\n\n`),
      'markdown',
    ),
  },
];

const POLICY = 'hostile';
const TOKEN_ROLE = { role: 'publisher' };

export function event(method: string, path: string, query: Record<string, string>, body?: unknown): ApiEvent {
  const match = matchRoute(method, path);
  if (match.kind !== 'found') throw new Error(`no route for ${method} ${path}`);
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: routeKey(match.route),
    rawPath: path,
    rawQueryString,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    queryStringParameters: query,
    pathParameters: match.pathParameters,
    requestContext: {
      requestId: 'bench',
      http: { method, path },
      authorizer: { lambda: TOKEN_ROLE },
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  } as unknown as ApiEvent;
}

/** CPU milliseconds and response size of one call (the first shape's first call also warms the code up). */
async function measure(handler: (e: ApiEvent) => Promise<ApiResponse>, e: ApiEvent, warm = false) {
  if (warm) await handler(e);
  const before = process.cpuUsage();
  const res = await handler(e);
  const used = process.cpuUsage(before);
  if (res.statusCode >= 400)
    throw new Error(`${e.routeKey} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  // What Lambda returns: the whole response payload, the body as a JSON string (or base64) inside it.
  return { cpuMs: (used.user + used.system) / 1000, bytes: Buffer.byteLength(JSON.stringify(res), 'utf8') };
}

export async function runHostileBench(): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  let maxBytes = 0;
  let maxCpu = 0;
  let worst = '';
  let maxOther = 0;
  let worstOther = '';
  let first = true;
  for (const shape of shapes()) {
    const store = new MemoryPolicyStore();
    const clock = { now: () => new Date('2026-12-01T00:00:00.000Z') };
    const deps = { policies: store, catalog: new RevisionCatalog(store, 0), clock };
    const read = createReadHandler({
      ...deps,
      publicBaseUrl: 'https://policies.example.com',
      orgName: 'Example',
      consoleScript: () => '',
    });
    // A dry run also composes every language's email and reads the counters (here: 1,000 readers).
    const publish = createPublishHandler({
      ...deps,
      counts: { audience: async () => ({ active: 1000, byLocale: { vi: 600, en: 400 }, suppressed: 3 }) },
      notice: () => ({
        publicBaseUrl: 'https://policies.example.com',
        org: { name: 'Example', phone: null, email: null },
      }),
    });
    const revisions = `/policies/${POLICY}/revisions`;
    const texts = (text: string) => ({ texts: { vi: text }, change: 'material', format: shape.format });
    const v1 = await publish(event('POST', revisions, {}, texts(shape.old)));
    if (v1.statusCode !== 201)
      throw new Error(`${shape.name}: publishing v1 answered ${v1.statusCode}: ${v1.body.slice(0, 300)}`);
    const results: [string, { cpuMs: number; bytes: number }, boolean][] = [];
    results.push([
      'dryRun',
      await measure(publish, event('POST', revisions, {}, { ...texts(shape.new), dryRun: true }), first),
      true,
    ]);
    first = false;
    results.push(['publish', await measure(publish, event('POST', revisions, {}, texts(shape.new))), false]);
    const pair = { from: '1', to: '2' };
    const diff = `/policies/${POLICY}/diff`;
    results.push(['diff.json', await measure(read, event('GET', diff, pair)), true]);
    results.push([
      'diff.unified',
      await measure(read, event('GET', diff, { ...pair, format: 'unified' })),
      true,
    ]);
    results.push(['diff.html', await measure(read, event('GET', diff, { ...pair, format: 'html' })), true]);
    results.push(['changes', await measure(read, event('GET', `/p/${POLICY}/changes`, pair)), true]);
    results.push(['revision', await measure(read, event('GET', `${revisions}/2`, {})), false]);
    results.push(['policyPage', await measure(read, event('GET', `/p/${POLICY}`, {})), false]);
    results.push(['versionPage', await measure(read, event('GET', `/p/${POLICY}/v/1`, {})), false]);
    process.stderr.write(
      `  ${shape.name}: ${results.map(([route, r]) => `${route} ${Math.round(r.cpuMs)} ms ${r.bytes} B`).join(', ')}\n`,
    );
    let shapeBytes = 0;
    let shapeCpu = 0;
    for (const [route, r, isDiff] of results) {
      shapeBytes = Math.max(shapeBytes, r.bytes);
      if (isDiff) shapeCpu = Math.max(shapeCpu, r.cpuMs);
      if (r.bytes > maxBytes) maxBytes = r.bytes;
      if (isDiff && r.cpuMs > maxCpu) {
        maxCpu = r.cpuMs;
        worst = `${shape.name} ${route}`;
      }
      if (!isDiff && r.cpuMs > maxOther) {
        maxOther = r.cpuMs;
        worstOther = `${shape.name} ${route}`;
      }
    }
    records.push({ name: `hostile.${shape.name}.maxResponseBytes`, value: shapeBytes, unit: 'bytes' });
    records.push({ name: `hostile.${shape.name}.maxDiffCpuMs`, value: Math.round(shapeCpu), unit: 'ms' });
  }
  process.stderr.write(`  slowest diff route: ${worst}; slowest other route: ${worstOther}\n`);
  records.push({ name: 'hostile.maxResponseBytes', value: maxBytes, unit: 'bytes' });
  records.push({ name: 'hostile.maxDiffCpuMs', value: Math.round(maxCpu), unit: 'ms' });
  records.push({ name: 'hostile.maxOtherCpuMs', value: Math.round(maxOther), unit: 'ms' });
  return records;
}
