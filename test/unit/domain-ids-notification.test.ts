/**
 * Identifier and locale rules, the domain error types, and the small notification helpers (the SES
 * ledger tag, claimability, campaign completion), each with exact expected values.
 */
import { describe, expect, it } from 'vitest';
import {
  DomainError,
  IntegrityError,
  ItemExistsError,
  notFound,
  validationFailed,
} from '../../functions/domain/errors';
import {
  assertPolicyId,
  assertUserId,
  canonicalLocale,
  parseLocale,
  parseVersion,
} from '../../functions/domain/ids';
import {
  emptyCounts,
  fanoutMessage,
  isCampaignComplete,
  isClaimable,
  isFinal,
  ledgerTag,
  parseLedgerTag,
} from '../../functions/domain/notification';
import type { Campaign } from '../../functions/ports';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return expect.unreachable('expected an error');
}

describe('ids', () => {
  it('accepts policy ids of 1-64 lowercase letters, digits and inner hyphens', () => {
    for (const ok of ['a', 'privacy', 'terms-2026', '0', `a${'b'.repeat(63)}`])
      expect(assertPolicyId(ok)).toBe(ok);
    for (const bad of [undefined, '', '-a', 'A', 'a_b', `a${'b'.repeat(64)}`, 'a b']) {
      const e = thrown(() => assertPolicyId(bad));
      expect(e).toBeInstanceOf(DomainError);
      expect(e).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'policyId must match ^[a-z0-9][a-z0-9-]{0,63}$',
        details: [{ path: 'policyId', message: 'invalid policy id' }],
      });
    }
  });

  it('accepts user ids of 1-128 characters of [A-Za-z0-9._:@-]', () => {
    for (const ok of ['u', 'auth0|x'.replace('|', ':'), 'a.b_c@d-e', 'x'.repeat(128)])
      expect(assertUserId(ok)).toBe(ok);
    for (const bad of [undefined, '', 'a b', 'a/b', 'x'.repeat(129), 'ä']) {
      expect(thrown(() => assertUserId(bad))).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'userId must be 1-128 characters of [A-Za-z0-9._:@-]',
        details: [{ path: 'userId', message: 'invalid user id' }],
      });
    }
  });

  it('writes locale tags in canonical case', () => {
    expect(canonicalLocale('VI')).toBe('vi');
    expect(canonicalLocale('vi-vn')).toBe('vi-VN');
    expect(canonicalLocale('zh-hant-tw')).toBe('zh-Hant-TW');
    expect(canonicalLocale('ES-419')).toBe('es-419');
    expect(canonicalLocale('sl-ROZAJ')).toBe('sl-rozaj');
    expect(canonicalLocale('de-1996x')).toBe('de-1996x');
    expect(canonicalLocale('en-us-POSIX')).toBe('en-US-posix');
  });

  it('parses locales, naming the field that was wrong', () => {
    expect(parseLocale('vi-vn')).toBe('vi-VN');
    expect(parseLocale('zh-Hant')).toBe('zh-Hant');
    expect(parseLocale('es-419')).toBe('es-419');
    for (const bad of [undefined, '', 'v', 'vietnamese', 'vi_VN', 'vi-', 'vi-VNM-x', 'vi-1234']) {
      expect(thrown(() => parseLocale(bad, 'texts.locale'))).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'texts.locale must be a BCP 47 language tag such as vi, en or vi-VN',
        details: [{ path: 'texts.locale', message: 'invalid locale' }],
      });
    }
    expect(thrown(() => parseLocale('x'))).toMatchObject({ details: [{ path: 'locale' }] });
  });

  it('parses versions 1 to 9,999,999,999 written without leading zeros', () => {
    expect(parseVersion('1')).toBe(1);
    expect(parseVersion('42')).toBe(42);
    expect(parseVersion('9999999999')).toBe(9_999_999_999);
    for (const bad of [undefined, '', '0', '01', '-1', '1.0', '1e3', '10000000000', ' 1', '1 ']) {
      expect(thrown(() => parseVersion(bad, 'from'))).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'from must be a positive integer',
        details: [{ path: 'from', message: 'invalid version' }],
      });
    }
    expect(thrown(() => parseVersion('0'))).toMatchObject({ message: 'version must be a positive integer' });
  });
});

