import { describe, expect, it } from 'vitest';
import { diffPolicyTexts, splitSections } from '../../functions/domain/diff/index';
import { createMarkdownParser, markdownTokens, parseDocument } from '../../functions/domain/document/index';
import type { Revision } from '../../functions/domain/revision';
import { PAGE_CSP } from '../../functions/views/html';
import { renderMarkdown, renderMarkdownWithin, sectionIds, utf8Length } from '../../functions/views/markdown';
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

describe('renderMarkdownWithin (a byte budget, block by block)', () => {
  const text = [
    '# Policy',
    'Intro with **bold**, [a link](https://e.x/1) and `code`.',
    ...Array.from(
      { length: 40 },
      (_, i) => `## ${i + 1}. Part ${i + 1}\n\n- item *${i}*\n- [x](https://e.x/${i})\n\n> quote ${i}`,
    ),
    '| a | b |\n|---|---|\n| 1 | 2 |',
    '**Bold heading**',
    '- one\n- two\n  - nested\n\n  more\n- three',
  ].join('\n\n');
  const model = parseDocument(`${text}\n`, 'markdown');
  const full = renderMarkdown(model);

  it('without a budget, renders what markdown-it renders of the whole parse, with the pages heading ids', () => {
    const tokens = markdownTokens(model);
    const ids = [...sectionIds(model.sections).values()];
    for (const t of tokens) {
      const h = (t.meta as { heading?: number } | null)?.heading;
      if (h !== undefined) t.attrSet('id', ids[h]!);
    }
    const md = createMarkdownParser();
    const link = md.renderer.rules.link_open;
    md.renderer.rules.link_open = (ts, idx, options, env, self) => {
      ts[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
      return link ? link(ts, idx, options, env, self) : self.renderToken(ts, idx, options);
    };
    expect(full).toBe(md.renderer.render(tokens, md.options, {}));
    expect(full).toContain('<h2 id="s-40">40. Part 40</h2>');
  });

  it('stops at the block that does not fit, closes what it opened, and counts the headings it shows', () => {
    const fullBytes = utf8Length(full);
    for (let maxBytes = 0; maxBytes <= fullBytes + 10; maxBytes += 37) {
      const cost = 11;
      const out = renderMarkdownWithin(parseDocument(`${text}\n`, 'markdown'), {
        maxBytes,
        headingCost: () => cost,
      });
      expect(utf8Length(out.html) + cost * out.headings).toBeLessThanOrEqual(maxBytes);
      expect(out.cut).toBe(maxBytes < fullBytes + cost * (model.sections.length - 1));
      // Every element it opens is closed, in order.
      const stack: string[] = [];
      for (const [, close, tag] of out.html.matchAll(
        /<(\/?)(h[1-6]|p|ul|ol|li|blockquote|table|thead|tbody|tr|th|td|strong|em|a|code)\b[^>]*>/g,
      )) {
        if (close === '') stack.push(tag!);
        else expect(stack.pop()).toBe(tag);
      }
      expect(stack).toEqual([]);
      // What it shows is the beginning of the whole rendering (up to the closing tags of a cut block).
      const shown = out.html.replace(
        /(?:<\/(?:ul|ol|li|blockquote|table|thead|tbody|tr|th|td|p|h[1-6])>\n?)+$/,
        '',
      );
      expect(full.startsWith(shown)).toBe(true);
      expect((out.html.match(/<h[1-6] id=|<p id=/g) ?? []).length).toBe(out.headings);
    }
  });

  it('cuts inside one large top-level list, and escapes what it shows', () => {
    const list = parseDocument(
      `${Array.from({ length: 2000 }, (_, i) => `- <b>${i}</b> & "q"`).join('\n')}\n`,
      'markdown',
    );
    const out = renderMarkdownWithin(list, { maxBytes: 5000 });
    expect(out.cut).toBe(true);
    expect(utf8Length(out.html)).toBeLessThanOrEqual(5000);
    expect(out.html.startsWith('<ul>\n<li>&lt;b&gt;0&lt;/b&gt; &amp; &quot;q&quot;</li>')).toBe(true);
    expect(out.html.endsWith('</li>\n</ul>\n')).toBe(true);
    expectInert(out.html);
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

  it('keeps a page within its bytes, plain or Markdown, listing only the headings it shows', () => {
    const plain = Array.from(
      { length: 60 },
      (_, i) => `${i + 1}. Part "${i}" <&>\n\nBody ${i} 'q' & more.\n`,
    ).join('\n');
    const markdown = Array.from({ length: 60 }, (_, i) => `## ${i + 1}. Part\n\n- *${i}* <b>\n`).join('\n');
    for (const [format, text] of [
      ['text', plain],
      ['markdown', markdown],
    ] as const) {
      const input = {
        view,
        revisions: [revision(1, format)],
        revision: revision(1, format),
        locale: 'en',
        text,
        now: new Date('2026-02-01'),
        isCurrentPage: true,
      };
      const whole = renderTextPage(input);
      const article = (page: string) => page.slice(page.indexOf('<article'), page.indexOf('</article>'));
      expect(renderTextPage({ ...input, budget: { maxBytes: 10_000_000, fullTextHref: '/t' } })).toBe(whole);
      const size = utf8Length(whole);
      for (const maxBytes of [0.7, 0.8, 0.9, 0.97].map((f) => Math.floor(size * f))) {
        const page = renderTextPage({ ...input, budget: { maxBytes, fullTextHref: '/whole' } });
        expect(utf8Length(page)).toBeLessThanOrEqual(maxBytes);
        expect(page).toContain('data-truncated="true"');
        expect(page).toContain('href="/whole"');
        expectInert(main(page));
        // The beginning of the whole text, as the whole page shows it (a cut block closed).
        const shown = article(page).replace(/(?:<\/(?:div|ul|li|p)>\n?)+$/, '');
        expect(article(whole).startsWith(shown)).toBe(true);
        const toc = [...page.matchAll(/<li><a href="#([^"]+)">/g)].map((m) => m[1]);
        expect(toc.length).toBeGreaterThan(1);
        expect(toc.length).toBeLessThan(60);
        for (const id of toc) expect(article(page)).toContain(`id="${id}"`);
      }
    }
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
