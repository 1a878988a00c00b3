import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { ARTIFACTS, hasChromium, launchBrowser } from '../support/browser';
import { edit, fixtureVi } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

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
        body: { email: `console-${i}@example.vn`, locale: i % 2 ? 'en' : 'vi' },
      });
      expect(res.status).toBe(201);
    }
    const v1 = await call(service, 'POST', '/policies/privacy/revisions', {
      token: TOKENS.publisher,
      body: { texts: { vi: fixtureVi }, change: 'material', notify: false },
    });
    expect(v1.status).toBe(201);
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('refuses a token that is not a publisher token', async () => {
    await page.goto(`${service.url}/console`);
    await page.fill('#token', TOKENS.app);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#signin-status', { hasText: 'not a publisher token' }).waitFor();
    expect(await page.isVisible('#app')).toBe(false);
  });

  it('signs in, previews the diff, publishes and watches the notification complete', async () => {
    await page.fill('#token', TOKENS.publisher);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
    await page.locator('#text-vi').waitFor();
    expect(await page.inputValue('#text-vi')).toContain(
      'Chính sách bảo mật của Công ty TNHH Sao Mai Digital',
    );
    expect(await page.locator('#history tr').count()).toBe(1);

    const edited = edit(await page.inputValue('#text-vi'), 'sự cố rò rỉ gây', 'sự cố lộ lọt gây');
    await page.fill('#text-vi', edited);
    await page.fill('#summary-vi', 'Làm rõ cách quản lý <b>dữ liệu</b>');
    await page.click('#preview');
    await page.waitForSelector('#preview-panel:not([hidden])');
    expect(await page.locator('#preview-body ins').allTextContents()).toContain('lộ lọt');
    expect(await page.locator('#preview-body del').allTextContents()).toContain('rò rỉ');
    expect((await call(service, 'GET', '/policies/privacy')).json.latestVersion).toBe(1); // a preview stores nothing
    await page.screenshot({ path: join(ARTIFACTS, 'console-preview.png'), fullPage: true });

    await page.click('#publish');
    await page.locator('#publish-status', { hasText: 'Published version 2' }).waitFor();
    await page.locator('#progress-text[data-status=completed]').waitFor({ timeout: 20_000 });
    expect(await page.textContent('#progress-text')).toContain('12 sent');
    expect(await page.locator('#history tr').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'console-published.png'), fullPage: true });

    const stored = await call(service, 'GET', '/policies/privacy/revisions/2');
    expect(stored.json).toMatchObject({
      version: 2,
      change: 'material',
      summary: { vi: 'Làm rõ cách quản lý <b>dữ liệu</b>' },
    });
    expect(stored.json.text).toContain('sự cố lộ lọt gây');
  });

  it('counts who has not acknowledged yet', async () => {
    await call(service, 'POST', '/users/console-1/acknowledgments', {
      token: TOKENS.app,
      body: { policyId: 'privacy', version: 2 },
    });
    await page.click('#count');
    await page.locator('#acks-status', { hasText: 'have not acknowledged' }).waitFor();
    expect(await page.textContent('#acks-status')).toContain(
      '11 of 12 active customers have not acknowledged version 2',
    );
  });
});
