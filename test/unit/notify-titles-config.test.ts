/**
 * Issue 11: revision titles (derived, given, shown), the organisation's contact values and time zone
 * from the environment and from CDK context, and which failures a retry may cure.
 */
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../functions/composition/env';
import { isRetryableFailure } from '../../functions/domain/notification';
import { deriveTitle, revisionTitles } from '../../functions/domain/prepare-revision';
import { cleanTitle, revisionTitle } from '../../functions/domain/revision';
import { parseConfig } from '../../lib/config';
import { testConfig } from '../cdk/support';

describe('titles', () => {
  it('derives a Markdown title from the first H1 (setext too), without markup', () => {
    expect(deriveTitle('Intro\n\n# A **bold** `code` [link](https://x.example) \\*star\n', 'markdown')).toBe(
      'A bold code link *star',
    );
    expect(deriveTitle('Privacy &amp; You\n=================\n\nText.\n', 'markdown')).toBe('Privacy & You');
    // No H1: the first non-empty line, its heading marks and markup removed.
    expect(deriveTitle('\n\n## 1. *Scope*\n\nText.\n', 'markdown')).toBe('1. Scope');
  });

  it('derives a plain-text title from the first non-empty line, trimmed, collapsed and bounded', () => {
    expect(deriveTitle('\n \n  Terms\tof   Use  \nText\n', 'text')).toBe('Terms of Use');
    const long = deriveTitle(`${'word '.repeat(100)}\n`, 'text');
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.endsWith('…')).toBe(true);
    expect(deriveTitle('   \n\n', 'text')).toBe('');
    expect(cleanTitle('a\u0000b\u2028c')).toBe('a b c');
  });

  it('keeps a given title per locale and derives the others', () => {
    expect(
      revisionTitles({ vi: 'Chính sách\n', en: 'Policy\n' }, { en: '  Privacy  Policy ' }, 'text'),
    ).toEqual({ vi: 'Chính sách', en: 'Privacy Policy' });
  });

  it('shows the locale’s title, else the default locale’s, else the policy id', () => {
    const r = { policyId: 'privacy', defaultLocale: 'vi', titles: { vi: 'Chính sách', en: 'Policy' } };
    expect(revisionTitle(r, 'en')).toBe('Policy');
    expect(revisionTitle(r, 'ja')).toBe('Chính sách');
    expect(revisionTitle(r)).toBe('Chính sách');
    expect(revisionTitle({ ...r, titles: {} }, 'en')).toBe('privacy');
    expect(revisionTitle({ policyId: 'old', defaultLocale: 'vi' })).toBe('old');
    // A title named like an Object member is data, not an inherited function.
    expect(revisionTitle({ ...r, titles: { vi: 'x' } }, 'constructor')).toBe('x');
  });
});

describe('retryable failures', () => {
  it('retries sender-side refusals only', () => {
    expect(isRetryableFailure('MessageRejected: Email address is not verified.')).toBe(true);
    expect(isRetryableFailure('MailFromDomainNotVerifiedException: x')).toBe(true);
    for (const permanent of [
      'InvalidAddress',
      'InvalidContent: the email would hold text that is not valid Unicode',
      'SerializationError: the message could not be encoded',
      'InvalidParameterValue: Missing final @domain',
      'ValidationError: x',
      undefined,
      '',
    ])
      expect(isRetryableFailure(permanent)).toBe(false);
  });
});

describe('organisation settings', () => {
  // What both functions that compose emails (the worker, and publish for a dry run's preview) require.
  const base = {
    SES_FROM_ADDRESS: 'privacy@example.com',
    PUBLIC_BASE_URL: 'https://policies.example.com',
    ORG_NAME: 'Example Co.',
  };

  it('reads every ORG_* contact value that is set, and none that is not', () => {
    const env = {
      ...base,
      ORG_PHONE: '+84 28 0000 0000',
      ORG_EMAIL: '',
      ORG_ADDRESS: '12 Lê Lợi\r\nQuận 1',
      ORG_WEBSITE: 'https://www.example.com/',
    };
    const expected = {
      name: 'Example Co.',
      phone: '+84 28 0000 0000',
      email: null,
      address: '12 Lê Lợi Quận 1',
      website: 'https://www.example.com/',
    };
    expect(parseSettings('notify-worker', env).org).toEqual(expected);
    expect(parseSettings('publish', env).org).toEqual(expected);
    expect(() => parseSettings('notify-worker', { ...env, ORG_WEBSITE: 'javascript:alert(1)' })).toThrow(
      /ORG_WEBSITE must be an http\(s\) URL/,
    );
  });

  it('reads ORG_TIME_ZONE (default UTC, canonical spelling) and refuses a name that is no time zone', () => {
    expect(parseSettings('notify-worker', base).timeZone).toBe('UTC');
    expect(parseSettings('notify-worker', { ...base, ORG_TIME_ZONE: 'Asia/Tokyo' }).timeZone).toBe(
      'Asia/Tokyo',
    );
    expect(parseSettings('publish', { ...base, ORG_TIME_ZONE: 'europe/paris' }).timeZone).toBe(
      'Europe/Paris',
    );
    expect(() => parseSettings('notify-worker', { ...base, ORG_TIME_ZONE: 'Asia/Atlantis' })).toThrow(
      /ORG_TIME_ZONE must be an IANA time zone name/,
    );
  });

  it('takes orgTimeZone, orgAddress and orgWebsite from CDK context, checked', () => {
    expect(parseConfig(testConfig).orgTimeZone).toBe('UTC');
    const c = parseConfig({
      ...testConfig,
      orgTimeZone: 'Asia/Tokyo',
      orgAddress: '1-1 Chiyoda',
      orgWebsite: 'https://www.example.jp',
    });
    expect(c).toMatchObject({
      orgTimeZone: 'Asia/Tokyo',
      orgAddress: '1-1 Chiyoda',
      orgWebsite: 'https://www.example.jp',
    });
    expect(() => parseConfig({ ...testConfig, orgTimeZone: 'Mars/Olympus' })).toThrow(/orgTimeZone/);
    expect(() => parseConfig({ ...testConfig, orgWebsite: 'ftp://x.example' })).toThrow(/orgWebsite/);
  });
});
