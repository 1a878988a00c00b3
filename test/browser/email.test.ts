/**
 * The change email in a real browser at phone size (390×844), light and dark colour schemes: one
 * column that fits the screen, labelled buttons, readable contrast in both schemes. Screenshots are
 * saved as test artifacts: test-results/email-light.png and test-results/email-dark.png.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeNotice, personalize } from '../../functions/domain/email';
import { ARTIFACTS, hasChromium, launchBrowser } from '../support/browser';

const email = personalize(
  composeNotice({
    policyId: 'privacy',
    title: 'Chính sách quyền riêng tư',
    version: 3,
    change: 'material',
    effectiveAt: '2027-01-01T02:00:00.000Z',
    locale: 'vi',
    frameLocale: 'vi',
    timeZone: 'Asia/Ho_Chi_Minh',
    summary:
      'Chúng tôi rút ngắn thời gian lưu nhật ký truy cập từ 90 xuống 30 ngày.\n\nBổ sung mục mới về chia sẻ dữ liệu với đối tác thanh toán.',
    changedSections: ['3. Thời gian lưu trữ', '7. Chia sẻ dữ liệu với bên thứ ba', '9. Liên hệ'],
    firstChangeAnchor: 's-3',
    publicBaseUrl: 'https://policies.example.com',
    org: {
      name: 'Công ty TNHH Sao Mai Digital',
      phone: '+84 28 1234 5678',
      email: 'dpo@saomai.example',
      address: '12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
      website: 'https://www.saomai.example/',
    },
  }),
  'Nguyễn Văn An',
);

/** WCAG contrast ratio of two CSS `rgb()`/`rgba()` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe.runIf(hasChromium)('the change email in a phone-sized browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`fits 390 px, links with labelled buttons and reads well (${scheme})`, async () => {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        colorScheme: scheme,
        javaScriptEnabled: false,
      });
      const page = await context.newPage();
      // Email clients load nothing either: any request would be a broken image or font.
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
      });
      await page.setContent(email.html, { waitUntil: 'load' });
      await page.screenshot({ path: join(ARTIFACTS, `email-${scheme}.png`), fullPage: true });
      expect(requests).toEqual([]);

      interface Measured {
        scrollWidth: number;
        cardWidth: number;
        buttons: { text: string; href: string; h: number; right: number }[];
        cardBg: string;
        text: string;
        buttonBg: string;
        buttonText: string;
        link: string;
      }
      // A string: this test's TypeScript has no DOM types; the browser runs it as is.
      const m = await page.evaluate<Measured>(`(() => {
        const card = document.querySelector('.em-card');
        const buttons = [...document.querySelectorAll('a.em-btn, a.em-btn2')].map((a) => {
          const r = a.getBoundingClientRect();
          return { text: a.textContent.trim(), href: a.getAttribute('href'), h: r.height, right: r.right };
        });
        const style = (el) => getComputedStyle(el);
        return {
          scrollWidth: document.documentElement.scrollWidth,
          cardWidth: card.getBoundingClientRect().width,
          buttons,
          cardBg: style(card).backgroundColor,
          text: style(card.querySelector('p:not(.em-muted)')).color,
          buttonBg: style(document.querySelector('a.em-btn')).backgroundColor,
          buttonText: style(document.querySelector('a.em-btn')).color,
          link: style(document.querySelector('a.em-link')).color,
        };
      })()`);
      // One column that fits the phone: no sideways scrolling.
      expect(m.scrollWidth).toBeLessThanOrEqual(390);
      expect(m.cardWidth).toBeLessThanOrEqual(390);
      expect(m.buttons.map((b) => b.text)).toEqual(['Xem chi tiết những điểm thay đổi', 'Đọc toàn văn']);
      expect(m.buttons[0]!.href).toBe('https://policies.example.com/p/privacy/changes?from=2&to=3#s-3');
      for (const b of m.buttons) {
        expect(b.h).toBeGreaterThanOrEqual(40); // a finger-sized target
        expect(b.right).toBeLessThanOrEqual(390);
      }
      // Readable in this scheme: body text and the primary button against their backgrounds.
      expect(contrast(m.text, m.cardBg)).toBeGreaterThanOrEqual(7);
      expect(contrast(m.buttonText, m.buttonBg)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(m.link, m.cardBg)).toBeGreaterThanOrEqual(4.5);
      if (scheme === 'dark')
        expect(contrast(m.cardBg, 'rgb(0, 0, 0)')).toBeLessThan(2); // a dark card
      else expect(contrast(m.cardBg, 'rgb(255, 255, 255)')).toBeLessThan(1.1); // a light card
      await context.close();
    });
  }
});
