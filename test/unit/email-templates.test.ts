/**
 * The built-in wording of the change email in each language (functions/domain/email-templates.ts), as
 * a reader sees it: subjects, nameless greetings, the intro, the "written in another language" line and
 * the count of sections left off the list. Every expected string is written out.
 */
import { describe, expect, it } from 'vitest';
import { composeNotice, type NoticeInput, personalize } from '../../functions/domain/email';
import { hasWording, wordingFor } from '../../functions/domain/email-templates';

const base: NoticeInput = {
  policyId: 'privacy',
  title: 'Privacy',
  version: 3,
  change: 'minor',
  effectiveAt: '2026-12-25T00:00:00.000Z',
  locale: 'en',
  summary: null,
  changedSections: Array.from({ length: 20 }, (_, i) => `S${i + 1}`),
  publicBaseUrl: 'https://policies.example.com',
  org: { name: 'Org', phone: null, email: null },
};

const email = (over: Partial<NoticeInput>) => personalize(composeNotice({ ...base, ...over }), null);

describe('email wording per language', () => {
  it('English: the minor-change subject, and the line naming the content’s language', () => {
    const e = email({ locale: 'vi', frameLocale: 'en' });
    expect(e.subject).toBe('Org has updated its “Privacy” (version 3)');
    expect(e.text).toContain('\n\nThis policy is available in Vietnamese.\n\n');
    expect(e.text).toContain('- S15\n… and 5 more');
  });

  it('Vietnamese: subject, greeting without a name, intro, language line and the sections left off', () => {
    const e = email({ locale: 'en', frameLocale: 'vi' });
    expect(e.subject).toBe('Org: cập nhật “Privacy” (phiên bản 3)');
    expect(e.text).toContain('\n\nKính gửi Quý khách,\n\n');
    expect(e.text).toMatch(
      /\n\nChúng tôi đã cập nhật “Privacy”\. Phiên bản 3 có hiệu lực từ [^\n]*2026[^\n]*\.\n\n/,
    );
    expect(e.text).toContain('\n\nChính sách này hiện chỉ có bằng Tiếng Anh.\n\n');
    expect(e.text).toContain('- S15\n… và 5 mục khác');
  });

  it('Japanese: greeting without a name, intro, language line and the sections left off', () => {
    const e = email({ locale: 'en', frameLocale: 'ja' });
    expect(e.subject).toBe('Org「Privacy」更新のお知らせ（第3版）');
    expect(e.text).toContain('\n\nお客様各位\n\n');
    expect(e.text).toMatch(/\n\n「Privacy」を改定しました。第3版は2026年12月25日[^\n]*に発効します。\n\n/);
    expect(e.text).toContain('\n\nこのポリシーは英語で提供されています。\n\n');
    expect(e.text).toContain('- S15\nほか5件');
  });

  it('picks a wording by the language subtag, case aside, and English for the rest', () => {
    expect([
      hasWording('vi-VN'),
      hasWording('JA'),
      hasWording('en-GB'),
      hasWording('fr'),
      hasWording('-'),
    ]).toEqual([true, true, true, false, false]);
    expect(wordingFor('JA-jp').language).toBe('ja');
    expect(wordingFor('fr-CA').language).toBe('en');
    expect(wordingFor('fr-CA').wording).toBe(wordingFor('en').wording);
  });
});
