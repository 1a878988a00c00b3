import { describe, expect, it } from 'vitest';
import {
  composeNotice,
  escapeHtml,
  formatEffectiveDate,
  headerSafe,
  isSafeAddress,
  type NoticeInput,
  noticeLinks,
  personalize,
  senderHeader,
} from '../../functions/domain/email';

const base: NoticeInput = {
  policyId: 'privacy',
  version: 3,
  change: 'material',
  effectiveAt: '2026-12-25T00:00:00.000Z',
  locale: 'en',
  summary: 'We now keep logs for 30 days.',
  changedSections: ['Information we receive', 'How long we keep it'],
  publicBaseUrl: 'https://policies.example.com/',
  org: { name: 'TAGGER Co., Ltd.', phone: '+84 28 1234 5678', email: 'dpo@tagger.example' },
};

/** Every tag name in an HTML document, in order (line breaks aside: a summary's own lines become <br>). */
const tags = (html: string) =>
  [...html.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((m) => m[1]!.toLowerCase()).filter((t) => t !== 'br');

describe('composeNotice + personalize', () => {
  it('says what changed, material or minor, when, where to read it and whom to contact', () => {
    const email = personalize(composeNotice(base), 'Lan');
    expect(email.text).toContain('Hello Lan,');
    expect(email.text).toContain('We now keep logs for 30 days.');
    expect(email.text).toContain('- Information we receive\n- How long we keep it');
    expect(email.text).toContain('confirm the new version the next time you sign in');
    expect(email.text).toContain('December 25, 2026');
    expect(email.text).toContain('https://policies.example.com/p/privacy/changes?from=2&to=3');
    expect(email.text).toContain('https://policies.example.com/p/privacy/v/3');
    expect(email.text).toContain('TAGGER Co., Ltd.\nPhone: +84 28 1234 5678\nEmail: dpo@tagger.example');
    expect(email.html).toContain('href="https://policies.example.com/p/privacy/changes?from=2&amp;to=3"');
    expect(email.html).toContain('<li>How long we keep it</li>');
  });

  it('tells a minor change apart and asks for nothing', () => {
    const email = personalize(composeNotice({ ...base, change: 'minor' }), null);
    expect(email.subject).not.toMatch(/Important/);
    expect(email.text).toContain('This is a minor change');
    expect(email.text).not.toContain('sign in');
    expect(email.text.startsWith('Hello,\n')).toBe(true);
  });

  it('writes vi, en and ja subjects in their language', () => {
    expect(composeNotice({ ...base, locale: 'vi' }).subject).toBe(
      '[Quan trọng] TAGGER Co., Ltd.: thay đổi chính sách "privacy" (phiên bản 3)',
    );
    expect(composeNotice(base).subject).toBe(
      'Important: TAGGER Co., Ltd. has changed its "privacy" policy (version 3)',
    );
    expect(composeNotice({ ...base, locale: 'ja' }).subject).toBe(
      '【重要】TAGGER Co., Ltd.「privacy」ポリシー改定のお知らせ（第3版）',
    );
    expect(composeNotice({ ...base, locale: 'ja', change: 'minor' }).subject).toBe(
      'TAGGER Co., Ltd.「privacy」ポリシー更新のお知らせ（第3版）',
    );
  });

  it('formats the effective date for the locale, in UTC', () => {
    expect(formatEffectiveDate(base.effectiveAt, 'ja')).toContain('2026年12月25日');
    expect(formatEffectiveDate(base.effectiveAt, 'vi')).toMatch(/25 tháng 12,? 2026/);
    expect(formatEffectiveDate(base.effectiveAt, 'en')).toMatch(/^December 25, 2026.*UTC$/);
    expect(personalize(composeNotice({ ...base, locale: 'vi' }), 'Lan').text).toContain('Xin chào Lan,');
    expect(personalize(composeNotice({ ...base, locale: 'ja' }), '田中').text).toContain('田中 様');
  });

  it('uses the English wording with the locale’s own summary and date for a locale without a template', () => {
    const notice = composeNotice({
      ...base,
      locale: 'fr',
      summary: 'Nous conservons les journaux 30 jours.',
    });
    expect(notice.language).toBe('en');
    const email = personalize(notice, null);
    expect(email.subject).toMatch(/^Important:/);
    expect(email.text).toContain('Nous conservons les journaux 30 jours.');
    expect(email.text).toContain('25 décembre 2026');
    expect(email.html).toContain('<html lang="fr">');
  });

  it('picks the template by language for regional locales', () => {
    expect(composeNotice({ ...base, locale: 'vi-VN' }).language).toBe('vi');
  });

  it('omits the redline link for a first version and says it is the first', () => {
    const email = personalize(composeNotice({ ...base, version: 1, changedSections: [] }), null);
    expect(email.text).not.toContain('/changes?');
    expect(email.text).toContain('first published version');
    expect(noticeLinks('https://x.example', 'privacy', 1).redline).toBeNull();
  });

  it('lists at most 15 section titles and counts the rest', () => {
    const titles = Array.from({ length: 20 }, (_, i) => `Section ${i + 1}`);
    const email = personalize(composeNotice({ ...base, changedSections: titles }), null);
    expect(email.text).toContain('- Section 15\n… and 5 more');
    expect(email.text).not.toContain('Section 16');
  });
});

describe('hostile values', () => {
  const hostileName =
    'Eve\r\nBcc: victim@example.com\r\n\r\n<script>alert(1)</script><img src=x onerror=alert(2)>';
  const hostileSummary =
    '<script>steal()</script>\r\nSubject: injected\n<a href="javascript:alert(3)">click</a> & "quotes" \'single\'';
  const hostileTitle = '</li><script>x()</script>\r\nTo: someone@example.com';
  const hostileOrg = {
    name: 'Org\r\nBcc: a@b.example <b>',
    phone: '<i>1</i>\n2',
    email: 'dpo@x.example"><script>',
  };

  const email = personalize(
    composeNotice({
      ...base,
      policyId: 'privacy',
      summary: hostileSummary,
      changedSections: [hostileTitle],
      org: hostileOrg,
    }),
    hostileName,
  );

  it('keeps the subject a single header line without CR, LF or other control characters', () => {
    expect(email.subject).not.toMatch(/[\r\n\u0000-\u001f\u007f]/);
    expect(email.subject).toContain('Org Bcc: a@b.example <b>');
    expect(headerSafe('a\r\nb\u0000c\u2028d')).toBe('a b c d');
    expect(headerSafe('x'.repeat(500)).length).toBeLessThanOrEqual(180);
  });

  it('injects no markup: only the template’s own tags appear in the HTML', () => {
    const clean = personalize(composeNotice({ ...base, changedSections: ['A'] }), 'Lan');
    expect(tags(email.html)).toEqual(tags(clean.html));
    expect(email.html).not.toMatch(/<script|<img|<a href="javascript/i);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('&lt;script&gt;steal()&lt;/script&gt;');
    expect(email.html).toContain('&amp; &quot;quotes&quot; &#39;single&#39;');
    expect(email.html).toContain('mailto:dpo@x.example&quot;&gt;&lt;script&gt;');
  });

  it('keeps a hostile name on the greeting line in the text part', () => {
    const [first, second] = email.text.split('\n');
    expect(first).toBe(
      'Hello Eve Bcc: victim@example.com <script>alert(1)</script><img src=x onerror=alert(2)>,',
    );
    expect(second).toBe('');
    expect(email.text).not.toContain('\r');
  });

  it('keeps each section title on its own list line', () => {
    expect(email.text).toContain('- </li><script>x()</script> To: someone@example.com\n');
  });

  it('escapes every HTML special character', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('accepts only bare single-line addresses', () => {
    expect(isSafeAddress('lan@example.vn')).toBe(true);
    expect(isSafeAddress('lan@example.vn\r\nBcc: x@y.z')).toBe(false);
    expect(isSafeAddress('Lan <lan@example.vn>')).toBe(false);
    expect(isSafeAddress('a,b@example.vn')).toBe(false);
  });
});

describe('senderHeader', () => {
  it('quotes an ASCII organisation name and escapes quotes and backslashes', () => {
    expect(senderHeader('Example Co.', 'privacy@example.com')).toBe('"Example Co." <privacy@example.com>');
    expect(senderHeader('A "B" \\ C', 'p@x.example')).toBe('"A \\"B\\" \\\\ C" <p@x.example>');
  });

  it('encodes a name that is not ASCII (RFC 2047) and never lets a line break through', () => {
    const header = senderHeader('Công ty Ví dụ\r\nBcc: x@evil.example', 'p@x.example');
    expect(header).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <p@x\.example>$/);
    const encoded = /^=\?UTF-8\?B\?([^?]+)\?=/.exec(header)![1]!;
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe('Công ty Ví dụ Bcc: x@evil.example');
    expect(header).not.toMatch(/[\r\n]/);
    expect(senderHeader('', 'p@x.example')).toBe('p@x.example');
  });
});
