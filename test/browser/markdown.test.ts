import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffPolicyTexts, splitSections } from '../../functions/domain/diff/index';
import type { Revision } from '../../functions/domain/revision';
import { normalizeText } from '../../functions/domain/text';
import { pageHeaders } from '../../functions/views/html';
import { renderChangesPage, renderTextPage } from '../../functions/views/pages';
import { axeViolations } from '../support/a11y';
import { ARTIFACTS, hasChromium, launchBrowser } from '../support/browser';

const v1 = normalizeText(`Privacy Policy
==============

_Last updated: 1 March 2026_

This policy explains how **Acme** handles your data. Questions: [privacy@acme.test](mailto:privacy@acme.test).

## 1\\. Data we collect

* Account data: your name and e-mail address
* Usage data:
    * pages you visit
    * the device you use

**1.1 Retention**

We keep usage data for 15.5 days, then delete it.

| Data | Kept for |
|------|----------|
| Account | while your account exists |
| Usage | 15.5 days |

## 2\\. Your rights

You may ask for a copy of your data at any time. <script>alert("not run")</script>

[A bad link](javascript:alert(1))
`);

const v2 = normalizeText(
  v1
    .replace('Privacy Policy\n==============', '# Privacy Policy')
    .replace('1 March 2026', '1 April 2026')
    .replaceAll('15.5 days', '15.47 days')
    .replace('**1.1 Retention**', '### 1.1 Retention')
    .replace(
      '## 2\\. Your rights',
      '## 2\\. Sharing\n\nWe never sell your data. We share it with our hosting provider only.\n\n## 3\\. Your rights',
    ),
);

const revision = (version: number): Revision => ({
  policyId: 'acme',
  version,
  change: 'material',
  publishedAt: '2026-03-01T00:00:00.000Z',
  effectiveAt: '2026-03-01T00:00:00.000Z',
  defaultLocale: 'en',
  locales: ['en'],
  contentHashes: { en: `hash${version}` },
  hash: `h${version}`,
  previousHash: null,
  summary: { en: 'Retention shortened; new **Sharing** section' },
  titles: {},
  notify: true,
  format: 'markdown',
});

/** Serves a rendered page under the pages' real headers (strict CSP included). */
async function show(page: Page, html: string) {
  await page.route('https://policies.test/**', (route) =>
    route.fulfill({
      status: 200,
      headers: { ...pageHeaders, 'content-type': 'text/html; charset=utf-8' },
      body: html,
    }),
  );
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto('https://policies.test/page');
  return dialogs;
}

describe.runIf(hasChromium)('Markdown policy pages in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows a Markdown policy formatted: headings with ids, lists, a table, safe links, no script', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const html = renderTextPage({
      view: { policyId: 'acme', current: revision(1), upcoming: null } as unknown as Parameters<
        typeof renderTextPage
      >[0]['view'],
      revisions: [revision(1)],
      revision: revision(1),
      locale: 'en',
      text: v1,
      now: new Date('2026-03-02T00:00:00.000Z'),
      isCurrentPage: true,
    });
    const dialogs = await show(page, html);
    expect(await page.locator('article h1').textContent()).toBe('Privacy Policy');
    expect(await page.locator('article h2#s-1').textContent()).toBe('1. Data we collect');
    expect(await page.locator('article ul ul li').count()).toBe(2);
    expect(await page.locator('article table td').first().textContent()).toBe('Account');
    expect(await page.locator('article a[href^="mailto:"]').getAttribute('rel')).toBe(
      'nofollow noopener noreferrer',
    );
    expect(await page.locator('article a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator('article').textContent()).toContain('<script>alert("not run")</script>');
    expect(await page.locator('article').textContent()).not.toContain('**');
    expect(dialogs).toEqual([]);
    // The table of contents links to the headings' ids.
    const toc = await page.locator('nav.toc a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(toc).toEqual(['#s-privacy-policy', '#s-1', '#s-1.1', '#s-2']);
    for (const href of toc) expect(await page.locator(`[id="${href!.slice(1)}"]`).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'markdown-policy.png'), fullPage: true });
    await page.close();
  });

  it('shows the redline of a Markdown revision as formatted blocks with ins/del inside', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const diff = diffPolicyTexts(v1, v2, 'markdown');
    const html = renderChangesPage({
      policyId: 'acme',
      from: revision(1),
      to: revision(2),
      locale: 'en',
      diff,
      newSections: splitSections(v2, 'markdown'),
      oldText: v1,
      newText: v2,
    });
    const dialogs = await show(page, html);
    const ins = (await page.locator('section.change ins').allTextContents()).join(' ');
    const del = (await page.locator('section.change del').allTextContents()).join(' ');
    expect(ins).toContain('15.47');
    expect(del).toContain('15.5');
    expect(ins).toContain('April');
    expect(del).toContain('March');
    expect(ins).toContain('We never sell your data');
    // Heading markup changed (setext → ATX, bold line → ###): still the same sections, only Sharing is new.
    expect(await page.locator('.summary li .badge.removed').count()).toBe(0);
    expect(await page.locator('.summary li .badge.added').count()).toBe(1);
    expect(await page.locator('.summary').textContent()).toContain(
      'Retention shortened; new Sharing section',
    );
    expect(await page.locator('section.change h2').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Sharing')]),
    );
    expect(await page.locator('section.change .md-li').count()).toBe(0);
    // Unchanged blocks of a changed section are shown too (formatted), not only the changed ones.
    expect(await page.locator('section.change .md-tr').allTextContents()).toEqual(
      expect.arrayContaining(['Data | Kept for', 'Account | while your account exists']),
    );
    expect(await page.locator('body').textContent()).not.toContain('**');
    expect(dialogs).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'markdown-redline.png'), fullPage: true });
    await page.close();
  });
});
