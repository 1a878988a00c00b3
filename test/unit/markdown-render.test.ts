import { describe, expect, it } from 'vitest';
import { diffPolicyTexts, splitSections } from '../../functions/domain/diff/index';
import { parseDocument } from '../../functions/domain/document/index';
import type { Revision } from '../../functions/domain/revision';
import { PAGE_CSP } from '../../functions/views/html';
import { renderMarkdown } from '../../functions/views/markdown';
import { renderChangesPage, renderTextPage } from '../../functions/views/pages';

const html = (markdown: string) => renderMarkdown(parseDocument(markdown, 'markdown'));

/** No element or attribute that can run script, whatever the input. */
function expectInert(out: string) {
  expect(out).not.toMatch(/<script/i);
  expect(out).not.toMatch(/<img[^>]*onerror/i);
  expect(out).not.toMatch(/<[^>]*\son\w+\s*=/i);
  expect(out).not.toMatch(/href="\s*(javascript|vbscript|data):/i);
  expect(out).not.toMatch(/src="\s*(javascript|vbscript|data):/i);
  expect(out).not.toMatch(/<iframe|<object|<embed|<style|style=/i);
}

/** The page's main content (the layout's own <style> element aside). */
const main = (page: string) => page.slice(page.indexOf('<main>'), page.indexOf('</main>'));

describe('renderMarkdown (XSS table)', () => {
  it.each([
    ['raw <script>', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['inline <img onerror>', 'x <img src=x onerror=alert(1)> y', '&lt;img src=x onerror=alert(1)&gt;'],
    ['javascript: link', '[click](javascript:alert(1))', '[click](javascript:alert(1))'],
    ['JaVaScRiPt: with entity', '[click](jav&#x61;script:alert(1))', '[click]'],
    ['data: link', '[d](data:text/html;base64,PHNjcmlwdD4=)', '[d](data:text/html;base64,PHNjcmlwdD4=)'],
    ['data: image', '![i](data:image/png;base64,AAAA)', '![i](data:image/png;base64,AAAA)'],
    ['vbscript: link', '[v](vbscript:msgbox(1))', '[v](vbscript:msgbox(1))'],
    ['HTML entities', '&lt;b&gt; &amp; &#60;script&#62;', '&lt;b&gt; &amp; &lt;script&gt;'],
    [
      'nested emphasis',
      '***a _b **c** d_ e***',
      '<em><strong>a <em>b <strong>c</strong> d</em> e</strong></em>',
    ],
    [
      'autolink-looking HTML',
      '<a href="javascript:x">a</a>',
      '&lt;a href=&quot;javascript:x&quot;&gt;a&lt;/a&gt;',
    ],
  ])('%s renders as text, never as markup', (_, input, expected) => {
    const out = html(input);
    expectInert(out);
    expect(out).toContain(expected);
  });

  it('gives links rel="nofollow noopener noreferrer" and keeps safe URLs', () => {
    expect(html('[Policy](https://example.com/p?a=1&b=2)')).toContain(
      '<a href="https://example.com/p?a=1&amp;b=2" rel="nofollow noopener noreferrer">Policy</a>',
    );
  });

  it('renders GFM tables and gives headings their section key as id', () => {
    const out = html('## 4.1 Cookies\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n**Section 5 — Contact**\n');
    expect(out).toContain('<h2 id="s-4.1">4.1 Cookies</h2>');
    expect(out).toContain('<table>');
    expect(out).toContain('<td>1</td>');
    expect(out).toContain('<p id="s-5"><strong>Section 5 — Contact</strong></p>');
  });

  it.each([
    ['list', (n: number) => `${'- '.repeat(n)}x`],
    ['ordered list', (n: number) => `${'1. '.repeat(n)}x`],
    ['quote', (n: number) => `${'>'.repeat(n)} deep`],
  ])('renders a 10,000-deep %s nesting safely and quickly', (_, make) => {
    const started = performance.now();
    const out = html(make(10_000));
    expect(performance.now() - started).toBeLessThan(2_000);
    expectInert(out);
    // The parser caps nesting; the rest is text, not 10,000 open elements.
    expect((out.match(/<(ul|blockquote)>/g) ?? []).length).toBeLessThan(200);
  });
});

const revision = (version: number, format: 'markdown' | 'text' = 'text'): Revision => ({
  policyId: 'acme',
  version,
  change: 'minor',
  publishedAt: '2026-01-01T00:00:00.000Z',
  effectiveAt: '2026-01-01T00:00:00.000Z',
  defaultLocale: 'en',
  locales: ['en'],
  contentHashes: { en: 'h' },
  hash: `h${version}`,
  previousHash: null,
  summary: { en: 'Summary' },
  titles: {},
  notify: true,
  format,
});

describe('policy pages with Markdown', () => {
  const v1 =
    '# Privacy\n\nWe keep **data** for 15.5 days. See [the law](https://eur-lex.europa.eu).\n\n## Cookies\n\n* first\n* second\n\n<script>alert(1)</script>\n';
  const v2 = v1.replace('15.5', '15.47').replace('* second', '* second\n* third');
  const view = { policyId: 'acme', current: null, upcoming: null } as unknown as Parameters<
    typeof renderTextPage
  >[0]['view'];

  it('shows a Markdown revision formatted, and a text revision pre-wrapped as before', () => {
    const md = renderTextPage({
      view,
      revisions: [revision(1, 'markdown')],
      revision: revision(1, 'markdown'),
      locale: 'en',
      text: v1,
      now: new Date('2026-02-01'),
      isCurrentPage: true,
    });
    expect(md).toContain('<strong>data</strong>');
    expect(md).toContain('rel="nofollow noopener noreferrer"');
    expect(md).toContain('<h2 id="s-cookies">Cookies</h2>');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expectInert(main(md));
    const text = renderTextPage({
      view,
      revisions: [revision(1)],
      revision: revision(1),
      locale: 'en',
      text: v1,
      now: new Date('2026-02-01'),
      isCurrentPage: true,
    });
    // Plain text: each heading line a heading (id = section key), the text between pre-wrapped as written.
    expect(text).toContain('<article class="plain" lang="en">');
    expect(text).toContain(
      '<article class="plain" lang="en"><div class="text"># Privacy\n\nWe keep **data**',
    );
  });

  it('renders the redline as blocks with ins/del inside them, unchanged blocks formatted', () => {
    const diff = diffPolicyTexts(v1, v2, 'markdown');
    const page = renderChangesPage({
      policyId: 'acme',
      from: revision(1, 'markdown'),
      to: revision(2, 'markdown'),
      locale: 'en',
      diff,
      newSections: splitSections(v2, 'markdown'),
      oldText: v1,
      newText: v2,
    });
    expect(page).toContain(
      '<del><span class="vh">deleted: </span>15.5</del><ins><span class="vh">inserted: </span>15.47</ins>',
    );
    expect(page).toContain('<p class="md-li md-d1"><ins><span class="vh">inserted: </span>third</ins></p>');
    expect(page).toContain('<p class="md-li md-d1">first</p>');
    expect(page).not.toContain('**');
    expectInert(main(page));
    expect(PAGE_CSP).toContain("default-src 'none'");
  });
});
