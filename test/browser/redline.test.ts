import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { axeViolations } from '../support/a11y';
import { ARTIFACTS, hasChromium, launchBrowser } from '../support/browser';
import { edit, fixtureVi } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

// DESIGN.md: browser tests run when /usr/bin/chromium exists; .ci/run installs it, so CI always runs them.
describe.runIf(hasChromium)('redline page in a real browser', () => {
  let service: LocalService;
  let browser: Browser;

  beforeAll(async () => {
    service = await startTestService();
    browser = await launchBrowser();
    const publish = (vi: string, summary?: string) =>
      call(service, 'POST', '/policies/privacy/revisions', {
        token: TOKENS.publisher,
        body: { texts: { vi }, change: 'material', ...(summary ? { summary: { vi: summary } } : {}) },
      });
    expect((await publish(fixtureVi)).status).toBe(201);
    const v2 = edit(
      edit(fixtureVi, 'sự cố rò rỉ gây', 'sự cố lộ lọt gây'),
      '\n9. Bảo mật\n',
      '\n9. Quyền khiếu nại\n\nQuý khách có quyền khiếu nại về việc xử lý dữ liệu.\n\n10. Bảo mật\n',
    );
    expect((await publish(v2, 'Làm rõ sự cố bảo mật và thêm quyền khiếu nại')).status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('marks insertions and deletions, collapses unchanged sections, and fits a phone screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${service.url}/p/privacy/changes?from=1&to=2`);
    expect(await page.locator('h1').textContent()).toContain('Những thay đổi từ phiên bản 1 đến phiên bản 2');
    expect(await page.locator('.summary').textContent()).toContain(
      'Làm rõ sự cố bảo mật và thêm quyền khiếu nại',
    );
    const insertions = await page.locator('ins').allTextContents();
    const deletions = await page.locator('del').allTextContents();
    expect(insertions.join(' ')).toContain('lộ lọt');
    expect(deletions.join(' ')).toContain('rò rỉ');
    expect(insertions.join(' ')).toContain('Quý khách có quyền khiếu nại về việc xử lý dữ liệu');
    expect(await page.locator('details[open]').count()).toBe(0);
    expect(await page.locator('details').count()).toBeGreaterThan(5);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    // Marks are announced in Vietnamese, the heading of a changed section is not repeated in its body.
    expect(await page.locator('section.change ins .vh').first().textContent()).toBe('đã thêm: ');
    expect(await page.locator('section.change del .vh').first().textContent()).toBe('đã xoá: ');
    const security = page.locator('section.change', {
      has: page.locator('h2', { hasText: 'Quyền khiếu nại' }),
    });
    expect((await security.textContent())!.split('Quyền khiếu nại').length - 1).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'redline-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'redline-desktop.png') });
    await page.close();
  });
});
