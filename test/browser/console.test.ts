import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { ARTIFACTS, hasChromium, launchBrowser } from '../support/browser';
import { edit, fixtureVi } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated through the DevTools protocol, which the page's CSP does not govern). */
async function axeViolations(page: Page) {
  await page.evaluate(axeSource);
  // A string, evaluated in the page: this file is type-checked without the DOM library.
  return (await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(' ')) })))`)) as {
    id: string;
    targets: string[];
  }[];
}

/** The id of the element that has the keyboard focus. */
const focusedId = (page: Page) => page.evaluate('document.activeElement && document.activeElement.id');

const latestVersion = async (service: LocalService) =>
  (await call(service, 'GET', '/policies/privacy')).json.latestVersion;

describe.runIf(hasChromium)('staff console in a real browser', () => {
  let service: LocalService;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    service = await startTestService();
    browser = await launchBrowser();
    for (let i = 0; i < 12; i++) {
      const res = await call(service, 'PUT', `/customers/console-${i}`, {
        token: TOKENS.app,
        body: { email: `console-${i}@example.vn`, locale: i % 3 === 0 ? 'en' : 'vi' },
      });
      expect(res.status).toBe(201);
    }
    const v1 = await call(service, 'POST', '/policies/privacy/revisions', {
      token: TOKENS.publisher,
      body: { texts: { vi: fixtureVi }, change: 'material', notify: false },
    });
    expect(v1.status).toBe(201);
    const context = await browser.newContext({
      viewport: { width: 1200, height: 1000 },
      timezoneId: 'Asia/Ho_Chi_Minh',
      locale: 'en-GB',
    });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('serves the bundled TypeScript module as /console/app.js under the strict CSP', async () => {
    const script = await fetch(`${service.url}/console/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const text = await script.text();
    expect(text).toContain('confirm-dialog');
    expect(text).not.toMatch(/^import |\bexport \{/m);
    const html = await fetch(`${service.url}/console`);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('refuses a token that is not a publisher token', async () => {
    await page.goto(`${service.url}/console`);
    await page.fill('#token', TOKENS.app);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#signin-status', { hasText: 'not a publisher token' }).waitFor();
    expect(await page.isVisible('#app')).toBe(false);
  });

  it('signs in, edits, and previews the diff, the rendered text, and the email of every language with its recipients', async () => {
    await page.fill('#token', TOKENS.publisher);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
    await page.locator('#text-vi').waitFor();
    expect(await page.inputValue('#text-vi')).toContain(
      'Chính sách bảo mật của Công ty TNHH Sao Mai Digital',
    );
    // The history loads after the form: wait for its row before counting (a loaded machine is slower).
    await page.locator('#history tr').first().waitFor();
    expect(await page.locator('#history tr').count()).toBe(1);
    expect(await page.textContent('#zone')).toMatch(/^Asia\/(Ho_Chi_Minh|Saigon) \(GMT\+07:00\)$/);
    // Nothing is pre-chosen: the person says what kind of change it is and whether to email.
    expect(await page.locator('input[name=change]:checked').count()).toBe(0);
    expect(await page.isChecked('#notify')).toBe(false);

    const edited = edit(await page.inputValue('#text-vi'), 'sự cố rò rỉ gây', 'sự cố lộ lọt gây');
    await page.fill('#text-vi', edited);
    await page.fill('#summary-vi', 'Làm rõ cách quản lý <b>dữ liệu</b>');
    await page.check('input[name=change][value=material]');
    await page.check('#notify');
    await page.click('#preview');
    await page.waitForSelector('#preview-panel:not([hidden])');
    expect(await page.locator('#preview-diff ins').allTextContents()).toContain('lộ lọt');
    expect(await page.locator('#preview-diff del').allTextContents()).toContain('rò rỉ');
    // 8 Vietnamese readers and 4 English ones (an English frame around the Vietnamese text).
    const recipients = await page.textContent('#preview-recipients');
    expect(recipients).toContain('12 active customers would be emailed');
    expect(recipients).toContain('en: 4 customers');
    expect(recipients).toContain('vi: 8 customers');
    const emails = page.locator('#preview-emails section.email-preview');
    const locales = await Promise.all((await emails.all()).map((e) => e.getAttribute('data-locale')));
    expect(locales).toEqual(['vi', 'en']);
    const viFrame = page.locator('section[data-locale=vi] iframe.email');
    expect(await viFrame.getAttribute('sandbox')).toBe('');
    // The summary is escaped text inside the email, never markup.
    expect(
      await page.frameLocator('section[data-locale=vi] iframe.email').locator('body').textContent(),
    ).toContain('Làm rõ cách quản lý <b>dữ liệu</b>');
    expect(await latestVersion(service)).toBe(1); // a preview stores nothing
    await page.screenshot({ path: join(ARTIFACTS, 'console-preview.png'), fullPage: true });
  });

  it('a material, notified change without a summary in every language cannot be confirmed; Escape stores nothing', async () => {
    await page.fill('#summary-vi', '');
    await page.click('#publish');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.isDisabled('#confirm-publish')).toBe(true);
    expect(await page.textContent('#confirm-block')).toContain(
      'needs a summary in every language (missing: vi)',
    );
    expect(await page.textContent('#confirm-body')).toContain('No summary in: vi.');
    // Focus is in the dialog (on Cancel, as Publish cannot be pressed).
    expect(await focusedId(page)).toBe('confirm-cancel');
    await page.screenshot({ path: join(ARTIFACTS, 'console-confirm-blocked.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#confirm-dialog', { state: 'hidden' });
    // The dialog's close event is dispatched as a task after it hides; wait for its handler's message.
    await page.locator('#publish-status', { hasText: 'Not published: nothing was stored.' }).waitFor();
    expect(await focusedId(page)).toBe('publish');
    expect(await latestVersion(service)).toBe(1);
  });

  it('Cancel leaves nothing stored', async () => {
    await page.fill('#summary-vi', 'Làm rõ cách quản lý <b>dữ liệu</b>');
    await page.click('#publish');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.isEnabled('#confirm-publish')).toBe(true);
    await page.click('#confirm-cancel');
    await page.waitForSelector('#confirm-dialog', { state: 'hidden' });
    expect(await latestVersion(service)).toBe(1);
    expect(
      (await call(service, 'GET', '/policies/privacy/revisions/2/notification', { token: TOKENS.publisher }))
        .status,
    ).toBe(404);
  });

  it('keyboard only: saves a 30-day notice period, opens the confirmation with Enter, passes axe with it open, confirms, and follows the emails to completion', async () => {
    // Notice period, typed and saved with the keyboard.
    await page.focus('#notice-days');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('30');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('save-notice');
    await page.keyboard.press('Enter');
    await page.locator('#notice-status', { hasText: 'Notice period saved: 30 days' }).waitFor();
    expect(
      (await call(service, 'GET', '/policies/privacy/settings', { token: TOKENS.publisher })).json,
    ).toMatchObject({ noticePeriodDays: 30 });

    // An explicit date inside the notice period is allowed, with a warning; cleared again here.
    await page.fill('#effective-at', '2026-01-01T10:00');
    await page.dispatchEvent('#effective-at', 'change');
    await page.locator('#effective-warning:not([hidden])', { hasText: '30-day notice period' }).waitFor();
    await page.fill('#effective-at', '');
    await page.dispatchEvent('#effective-at', 'change');
    expect(await page.isHidden('#effective-warning')).toBe(true);

    await page.focus('#publish');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await focusedId(page)).toBe('confirm-publish');
    const body = await page.textContent('#confirm-body');
    expect(body).toContain('A material change: every user must acknowledge the new version again.');
    expect(body).toMatch(
      /It takes effect \w+day, \d{1,2} \w+ \d{4} at \d\d:\d\d Indochina Time \(in 30 days\)\./,
    );
    expect(body).toContain("That is the policy's 30-day notice period.");
    expect(body).toContain('12 customers will be emailed, per language:');
    expect(body).toContain('vi: 8 customers');
    expect(body).toContain('Every language has a summary of the change.');
    expect(await page.textContent('#confirm-publish')).toBe('Publish and email 12');
    // Tab stays within the modal dialog: Publish → Cancel → (wraps, never the page behind).
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('confirm-cancel');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedId(page)).toBe('confirm-publish');
    expect(await latestVersion(service)).toBe(1); // nothing stored while the dialog is open

    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'console-confirm.png') });

    await page.keyboard.press('Enter');
    await page.locator('#publish-status', { hasText: 'Published version 2' }).waitFor();
    await page.locator('#progress-text[data-status=completed]').waitFor({ timeout: 20_000 });
    expect(await page.textContent('#progress-text')).toContain('12 sent');
    expect(await page.locator('#history tr').count()).toBe(2);
    const row = page.locator('#history tr[data-version="2"]');
    expect(await row.textContent()).toContain('upcoming (');
    expect(await row.textContent()).toContain('completed: 12 sent, 0 failed, 0 suppressed of 12');
    expect(await row.locator('td').nth(3).textContent()).toMatch(/GMT\+7$/);
    await page.screenshot({ path: join(ARTIFACTS, 'console-published.png'), fullPage: true });

    const stored = await call(service, 'GET', '/policies/privacy/revisions/2');
    expect(stored.json).toMatchObject({
      version: 2,
      change: 'material',
      notify: true,
      summary: { vi: 'Làm rõ cách quản lý <b>dữ liệu</b>' },
    });
    expect(Date.parse(stored.json.effectiveAt) - Date.parse(stored.json.publishedAt)).toBe(30 * 86_400_000);
    expect(stored.json.text).toContain('sự cố lộ lọt gây');
    const view = (await call(service, 'GET', '/policies/privacy')).json;
    expect(view).toMatchObject({ currentVersion: 1, upcoming: { version: 2 } });
  });

  it('retries the failed emails of a version from its history row', async () => {
    const requests: { method: string; url: string; body: string | null; type: string | undefined }[] = [];
    // The retry route is the notification work's (POST …/notification/retry, answering with counts):
    // answered here so the console's side is shown on its own.
    await page.route('**/policies/privacy/revisions/2/notification/retry', async (route) => {
      const request = route.request();
      requests.push({
        method: request.method(),
        url: request.url(),
        body: request.postData(),
        type: request.headers()['content-type'],
      });
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ requeued: 3, skipped: { permanent: 1, inProgress: 0 }, status: 'sending' }),
      });
    });
    await page.focus('#history tr[data-version="2"] button[data-retry]');
    await page.keyboard.press('Enter');
    await page
      .locator('#history-status', {
        hasText:
          'Retry of version 2 started: 3 email(s) queued again, 1 not retried (permanent failures or still in progress).',
      })
      .waitFor();
    expect(requests).toEqual([
      {
        method: 'POST',
        url: `${service.url}/policies/privacy/revisions/2/notification/retry`,
        body: '{}',
        type: 'application/json',
      },
    ]);
    await page.unroute('**/policies/privacy/revisions/2/notification/retry');
  });

  it('a new Markdown policy: proposes 30 days notice, previews the text rendered, stores the notice period on confirmation', async () => {
    await page.selectOption('#policy-select', '');
    expect(await page.inputValue('#notice-days')).toBe('30');
    expect(await page.textContent('#notice-status')).toContain('Proposed for a new policy: 30 days');
    await page.fill('#policy-id', 'md-terms');
    await page.selectOption('#format', 'markdown');
    await page.fill(
      '#text-vi',
      '# Điều khoản\n\n## 1. Phạm vi\n\nÁp dụng cho **mọi** dịch vụ, xem [trang](https://example.vn/a).\n\n<script>alert(1)</script>\n',
    );
    await page.fill('#summary-vi', 'Phiên bản đầu tiên');
    await page.check('input[name=change][value=material]');
    await page.check('#notify');
    await page.click('#preview');
    await page.waitForSelector('#preview-panel:not([hidden])');
    const rendered = page.frameLocator('#preview-rendered iframe.rendered');
    expect(await rendered.locator('strong').textContent()).toBe('mọi');
    expect(await rendered.locator('a').getAttribute('rel')).toBe('nofollow noopener noreferrer');
    expect(await rendered.locator('h2').getAttribute('id')).toBeTruthy();
    expect(await rendered.locator('body').textContent()).toContain('<script>alert(1)</script>');
    expect(await rendered.locator('script').count()).toBe(0);
    expect(await page.getAttribute('#preview-rendered iframe.rendered', 'sandbox')).toBe('');
    await page.screenshot({ path: join(ARTIFACTS, 'console-markdown-preview.png'), fullPage: true });

    await page.focus('#publish');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm-dialog[open]');
    await page.keyboard.press('Enter');
    await page.locator('#publish-status', { hasText: 'Published version 1' }).waitFor();
    expect(await page.textContent('#publish-status')).toContain('Notice period for later changes: 30 days.');
    const settings = await call(service, 'GET', '/policies/md-terms/settings', { token: TOKENS.publisher });
    expect(settings.json).toMatchObject({ noticePeriodDays: 30 });
    expect((await call(service, 'GET', '/policies/md-terms/revisions/1')).json.format).toBe('markdown');
    await page
      .locator('#progress-text[data-status=completed]', { hasText: 'Version 1' })
      .waitFor({ timeout: 20_000 });
    await page.selectOption('#policy-select', 'privacy');
    await page.locator('#history tr[data-version="2"]').waitFor();
  });

  it('counts who has not acknowledged yet', async () => {
    await call(service, 'POST', '/users/console-1/acknowledgments', {
      token: TOKENS.app,
      body: { policyId: 'privacy', version: 1 },
    });
    await page.click('#count');
    await page.locator('#acks-status', { hasText: 'have not acknowledged' }).waitFor();
    expect(await page.textContent('#acks-status')).toContain(
      '11 of 12 active customers have not acknowledged version 1',
    );
  });
});
