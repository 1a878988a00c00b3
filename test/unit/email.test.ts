import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  composeNotice,
  escapeHtml,
  formatEffectiveDate,
  headerSafe,
  isSafeAddress,
  isTimeZone,
  MAX_LISTED_SECTIONS,
  type NoticeInput,
  noticeLinks,
  personalize,
  senderHeader,
  singleLine,
} from '../../functions/domain/email';

const base: NoticeInput = {
  policyId: 'privacy',
  title: 'Privacy Policy',
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
    expect(email.html).toMatch(/<li[^>]*>How long we keep it<\/li>/);
  });

  it('tells a minor change apart and asks for nothing', () => {
    const email = personalize(composeNotice({ ...base, change: 'minor' }), null);
    expect(email.subject).not.toMatch(/Important/);
    expect(email.text).toContain('This is a minor change');
    expect(email.text).not.toContain('sign in');
    expect(email.text.startsWith('TAGGER Co., Ltd.\nPrivacy Policy\n\nHello,\n')).toBe(true);
  });

  it('writes vi, en and ja subjects in their language', () => {
    expect(composeNotice({ ...base, locale: 'vi', title: 'Chính sách quyền riêng tư' }).subject).toBe(
      '[Quan trọng] TAGGER Co., Ltd.: thay đổi “Chính sách quyền riêng tư” (phiên bản 3)',
    );
    expect(composeNotice(base).subject).toBe(
      'Important: TAGGER Co., Ltd. has changed its “Privacy Policy” (version 3)',
    );
    expect(composeNotice({ ...base, locale: 'ja', title: 'プライバシーポリシー' }).subject).toBe(
      '【重要】TAGGER Co., Ltd.「プライバシーポリシー」改定のお知らせ（第3版）',
    );
    expect(
      composeNotice({ ...base, locale: 'ja', change: 'minor', title: 'プライバシーポリシー' }).subject,
    ).toBe('TAGGER Co., Ltd.「プライバシーポリシー」更新のお知らせ（第3版）');
    // The title, never the bare policy id, names the policy.
    const email = personalize(composeNotice(base), null);
    expect(email.text).toContain('We have updated our “Privacy Policy”.');
    expect(email.subject + email.text + email.html).not.toMatch(/"privacy"|“privacy”/);
  });

  it('formats the effective date for the locale, in UTC by default, the zone named', () => {
    expect(formatEffectiveDate(base.effectiveAt, 'ja')).toContain('2026年12月25日');
    expect(formatEffectiveDate(base.effectiveAt, 'vi')).toMatch(/25 tháng 12,? 2026/);
    expect(formatEffectiveDate(base.effectiveAt, 'en')).toMatch(/^December 25, 2026.*\(UTC\)$/);
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
    // The wording is English, so is the email's language; the French summary and titles say theirs.
    expect(email.html).toContain('<html lang="en">');
    expect(email.html).toContain(
      '<p lang="fr" style="margin:0 0 16px;font-size:16px;line-height:1.5">Nous conservons',
    );
    expect(email.html).toContain('<ul lang="fr" ');
  });

  it('tags the parts written in the content’s language when the reader’s wording is another one', () => {
    const vi = personalize(composeNotice({ ...base, frameLocale: 'vi-VN' }), null).html;
    expect(vi).toContain('<html lang="vi-VN">');
    expect(vi).toContain(
      '<p lang="en" style="margin:0 0 16px;font-size:16px;line-height:1.5">We now keep logs',
    );
    expect(vi).toContain('<ul lang="en" ');
    // The line naming the content's language is in the wording's language: no tag of its own.
    expect(vi).toMatch(/<p style="[^"]*">Chính sách này hiện chỉ có bằng tiếng anh\./i);
    // A summary written in the reader's language is in the wording's language too.
    const viSummary = personalize(
      composeNotice({
        ...base,
        frameLocale: 'vi-VN',
        summary: 'Chúng tôi lưu nhật ký 30 ngày.',
        summaryLocale: 'vi',
      }),
      null,
    ).html;
    expect(viSummary).toContain('<p style="margin:0 0 16px;font-size:16px;line-height:1.5">Chúng tôi lưu');
    expect(viSummary).toContain('<ul lang="en" ');
    const en = personalize(composeNotice(base), null).html;
    expect(en).toContain('<html lang="en">');
    expect(en).not.toMatch(/<(p|ul) lang=/);
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

  it('counts only the titles that are not blank, listed or not, as cleaning them would', () => {
    const blankish = [
      '',
      ' ',
      '\t',
      '\r\n',
      '\u0000',
      '\u0085',
      '\u00a0',
      '\u2028',
      '\ufeff',
      '\u3000',
      'x',
      'Đ',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...blankish), { maxLength: 3 }), { maxLength: 40 }),
        (parts) => {
          const titles = parts.map((p) => p.join(''));
          const kept = titles.map((t) => singleLine(t)).filter((t) => t !== '');
          const more = kept.length - Math.min(kept.length, MAX_LISTED_SECTIONS);
          const { text } = personalize(composeNotice({ ...base, changedSections: titles }), null);
          expect(text.includes(`… and ${more} more`)).toBe(more > 0);
          if (more === 0) expect(text).not.toContain(' more\n');
        },
      ),
      { numRuns: 500 },
    );
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
    const [, , , first, second] = email.text.split('\n');
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

