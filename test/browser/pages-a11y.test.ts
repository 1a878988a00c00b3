import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { axeViolations } from '../support/a11y';
import { ARTIFACTS, hasChromium, launchBrowser } from '../support/browser';
import { publishPrivacyHistory } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

// Issue #14: every public page, in a real browser, passes axe-core with 0 violations, and the navigation
// it offers (table of contents, next/previous change, banners) works in the DOM. Screenshots are kept in
// test-results/.
describe.runIf(hasChromium)('public pages in a real browser', () => {
  let service: LocalService;
  let browser: Browser;

  const markdown = `Terms of Service
================

_Last updated: 1 March 2026_

## 1\\. Scope

These terms cover **every** service. See [the law](https://eur-lex.europa.eu).

## 2\\. Your data

| Data | Kept for |
|------|----------|
| Account | while your account exists |

**2.1 Retention**

We keep usage data for 15.5 days.
`;

  beforeAll(async () => {
    service = await startTestService();
    browser = await launchBrowser();
    const publish = async (policyId: string, body: unknown) => {
      const res = await call(service, 'POST', `/policies/${policyId}/revisions`, {
        token: TOKENS.publisher,
        body,
      });
      expect(res.status, res.text).toBe(201);
    };
    await publishPrivacyHistory(publish);
    await publish('terms', { texts: { en: markdown }, change: 'material', format: 'markdown' });
    await publish('terms', {
      texts: {
        en: markdown
          .replace('15.5 days', '15.47 days')
          .replace('## 2\\. Your data', '## 2\\. Sharing\n\nWe never sell your data.\n\n## 3\\. Your data'),
      },
      change: 'material',
      format: 'markdown',
      summary: { en: 'Retention shortened; new **Sharing** section' },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  /** Opens a page, noting anything the CSP refused and any script dialog. */
  async function open(path: string, viewport = { width: 1280, height: 900 }) {
    const page = await browser.newPage({ viewport });
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    page.on('dialog', (d) => {
      refused.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const response = await page.goto(`${service.url}${path}`);
    return { page, status: response?.status(), refused };
  }

  const pages: Array<[name: string, path: string, status: number]> = [
    ['policy', '/p/privacy', 200],
    ['policy-en', '/p/privacy?locale=en', 200],
    ['version-current', '/p/privacy/v/3', 200],
    ['version-old', '/p/privacy/v/1', 200],
    ['redline', '/p/privacy/changes?from=1&to=2', 200],
    ['redline-reversed', '/p/privacy/changes?from=2&to=1&locale=en', 200],
    ['language-notice', '/p/vionly?locale=en', 200],
    ['markdown-policy', '/p/terms', 200],
    ['markdown-old-version', '/p/terms/v/1', 200],
    ['markdown-redline', '/p/terms/changes?from=1&to=2', 200],
    ['not-found', '/p/privacy/v/9', 404],
    ['not-found-unknown-policy', '/p/nosuchpolicy', 404],
    ['bad-request', '/p/privacy/v/abc?locale=en', 400],
  ];

  it.each(pages)(
    '%s page (%s): axe finds 0 violations, nothing refused, fits a phone',
    async (name, path, status) => {
      for (const [device, viewport] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        const { page, status: got, refused } = await open(path, viewport);
        expect(got).toBe(status);
        expect(await axeViolations(page), `${name} (${device})`).toEqual([]);
        expect(refused).toEqual([]);
        const overflow = await page.evaluate<number>(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        expect(overflow, `${name} (${device}) scrolls sideways`).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: join(ARTIFACTS, `page-${name}-${device}.png`),
          fullPage: device === 'phone',
        });
        await page.close();
      }
    },
  );

  it('axe does find violations on a page that has them (the check above can fail)', async () => {
    const page = await browser.newPage();
    await page.setContent('<html><body><img src="x.png"><a href="#x"></a></body></html>');
    const ids = (await axeViolations(page)).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['html-has-lang', 'image-alt', 'link-name']));
    await page.close();
  });

  it('table of contents links land on their sections', async () => {
    const { page } = await open('/p/privacy?locale=en');
    const links = page.locator('nav.toc a');
    expect(await links.count()).toBeGreaterThan(20);
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    const missing: string[] = [];
    for (const href of hrefs)
      if ((await page.locator(`[id="${href.slice(1)}"]`).count()) !== 1) missing.push(href);
    expect(missing).toEqual([]);
    await links.nth(6).click();
    const target = decodeURIComponent(new URL(page.url()).hash.slice(1));
    expect(target).toBe(decodeURIComponent(hrefs[6]!.slice(1)));
    expect(await page.locator(`[id="${target}"]`).evaluate((el) => el.tagName)).toBe('H2');
    await page.close();
  });

  it('the footer is centred like the rest of the page', async () => {
    const { page } = await open('/p/privacy');
    const box = async (sel: string) => (await page.locator(sel).boundingBox())!;
    const [main, footer] = [await box('main'), await box('footer')];
    expect(Math.abs(footer.x - main.x)).toBeLessThan(1);
    expect(Math.abs(footer.width - main.width)).toBeLessThan(1);
    expect(footer.x).toBeGreaterThan(100);
    await page.close();
  });

  it('next change / previous change walk the changed sections; ins/del are labelled for screen readers', async () => {
    const { page } = await open('/p/privacy/changes?from=1&to=2&locale=en');
    const changed = await page.locator('section.change h2').evaluateAll((hs) => hs.map((h) => h.id));
    expect(changed.length).toBe(7);
    /** An element's text as seen (visually hidden labels and badges left out). */
    // biome-ignore lint/suspicious/noExplicitAny: a DOM element (the tests compile without the DOM's types)
    const seen = (el: any): string => {
      const copy = el.cloneNode(true);
      for (const hidden of copy.querySelectorAll('.vh, .badge')) hidden.remove();
      return String(copy.textContent ?? '')
        .replace(/\s+/g, ' ')
        .trim();
    };
    // Headings once: each changed section's title (as the summary lists it) appears once in it.
    const titles = await page.locator('.summary li a').allTextContents();
    expect(titles.length).toBe(changed.length);
    for (const [k, id] of changed.entries()) {
      const section = await page.locator(`section[aria-labelledby="${id}"]`).evaluate(seen);
      expect(section.split(titles[k]!).length - 1, `${id}: ${titles[k]}`).toBe(1);
    }
    for (let k = 0; k < changed.length - 1; k++) {
      await page.locator(`section[aria-labelledby="${changed[k]}"] a[data-step="next"]`).click();
      expect(decodeURIComponent(new URL(page.url()).hash.slice(1))).toBe(changed[k + 1]);
    }
    await page.locator(`section[aria-labelledby="${changed.at(-1)}"] a[data-step="previous"]`).click();
    expect(decodeURIComponent(new URL(page.url()).hash.slice(1))).toBe(changed.at(-2));
    // What a screen reader reads: the label first, hidden from sight.
    const ins = page.locator('section.change ins').first();
    expect(await ins.textContent()).toMatch(/^inserted: /);
    expect(
      await ins
        .locator('.vh')
        // biome-ignore lint/suspicious/noExplicitAny: a DOM element
        .evaluate((el: any) => String(el.ownerDocument.defaultView.getComputedStyle(el).clip)),
    ).toBe('rect(0px, 0px, 0px, 0px)');
    expect(await page.locator('section.change del').first().textContent()).toMatch(/^deleted: /);
    const label = await ins.locator('.vh').boundingBox();
    expect(label!.width * label!.height).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator(`[id="${changed[4]}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'page-redline-navigation.png') });
    await page.close();
  });
});
