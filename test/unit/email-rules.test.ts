/**
 * The change email's text rules (functions/domain/email.ts) written out by hand: the whole plain-text
 * part of a minimal email, line cleaning and cutting, summaries kept as paragraphs, the address and
 * website checks, the date's fallbacks and the From header's encoding.
 */
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  composeNotice,
  formatEffectiveDate,
  isSafeAddress,
  isWellFormed,
  type NoticeInput,
  personalize,
  senderHeader,
  singleLine,
} from '../../functions/domain/email';

const base: NoticeInput = {
  policyId: 'privacy',
  title: 'Privacy',
  version: 1,
  change: 'minor',
  effectiveAt: '2026-12-25T00:00:00.000Z',
  locale: 'en',
  summary: null,
  changedSections: [],
  publicBaseUrl: 'https://policies.example.com',
  org: { name: 'Org', phone: null, email: null },
};

// Intl's own rendering (the space before AM differs between ICU versions).
const DATE = `${new Intl.DateTimeFormat('en', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'UTC',
}).format(new Date(base.effectiveAt))} (UTC)`;

describe('the plain-text part', () => {
  it('is exactly the sentences of a minimal first version, headings right above what they head', () => {
    const email = personalize(composeNotice(base), '   ');
    expect(email.text).toBe(
      [
        'Org',
        'Privacy',
        '',
        'Hello,',
        '',
        `We have updated our “Privacy”. Version 1 takes effect on ${DATE}.`,
        '',
        'This is the first published version of this policy.',
        '',
        'This is a minor change: you do not need to do anything, and your earlier acceptance stays valid.',
        '',
        'Read the full text',
        'https://policies.example.com/p/privacy/v/1',
        '',
        'Questions? Contact us:',
        'Org',
        '',
        'You receive this email because you have an account with us and we notify every customer of policy changes.',
        '',
      ].join('\n'),
    );
    // The only button is the primary one; the footer is muted.
    expect(email.html).toContain('<a class="em-btn" href="https://policies.example.com/p/privacy/v/1"');
    expect(email.html).not.toContain('class="em-btn2"');
    expect(email.html).toMatch(/<p class="em-muted" style="[^"]*">You receive this email/);
  });

  it('keeps a summary’s paragraphs and line breaks, cleaned of other control characters', () => {
    const email = personalize(
      composeNotice({ ...base, summary: 'one\r\ntwo\rthree\u0007four\n\n\n\nfive\n\nsix' }),
      null,
    );
    expect(email.text).toContain(
      '\n\nWhat changed:\none\ntwo\nthree four\n\nfive\n\nsix\n\nRead the full text\n',
    );
  });

  it('lists the contact lines it has, and a website by host and path, only when it is an http(s) URL', () => {
    const text = (website: string) =>
      personalize(composeNotice({ ...base, org: { ...base.org, phone: '+1 555', website } }), null).text;
    expect(text('https://www.example.com/')).toContain(
      '\nOrg\nPhone: +1 555\nWebsite: www.example.com <https://www.example.com/>\n',
    );
    expect(text('http://example.com/about')).toContain(
      '\nWebsite: example.com/about <http://example.com/about>\n',
    );
    expect(text('see http://example.com')).toContain('\nOrg\nPhone: +1 555\n\n');
    expect(text('https://example.com/ x')).toContain('\nOrg\nPhone: +1 555\n\n');
  });
});

describe('singleLine', () => {
  it('turns line breaks and controls into single spaces and cuts at maxChars with an ellipsis', () => {
    expect(singleLine('a\r\nb\rc\nd\te  f\u2028g')).toBe('a b c d e f g');
    expect(singleLine('abc', 3)).toBe('abc');
    expect(singleLine('abcd', 3)).toBe('ab…');
  });
});

describe('addresses and headers', () => {
  it('takes a bare address of at most 254 characters without control characters or lone surrogates', () => {
    const at = (n: number) => `${'a'.repeat(n - '@example.com'.length)}@example.com`;
    expect(isSafeAddress(at(254))).toBe(true);
    expect(isSafeAddress(at(255))).toBe(false);
    expect(isSafeAddress('a\u0085b@example.com')).toBe(false);
    expect(isSafeAddress('a\u0001b@example.com')).toBe(false);
    expect(isSafeAddress('a\uD800b@example.com')).toBe(false);
    expect(isWellFormed('ok', 'a\uD800')).toBe(false);
    expect(isWellFormed('ok', '😀')).toBe(true);
  });

  it('encodes a non-ASCII sender name as RFC 2047 base64', () => {
    expect(senderHeader('Công ty', 'a@b.vn')).toBe('=?UTF-8?B?Q8O0bmcgdHk=?= <a@b.vn>');
  });
});

describe('dates and zones', () => {
  it('falls back to English for a locale Intl refuses, and spells UTC as Intl does', () => {
    expect(formatEffectiveDate(base.effectiveAt, 'not a locale!')).toBe(DATE);
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
  });
});