describe('time zones', () => {
  it("shows times in the reader's zone, named, in the frame's language", () => {
    const at = '2027-01-01T02:00:00.000Z';
    expect(formatEffectiveDate(at, 'en', 'Asia/Ho_Chi_Minh')).toMatch(
      /^January 1, 2027.*9:00\sAM \(Asia\/Ho_Chi_Minh\)$/,
    );
    expect(formatEffectiveDate(at, 'vi', 'Asia/Ho_Chi_Minh')).toMatch(
      /09:00.*1 tháng 1,? 2027.*\(Asia\/Ho_Chi_Minh\)$/,
    );
    expect(formatEffectiveDate(at, 'ja', 'Asia/Tokyo')).toMatch(/^2027年1月1日.*11:00 \(Asia\/Tokyo\)$/);
    // The day can differ: 02:00 UTC on 1 January is still 31 December in New York.
    expect(formatEffectiveDate(at, 'en', 'America/New_York')).toMatch(
      /^December 31, 2026.*\(America\/New_York\)$/,
    );
    const email = personalize(
      composeNotice({ ...base, effectiveAt: at, timeZone: 'Asia/Ho_Chi_Minh' }),
      null,
    );
    expect(email.text).toMatch(/takes effect on January 1, 2027.*9:00\sAM \(Asia\/Ho_Chi_Minh\)\./);
  });

  it('knows IANA names and UTC, and refuses anything else', () => {
    expect(isTimeZone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(canonicalTimeZone('asia/tokyo')).toBe('Asia/Tokyo');
    expect(canonicalTimeZone('Asia/Ho_Chi_Minh')).toBe('Asia/Ho_Chi_Minh');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    for (const bad of ['Mars/Olympus', '', '+07:00', 'Asia/Ho Chi Minh', 'UTC\n', '../etc'])
      expect(isTimeZone(bad)).toBe(false);
    // A zone that slipped through some other way never breaks an email: UTC, said so.
    expect(formatEffectiveDate(base.effectiveAt, 'en', 'Nowhere/Land')).toMatch(/\(UTC\)$/);
  });
});

describe('contact block', () => {
  it('shows every organisation value that is set, and only those', () => {
    const full = personalize(
      composeNotice({
        ...base,
        org: {
          name: 'TAGGER Co., Ltd.',
          phone: '+84 28 1234 5678',
          email: 'dpo@tagger.example',
          address: '12 Lê Lợi, District 1, Ho Chi Minh City',
          website: 'https://www.tagger.example/privacy',
        },
      }),
      null,
    );
    expect(full.text).toContain(
      'TAGGER Co., Ltd.\nPhone: +84 28 1234 5678\nEmail: dpo@tagger.example\nAddress: 12 Lê Lợi, District 1, Ho Chi Minh City\nWebsite: www.tagger.example/privacy <https://www.tagger.example/privacy>',
    );
    expect(full.html).toContain('href="https://www.tagger.example/privacy"');
    const bare = personalize(
      composeNotice({ ...base, org: { name: 'Solo', phone: null, email: null } }),
      null,
    );
    expect(bare.text).toMatch(/Questions\? Contact us:\nSolo\n\n/);
    expect(bare.text).not.toMatch(/Phone:|Email:|Address:|Website:/);
    // A website that is not an http(s) URL is left out rather than linked.
    const js = personalize(
      composeNotice({ ...base, org: { ...base.org, website: 'javascript:alert(1)' } }),
      null,
    );
    expect(js.html).not.toContain('javascript:');
  });
});

/**
 * What a reader sees of an HTML email, in reading order: block text (tags removed, entities decoded,
 * white space collapsed) and link targets.
 */
function visible(html: string): { lines: string[]; urls: string[] } {
  const body = html.slice(html.indexOf('<body'));
  const urls = [...body.matchAll(/href="([^"]*)"/g)].map((m) => decode(m[1]!));
  const text = body
    .replace(/<(br|\/p|\/h1|\/h2|\/li|\/td|\/tr|\/table)\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<[^>]+>/g, '');
  const lines = decode(text)
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '');
  return { lines, urls };
}
const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The text part's sentences without its URLs, and the URLs. */
function textPart(text: string): { lines: string[]; urls: string[] } {
  const URL = /(?:https?:\/\/|mailto:)[^\s<>]+/g;
  const urls = [...text.matchAll(URL)].map((m) => m[0]);
  const lines = text
    .replace(/ <(?:https?:\/\/)[^\s<>]+>/g, '')
    .replace(URL, '')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '');
  return { lines, urls };
}

