/**
 * Revision format, text sizes, storage of texts and bounded answers, through the local service (the
 * Lambda handlers on dynalite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { MAX_MARKDOWN_LINES, MAX_MARKDOWN_MARKUP } from '../../functions/domain/document/limits';
import { MAX_TEXT_BYTES, utf8Bytes } from '../../functions/domain/text';
import { call, dumpTables, startTestService, TOKENS } from '../support/service';

let service: LocalService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => service?.stop());

const pub = TOKENS.publisher;
const LIMIT = 6_000_000;

const publish = (policyId: string, body: Record<string, unknown>) =>
  call(service, 'POST', `/policies/${policyId}/revisions`, {
    token: pub,
    body: { change: 'material', notify: false, ...body },
  });

/** `unit(i)` repeated while the text stays within `limit` bytes of UTF-8. */
function fill(unit: (i: number) => string, limit = MAX_TEXT_BYTES - 64): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; ; i++) {
    const piece = unit(i);
    if (size + utf8Bytes(piece) > limit) break;
    parts.push(piece);
    size += utf8Bytes(piece);
  }
  return parts.join('');
}

describe('revision format', () => {
  it('stores markdown when asked and returns it in the metadata, reads and listings', async () => {
    const res = await publish('fmt-md', {
      texts: { vi: '# Chính sách\n\nNội dung **đậm**.\n' },
      format: 'markdown',
    });
    expect(res.status).toBe(201);
    expect(res.json.format).toBe('markdown');
    const read = await call(service, 'GET', '/policies/fmt-md/revisions/1');
    expect(read.json).toMatchObject({ format: 'markdown', text: '# Chính sách\n\nNội dung **đậm**.\n' });
    const list = await call(service, 'GET', '/policies/fmt-md/revisions');
    expect(list.json.revisions[0].format).toBe('markdown');
  });

  it('defaults to text for clients that do not send it', async () => {
    const res = await publish('fmt-text', { texts: { vi: 'Điều 1. Một\n' } });
    expect(res.json.format).toBe('text');
    expect((await call(service, 'GET', '/policies/fmt-text/revisions/latest')).json.format).toBe('text');
  });

  it('answers 400 for an unknown format and stores nothing', async () => {
    const before = await dumpTables(service);
    const res = await publish('fmt-bad', { texts: { vi: 'x\n' }, format: 'html' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.details[0].path).toBe('format');
    expect(await dumpTables(service)).toEqual(before);
  });
});

describe('text and request sizes', () => {
  it('accepts a 2 MiB text and serves it back exactly', async () => {
    const text = fill((i) => `${i % 50 === 0 ? '\n## Mục' : ''} dữ liệu ${i}`, MAX_TEXT_BYTES - 1).concat(
      '\n',
    );
    expect(utf8Bytes(text)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(utf8Bytes(text)).toBeGreaterThan(MAX_TEXT_BYTES - 64);
    const res = await publish('size-max', { texts: { vi: text } });
    expect(res.status).toBe(201);
    const read = await call(service, 'GET', '/policies/size-max/revisions/1');
    expect(read.json.text === text).toBe(true);
    expect(read.json.contentHashes.vi).toBe(res.json.contentHashes.vi);
  });

  it('answers 400 for a text over 2 MiB after normalisation', async () => {
    const res = await publish('size-over', { texts: { vi: 'a'.repeat(MAX_TEXT_BYTES + 1) } });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual([
      { path: 'texts.vi', message: `text exceeds ${MAX_TEXT_BYTES} bytes after normalisation` },
    ]);
  });

  it('refuses a Markdown text over its line or inline-markup limit with a 400, storing nothing', async () => {
    const lines = '- a\n'.repeat(MAX_MARKDOWN_LINES + 1);
    const markup = `${'*a* '.repeat(MAX_MARKDOWN_MARKUP / 2)}_\n`;
    const before = await dumpTables(service);
    for (const [id, text, message] of [
      ['md-lines', lines, `at most ${MAX_MARKDOWN_LINES} lines (this one has ${MAX_MARKDOWN_LINES + 1})`],
      ['md-markup', markup, `at most ${MAX_MARKDOWN_MARKUP} inline markup characters`],
    ] as const) {
      for (const dryRun of [false, true]) {
        const res = await publish(id, { texts: { vi: 'ok\n', en: text }, format: 'markdown', dryRun });
        expect(res.status).toBe(400);
        expect(res.json.error.code).toBe('VALIDATION_FAILED');
        expect(res.json.error.details).toHaveLength(1);
        expect(res.json.error.details[0].path).toBe('texts.en');
        expect(res.json.error.details[0].message).toContain(message);
      }
    }
    expect(await dumpTables(service)).toEqual(before);
    // The same texts as plain text are not parsed as Markdown, and are accepted.
    expect((await publish('md-lines-text', { texts: { vi: lines } })).status).toBe(201);
    expect((await publish('md-markup-text', { texts: { vi: markup } })).status).toBe(201);
  });

  it('accepts a Markdown text at exactly its line and inline-markup limits', async () => {
    // 40,000 lines, 100,000 markup characters (4 per link line), within 2 MiB.
    const text = Array.from({ length: MAX_MARKDOWN_LINES }, (_, i) =>
      i < MAX_MARKDOWN_MARKUP / 4 ? `- [l${i}](#x) *e*` : `- item ${i}`,
    ).join('\n');
    const res = await publish('md-at-limits', { texts: { vi: `${text}\n` }, format: 'markdown' });
    expect(res.status).toBe(201);
    const read = await call(service, 'GET', '/policies/md-at-limits/revisions/1');
    expect(read.json.text === `${text}\n`).toBe(true);
  });

  it('answers 413 above 6 MB with a message that says why', async () => {
    const res = await publish('size-body', {
      texts: { vi: 'a'.repeat(MAX_TEXT_BYTES), en: 'b'.repeat(LIMIT) },
    });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.json.error.message).toContain('6000000 bytes');
    expect(res.json.error.message).toContain('Lambda');
  });
});

describe('storage of texts', () => {
  it('stores a locale that did not change once, and keeps the revision item small', async () => {
    const vi = fill((i) => `Điều ${i}. Nội dung không đổi.\n`, 900_000);
    expect((await publish('once', { texts: { vi, en: 'Version one.\n' } })).status).toBe(201);
    expect((await publish('once', { texts: { vi, en: 'Version two.\n' } })).status).toBe(201);
    const items = (await dumpTables(service)).policies as Record<string, { S?: string; N?: string }>[];
    const mine = items.filter((item) => item.pk?.S === 'POLICY#once');
    const heads = mine.filter((item) => /^TEXT#sha256:[0-9a-f]{64}$/.test(item.sk?.S ?? ''));
    const chunks = mine.filter((item) => /^TEXT#.*#\d{4}$/.test(item.sk?.S ?? ''));
    expect(heads).toHaveLength(3); // vi once, en twice
    expect(chunks).toHaveLength(3 + 1 + 1); // vi: 900 KB in three chunks; each en text in one
    for (const rev of mine.filter((item) => item.sk?.S?.startsWith('REV#')))
      expect(utf8Bytes(JSON.stringify(rev))).toBeLessThan(4_000);
  });
});

describe('bounded answers', () => {
  // 2 MiB texts of tiny sections, every one changed, in characters that escaping multiplies.
  // (A heading needs a letter and a paragraph of its own: numbered lines one after another are a list.)
  const old = fill((i) => `${i + 1}. Term &<"'>\n\n&<"'>\n\n`);
  const changed = fill((i) => `${i + 1}. Term "'<>&\n\n"'<>&\n\n`);

  beforeAll(async () => {
    expect((await publish('huge', { texts: { vi: old } })).status).toBe(201);
    expect((await publish('huge', { texts: { vi: changed } })).status).toBe(201);
  });

  it('bounds the JSON diff, marks it truncated and says where the rest is', async () => {
    const res = await call(service, 'GET', '/policies/huge/diff?from=1&to=2');
    expect(res.status).toBe(200);
    expect(res.text.length).toBeLessThan(LIMIT);
    const { window, rest } = res.json;
    expect(res.json.truncated).toBe(true);
    expect(window.offset).toBe(0);
    expect(window.shown).toBe(res.json.sections.length);
    expect(window.shown).toBeLessThan(window.total);
    expect(rest.next).toBe(`/policies/huge/diff?from=1&to=2&locale=vi&offset=${window.nextOffset}`);
    expect(rest.unified).toBe('/policies/huge/diff?from=1&to=2&locale=vi&format=unified');
    const next = await call(service, 'GET', rest.next);
    expect(next.json.window.offset).toBe(window.nextOffset);
    expect(next.json.sections[0]).toEqual(expect.objectContaining({ status: expect.any(String) }));
    expect(next.text.length).toBeLessThan(LIMIT);
  });

  it('bounds the unified patch and the HTML redline', async () => {
    const unified = await call(service, 'GET', '/policies/huge/diff?from=1&to=2&format=unified');
    expect(unified.status).toBe(200);
    expect(Buffer.byteLength(unified.text)).toBeLessThan(LIMIT);
    for (const path of ['/policies/huge/diff?from=1&to=2&format=html', '/p/huge/changes?from=1&to=2']) {
      const page = await call(service, 'GET', path);
      expect(page.status).toBe(200);
      expect(Buffer.byteLength(page.text)).toBeLessThan(LIMIT);
      expect(page.text).toContain('data-truncated="true"');
      expect(page.text).toContain('/p/huge/changes?from=1&amp;to=2&amp;locale=vi&amp;offset=');
    }
  });

  it('bounds the dry-run preview', async () => {
    const res = await publish('huge', { texts: { vi: old }, dryRun: true });
    expect(res.status).toBe(200);
    expect(res.text.length).toBeLessThan(LIMIT);
    expect(res.json.diff.vi.truncated).toBe(true);
  });

  it('keeps the text pages under the limit, linking to the whole text', async () => {
    // Every character escapes to `&quot;`: six times the text's size as HTML.
    const quotes = `${'"'.repeat(MAX_TEXT_BYTES - 1)}\n`;
    expect((await publish('quotes', { texts: { vi: quotes } })).status).toBe(201);
    for (const path of ['/p/quotes', '/p/quotes/v/1']) {
      const page = await call(service, 'GET', path);
      expect(page.status).toBe(200);
      expect(Buffer.byteLength(page.text)).toBeLessThan(LIMIT);
      expect(page.text).toContain('data-truncated="true"');
      expect(page.text).toContain('href="/policies/quotes/revisions/1?locale=vi"');
    }
    // Markdown whose HTML outgrows the page (as many lines as accepted, quotes escaped six times over):
    // rendered up to the page's bytes, no more, in one pass.
    const parts: string[] = [];
    for (let i = 0; i < MAX_MARKDOWN_LINES; i++)
      parts.push(i % 2 ? `- [a](https://e.x/${i}) <i> ${'"'.repeat(60)}\n` : `## ${i}\n`);
    const markdown = parts.join('');
    expect(utf8Bytes(markdown)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    const md = await publish('md-big', { texts: { vi: markdown }, format: 'markdown' });
    expect(md.status).toBe(201);
    for (const path of ['/p/md-big', '/p/md-big/v/1']) {
      const page = await call(service, 'GET', path);
      expect(page.status).toBe(200);
      expect(Buffer.byteLength(page.text)).toBeLessThanOrEqual(4_400_000);
      expect(page.text).toContain('data-truncated="true"');
      expect(page.text).toContain('href="/policies/md-big/revisions/1?locale=vi"');
      expect(page.text).not.toContain('<i>');
      // The table of contents lists the headings shown, each one on the page.
      const toc = [...page.text.matchAll(/<li><a href="#(s-[0-9]+)">/g)].map((m) => m[1]);
      expect(toc.length).toBeGreaterThan(100);
      expect(toc.length).toBeLessThan(parts.length / 2);
      expect(page.text).toContain(`<h2 id="${toc.at(-1)}">`);
      expect(page.text.indexOf('</article>')).toBeGreaterThan(page.text.lastIndexOf(`id="${toc.at(-1)}"`));
    }
    const json = await call(service, 'GET', '/policies/quotes/revisions/1');
    expect(Buffer.byteLength(json.text)).toBeLessThan(LIMIT);
    expect(json.json.text === quotes).toBe(true);
  });
});

describe('Cache-Control on public routes', () => {
  it('lets a CDN keep a diff of two version numbers long, one of latest briefly, and no error', async () => {
    await publish('cache', { texts: { vi: 'Điều 1. Một\n' } });
    await publish('cache', { texts: { vi: 'Điều 1. Hai\n' } });
    const pinned = await call(service, 'GET', '/policies/cache/diff?from=1&to=2');
    expect(pinned.headers.get('cache-control')).toContain('immutable');
    const latest = await call(service, 'GET', '/policies/cache/diff');
    expect(latest.headers.get('cache-control')).toBe('public, max-age=60');
    const page = await call(service, 'GET', '/p/cache/changes?from=1&to=2');
    expect(page.headers.get('cache-control')).toContain('immutable');
    expect(
      (await call(service, 'GET', '/policies/cache/revisions/1')).headers.get('cache-control'),
    ).toContain('immutable');
    const missing = await call(service, 'GET', '/p/cache/changes?from=1&to=9');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
  });
});
