/**
 * The email a customer gets through the whole pipeline (issue 11): the policy's title (never the bare
 * id) in subject and body, times in the customer's time zone (else ORG_TIME_ZONE) with the zone named,
 * every ORG_* contact value that is set, the redline linked at its first changed section.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import type { Mailer, OutgoingEmail } from '../../functions/ports';
import { call, startTestService, TOKENS } from '../support/service';

const running: LocalService[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

describe('the change email through the pipeline', () => {
  it('names the policy by its title and shows times in the reader’s zone, else the organisation’s', async () => {
    const sent: OutgoingEmail[] = [];
    const mailer: Mailer = {
      send: async (email) => {
        sent.push(email);
        return { messageId: `m-${sent.length}` };
      },
    };
    const service = await startTestService({
      sesMaxSendRate: 1_000,
      orgContact: {
        name: 'Sao Mai Digital',
        phone: '+84 28 1234 5678',
        email: 'dpo@saomai.example',
        address: '12 Lê Lợi, Quận 1',
        website: 'https://www.saomai.example/',
      },
      orgTimeZone: 'Asia/Tokyo',
      notifications: { mailer, sweepIntervalMs: 0 },
    });
    running.push(service);
    const customers = [
      { id: 'hcm', body: { email: 'hcm@tz.example', locale: 'en', timeZone: 'Asia/Ho_Chi_Minh' } },
      { id: 'ny', body: { email: 'ny@tz.example', locale: 'en', timeZone: 'America/New_York' } },
      { id: 'org', body: { email: 'org@tz.example', locale: 'vi' } },
    ];
    for (const c of customers)
      expect(
        (await call(service, 'PUT', `/customers/${c.id}`, { token: TOKENS.app, body: c.body })).status,
      ).toBe(201);
    const texts = (body: string) => ({
      en: `# Privacy Policy\n\n## 1. Scope\n\nAll data.\n\n## 2. Retention\n\n${body}\n`,
      vi: `# Chính sách quyền riêng tư\n\n## 1. Phạm vi\n\nMọi dữ liệu.\n\n## 2. Lưu trữ\n\n${body}\n`,
    });
    const publish = (body: string, notify: boolean, effectiveAt?: string) =>
      call(service, 'POST', '/policies/privacy/revisions', {
        token: TOKENS.publisher,
        body: {
          texts: texts(body),
          format: 'markdown',
          change: 'material',
          notify,
          ...(effectiveAt ? { effectiveAt } : {}),
        },
      });
    expect((await publish('30 days.', false)).status).toBe(201);
    // 02:00 UTC on 1 January 2027: 09:00 in Ho Chi Minh City, 11:00 in Tokyo, 21:00 on 31 December in New York.
    expect((await publish('90 days.', true, '2027-01-01T02:00:00Z')).status).toBe(201);
    await service.notifications.drain(30_000);

    const to = (address: string) => sent.find((e) => e.to === address)!;
    const hcm = to('hcm@tz.example');
    expect(hcm.subject).toBe('Important: Sao Mai Digital has changed its “Privacy Policy” (version 2)');
    expect(hcm.text).toMatch(
      /We have updated our “Privacy Policy”\. Version 2 takes effect on January 1, 2027.*9:00\sAM \(Asia\/Ho_Chi_Minh\)\./,
    );
    expect(to('ny@tz.example').text).toMatch(/December 31, 2026.*9:00\sPM \(America\/New_York\)/);
    const org = to('org@tz.example');
    expect(org.subject).toBe(
      '[Quan trọng] Sao Mai Digital: thay đổi “Chính sách quyền riêng tư” (phiên bản 2)',
    );
    expect(org.text).toMatch(/11:00.*1 tháng 1,? 2027.*\(Asia\/Tokyo\)/);
    for (const email of sent) {
      expect(email.subject + email.text).not.toMatch(/“privacy”|"privacy"/);
      expect(email.html).toContain('<meta name="color-scheme" content="light dark">');
      // The redline, at the first changed section's heading (its id on the page).
      expect(email.html).toContain('/p/privacy/changes?from=1&amp;to=2#s-2');
    }
    expect(hcm.text).toContain(
      'Sao Mai Digital\nPhone: +84 28 1234 5678\nEmail: dpo@saomai.example\nAddress: 12 Lê Lợi, Quận 1\nWebsite: www.saomai.example <https://www.saomai.example/>',
    );
    const page = await call(service, 'GET', '/p/privacy/changes?from=1&to=2&locale=en');
    expect(page.text).toContain('id="s-2"');
  });
});