describe('the HTML template', () => {
  const org = {
    name: 'TAGGER Co., Ltd.',
    phone: '+84 28 1234 5678',
    email: 'dpo@tagger.example',
    address: '12 Lê Lợi, Ho Chi Minh City',
    website: 'https://www.tagger.example/',
  };
  const cases: [string, NoticeInput][] = [
    ['en, material, sections, summary', { ...base, org, firstChangeAnchor: 's-2-retention' }],
    [
      'vi, minor, multi-paragraph summary',
      { ...base, org, locale: 'vi', change: 'minor', summary: 'Một.\n\nHai\nba.' },
    ],
    [
      'ja frame of a vi-only policy, first version',
      { ...base, org, locale: 'vi', frameLocale: 'ja', version: 1, changedSections: [] },
    ],
    [
      'hostile values',
      {
        ...base,
        org: { ...org, name: 'A <b>&amp;</b>' },
        summary: '<i>x</i> & "y"',
        changedSections: ['<script>'],
      },
    ],
  ];

  it.each(cases)(
    'has a plain-text part equivalent to the HTML (%s): same sentences, same URLs',
    (_, input) => {
      const email = personalize(composeNotice(input), 'Lan <x>');
      const html = visible(email.html);
      const text = textPart(email.text);
      expect(html.lines).toEqual(text.lines);
      const mailto = html.urls.filter((u) => u.startsWith('mailto:'));
      expect(html.urls.filter((u) => !u.startsWith('mailto:'))).toEqual(text.urls);
      // A mailto link shows its address as its text, which the text part carries as a sentence.
      for (const m of mailto) expect(email.text).toContain(m.slice('mailto:'.length));
    },
  );

  it('links with labelled buttons, never with a raw URL as the link text, the redline to the first change', () => {
    const email = personalize(composeNotice({ ...base, org, firstChangeAnchor: 's-2-retention' }), null);
    const anchors = [...email.html.matchAll(/<a\b[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)];
    expect(anchors.length).toBeGreaterThanOrEqual(3);
    for (const [, href, label] of anchors) {
      expect(label!.trim()).not.toBe('');
      expect(label).not.toMatch(/^(https?:|mailto:)/);
      expect(decode(label!)).not.toBe(decode(href!));
    }
    expect(email.html).toMatch(
      /<a class="em-btn" href="https:\/\/policies\.example\.com\/p\/privacy\/changes\?from=2&amp;to=3#s-2-retention"[^>]*>See exactly what changed<\/a>/,
    );
    expect(email.html).toMatch(/>Read the full text<\/a>/);
  });

  it('is one column of at most 600 px, declares light and dark colour schemes, and stays under 100 KB', () => {
    const titles = Array.from({ length: 40 }, (_, i) => `Section ${i} ${'long title words '.repeat(8)}`);
    const email = personalize(
      composeNotice({ ...base, org, summary: 'x '.repeat(1000), changedSections: titles }),
      'Nguyễn Văn An',
    );
    expect(email.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(email.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(email.html).toContain('@media (prefers-color-scheme: dark)');
    expect(email.html).toContain('max-width:600px');
    expect(Buffer.byteLength(email.html, 'utf8')).toBeLessThan(100 * 1024);
    expect(Buffer.byteLength(email.text, 'utf8')).toBeLessThan(100 * 1024);
    expect(email.html).not.toMatch(/<script|<img|<link|<iframe/i);
  });
});