describe('errors', () => {
  it('carries code, message, details and cause', () => {
    const cause = new Error('root');
    const e = new DomainError('NO_CHANGES', 'nothing changed', [{ path: 'texts', message: 'same' }], {
      cause,
    });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.message, e.details, e.cause]).toEqual([
      'DomainError',
      'NO_CHANGES',
      'nothing changed',
      [{ path: 'texts', message: 'same' }],
      cause,
    ]);
    expect(new DomainError('FORBIDDEN', 'no').details).toEqual([]);
    expect(validationFailed('bad')).toMatchObject({ code: 'VALIDATION_FAILED', message: 'bad', details: [] });
    expect(notFound('gone')).toMatchObject({ name: 'DomainError', code: 'NOT_FOUND', message: 'gone' });
  });

  it('names the store faults', () => {
    const cause = new Error('conditional check failed');
    const exists = new ItemExistsError('revision 2 exists', { cause });
    expect([exists.name, exists.message, exists.cause]).toEqual([
      'ItemExistsError',
      'revision 2 exists',
      cause,
    ]);
    const integrity = new IntegrityError('chunk hash mismatch');
    expect([integrity.name, integrity.message]).toEqual(['IntegrityError', 'chunk hash mismatch']);
    expect(integrity).not.toBeInstanceOf(DomainError);
  });
});

const campaign = (over: Partial<Campaign>): Campaign =>
  ({
    status: 'sending',
    total: 10,
    sent: 0,
    failed: 0,
    suppressed: 0,
    fanout: { done: false },
    ...over,
  }) as Campaign;

describe('notification helpers', () => {
  it('builds the fan-out message', () => {
    expect(fanoutMessage('privacy', 3)).toEqual({ kind: 'fanout', policyId: 'privacy', version: 3 });
  });

  it('round-trips the SES ledger tag, user ids with ":" included, in tag-safe characters', () => {
    const tag = ledgerTag('privacy', 12, 'auth0:abc.def@x');
    expect(tag).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(tag).toBe(Buffer.from('["privacy",12,"auth0:abc.def@x"]').toString('base64url'));
    expect(parseLedgerTag(tag)).toEqual({ policyId: 'privacy', version: 12, userId: 'auth0:abc.def@x' });
  });

  it('rejects every malformed ledger tag with null', () => {
    const tag = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const bad of [
      '',
      'not base64 json',
      tag({ policyId: 'privacy' }),
      tag(['privacy', 1]),
      tag(['privacy', 1, 'u', 'extra']),
      tag(['Privacy', 1, 'u']),
      tag([1, 1, 'u']),
      tag(['privacy', 0, 'u']),
      tag(['privacy', 1.5, 'u']),
      tag(['privacy', '1', 'u']),
      tag(['privacy', 1, 'a b']),
      tag(['privacy', 1, 7]),
    ])
      expect(parseLedgerTag(bad), bad).toBeNull();
    expect(parseLedgerTag(tag(['privacy', 1, 'u']))).toEqual({
      policyId: 'privacy',
      version: 1,
      userId: 'u',
    });
  });

  it('says which ledger entries are final and which a worker may claim', () => {
    expect(isFinal(undefined)).toBe(false);
    expect(
      ['pending', 'claimed', 'sent', 'failed', 'suppressed'].map((state) => isFinal({ state } as never)),
    ).toEqual([false, false, true, true, true]);
    const entry = (state: string, leaseUntil?: number) =>
      ({ userId: 'u', state, attempts: 1, leaseUntil }) as never;
    expect(isClaimable(undefined, 1000)).toBe(true);
    expect(isClaimable(entry('pending'), 1000)).toBe(true);
    expect(isClaimable(entry('claimed', 999), 1000)).toBe(true);
    expect(isClaimable(entry('claimed', 1000), 1000)).toBe(false);
    expect(isClaimable(entry('claimed', 1001), 1000)).toBe(false);
    expect(isClaimable(entry('claimed'), 1000)).toBe(true);
    expect(isClaimable(entry('sent'), 1000)).toBe(false);
    expect(isClaimable(entry('failed', 0), 1000)).toBe(false);
  });

  it('completes a campaign when the fan-out is done and every listed recipient is final', () => {
    expect(isCampaignComplete(campaign({ status: 'completed' }))).toBe(true);
    expect(isCampaignComplete(campaign({ sent: 10 }))).toBe(false);
    expect(isCampaignComplete(campaign({ fanout: { done: true } as never, sent: 9 }))).toBe(false);
    expect(
      isCampaignComplete(campaign({ fanout: { done: true } as never, sent: 7, failed: 2, suppressed: 1 })),
    ).toBe(true);
    expect(isCampaignComplete(campaign({ fanout: { done: true } as never, sent: 11 }))).toBe(true);
    expect(emptyCounts()).toEqual({ sent: 0, failed: 0, suppressed: 0 });
    expect(emptyCounts()).not.toBe(emptyCounts());
  });
});
