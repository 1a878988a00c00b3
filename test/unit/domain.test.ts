import { describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/domain/errors';
import { canonicalLocale } from '../../functions/domain/ids';
import { prepareRevision } from '../../functions/domain/prepare-revision';
import { type Revision, revisionHash, verifyChain } from '../../functions/domain/revision';
import { acknowledgmentStatus, policyView } from '../../functions/domain/status-rules';
import { contentHash, isNfc, normalizeText } from '../../functions/domain/text';
import { fixtureVi } from '../support/fixtures';

const fixture = fixtureVi;
const now = new Date('2026-12-01T00:00:00.000Z');

function publish(
  latest: Revision | null,
  texts: Record<string, string>,
  extra: Partial<Parameters<typeof prepareRevision>[0]['input']> = {},
  at = now,
) {
  return prepareRevision({
    policyId: 'privacy',
    input: { texts, change: 'material', ...extra },
    latest,
    now: at,
  }).revision;
}

describe('normalizeText', () => {
  it('gives an NFD copy of the fixture the same hash as the NFC original', () => {
    const nfd = fixture.normalize('NFD');
    expect(nfd).not.toBe(fixture.normalize('NFC'));
    expect(contentHash(normalizeText(nfd))).toBe(contentHash(normalizeText(fixture)));
  });

  it('treats CRLF, CR and LF line ends alike', () => {
    const lf = 'a\nb\nc\n';
    expect(normalizeText('a\r\nb\r\nc')).toBe(lf);
    expect(normalizeText('a\rb\rc\r\n\r\n')).toBe(lf);
    expect(contentHash(normalizeText(fixture.replace(/\n/g, '\r\n')))).toBe(
      contentHash(normalizeText(fixture)),
    );
  });

  it('removes trailing whitespace per line and keeps exactly one final newline', () => {
    expect(normalizeText('title  \t\n\nbody\u00a0 \n\n\n')).toBe('title\n\nbody\n');
    expect(normalizeText('  indented stays')).toBe('  indented stays\n');
  });
});

describe('isNfc', () => {
  const safe = [
    ...Array.from({ length: 0x300 }, (_, c) => String.fromCharCode(c)),
    ...Array.from({ length: 0x100 }, (_, c) => String.fromCharCode(0x1e00 + c)),
  ];

  it('agrees with normalize() for every character and every pair of its fast path', () => {
    const wrong: string[] = [];
    for (const x of safe) {
      if (x.normalize('NFC') !== x) wrong.push(x);
      for (const y of safe) if ((x + y).normalize('NFC') !== x + y) wrong.push(x + y);
    }
    expect(wrong).toEqual([]);
    expect(isNfc(safe.join(''))).toBe(true);
  });

  it('finds decomposed text, singletons and combining marks outside the fast path', () => {
    expect(isNfc(fixture.normalize('NFC'))).toBe(true);
    expect(isNfc(fixture.normalize('NFD'))).toBe(false);
    expect(isNfc('Ha\u0300 No\u0323i')).toBe(false);
    expect(isNfc('\u212b')).toBe(false); // ANGSTROM SIGN → Å
    expect(isNfc('a\u0301\u1ea1')).toBe(false);
    expect(isNfc('日本語 — “quoted”')).toBe(true);
  });
});

describe('canonicalLocale', () => {
  it('cases BCP 47 subtags the canonical way', () => {
    expect(canonicalLocale('VI-vn')).toBe('vi-VN');
    expect(canonicalLocale('zh-hant-tw')).toBe('zh-Hant-TW');
    expect(canonicalLocale('EN')).toBe('en');
  });
});

describe('prepareRevision and the hash chain', () => {
  it('chains each revision to its predecessor', () => {
    const v1 = publish(null, { vi: fixture });
    const v2 = publish(v1, { vi: `${fixture}\n13. Điều khoản mới\n` }, { change: 'minor' });
    expect(v1.version).toBe(1);
    expect(v1.previousHash).toBeNull();
    expect(v2.version).toBe(2);
    expect(v2.previousHash).toBe(v1.hash);
    expect(v2.hash).toBe(revisionHash(v2));
    expect(verifyChain([v1, v2])).toEqual({ ok: true });
  });

  it('detects a tampered revision, a broken link and a gap', () => {
    const v1 = publish(null, { vi: 'một\n' });
    const v2 = publish(v1, { vi: 'hai\n' });
    const v3 = publish(v2, { vi: 'ba\n' });
    expect(verifyChain([v1, { ...v2, change: 'minor' }, v3])).toMatchObject({
      ok: false,
      version: 2,
      reason: 'hash mismatch',
    });
    expect(verifyChain([v1, { ...v2, contentHashes: { vi: contentHash('khác\n') } }, v3])).toMatchObject({
      ok: false,
      version: 2,
    });
    expect(verifyChain([v1, v3])).toMatchObject({ ok: false, version: 3, reason: 'version gap' });
    expect(verifyChain([v1, v2, { ...v3, previousHash: v1.hash }])).toMatchObject({
      ok: false,
      reason: 'broken link',
    });
  });

  it('makes the first revision material and its first locale the default', () => {
    const v1 = publish(null, { en: 'one\n', vi: 'một\n' }, { change: 'minor' });
    expect(v1.change).toBe('material');
    expect(v1.defaultLocale).toBe('en');
    expect(v1.notify).toBe(true);
  });

  it('defaults notify to true for material and false for minor changes', () => {
    const v1 = publish(null, { vi: 'một\n' });
    expect(publish(v1, { vi: 'hai\n' }, { change: 'minor' }).notify).toBe(false);
    expect(publish(v1, { vi: 'hai\n' }, { change: 'minor', notify: true }).notify).toBe(true);
    expect(publish(v1, { vi: 'hai\n' }, { change: 'material' }).notify).toBe(true);
  });

  it('rejects texts equal to the latest after normalisation with NO_CHANGES', () => {
    const v1 = publish(null, { vi: fixture });
    const err = (() => {
      try {
        publish(v1, { vi: fixture.normalize('NFD').replace(/\n/g, ' \r\n') });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('NO_CHANGES');
  });

  it('requires every locale of the previous revision', () => {
    const v1 = publish(null, { vi: 'một\n', en: 'one\n' });
    expect(() => publish(v1, { vi: 'hai\n' })).toThrow(/must be kept/);
    expect(() => publish(v1, { vi: 'hai\n' })).toThrow(DomainError);
  });

  it('rejects past effective dates, dates before the latest revision and a stale baseVersion', () => {
    const v1 = publish(null, { vi: 'một\n' }, { effectiveAt: '2026-12-10T00:00:00Z' });
    expect(() => publish(null, { vi: 'x\n' }, { effectiveAt: '2026-11-01T00:00:00Z' })).toThrow(/past/);
    expect(() => publish(v1, { vi: 'hai\n' }, { effectiveAt: '2026-12-05T00:00:00Z' })).toThrow(
      /earlier than version 1/,
    );
    expect(() =>
      publish(v1, { vi: 'hai\n' }, { baseVersion: 0, effectiveAt: '2026-12-11T00:00:00Z' }),
    ).toThrow(expect.objectContaining({ code: 'VERSION_CONFLICT' }));
  });

  it('rejects empty texts and more than 8 locales', () => {
    expect(() => publish(null, { vi: ' \n\t\n' })).toThrow(/empty/);
    const nine = Object.fromEntries(
      ['vi', 'en', 'ja', 'fr', 'de', 'es', 'it', 'ko', 'th'].map((l) => [l, `${l}\n`]),
    );
    expect(() => publish(null, nine)).toThrow(/between 1 and 8/);
  });
});

describe('acknowledgmentStatus', () => {
  const day = (d: number) => new Date(Date.UTC(2026, 11, d)).toISOString();
  const history = () => {
    const v1 = publish(null, { vi: 'một\n' }, { effectiveAt: day(1) }, new Date(day(1)));
    const v2 = publish(v1, { vi: 'hai\n' }, { change: 'minor', effectiveAt: day(5) }, new Date(day(1)));
    const v3 = publish(v2, { vi: 'ba\n' }, { change: 'material', effectiveAt: day(10) }, new Date(day(1)));
    const v4 = publish(v3, { vi: 'bốn\n' }, { change: 'material', effectiveAt: day(20) }, new Date(day(1)));
    return [v1, v2, v3, v4];
  };
  const status = (ackVersion: number | null, at: string) =>
    acknowledgmentStatus({
      userId: 'u1',
      revisions: history(),
      newestAck: ackVersion === null ? null : { version: ackVersion, acknowledgedAt: day(1) },
      now: new Date(at),
    });

  it('asks a user who never acknowledged', () => {
    expect(status(null, day(2))).toMatchObject({
      mustAcknowledge: true,
      reason: 'NEVER_ACKNOWLEDGED',
      requiredVersion: 1,
    });
  });

  it('keeps acknowledgments valid across a minor change', () => {
    expect(status(1, day(6))).toMatchObject({
      mustAcknowledge: false,
      reason: 'UP_TO_DATE',
      currentVersion: 2,
      requiredVersion: 1,
    });
  });

  it('asks again after a material change takes effect, not before', () => {
    expect(status(2, day(9))).toMatchObject({
      mustAcknowledge: false,
      currentVersion: 2,
      upcoming: { version: 3, effectiveAt: day(10) },
    });
    expect(status(2, day(10))).toMatchObject({
      mustAcknowledge: true,
      reason: 'MATERIAL_CHANGE',
      currentVersion: 3,
      requiredVersion: 3,
      acknowledgedVersion: 2,
    });
  });

  it('counts an older acknowledgment as outdated and an early one of an upcoming version as enough', () => {
    expect(status(1, day(12))).toMatchObject({
      mustAcknowledge: true,
      reason: 'MATERIAL_CHANGE',
      upcoming: { version: 4 },
    });
    expect(status(4, day(12))).toMatchObject({ mustAcknowledge: false, reason: 'UP_TO_DATE' });
  });

  it('requires nothing while no revision is in effect yet', () => {
    const [v1] = history();
    const s = acknowledgmentStatus({ userId: 'u', revisions: [v1!], newestAck: null, now: new Date(day(1)) });
    expect(s.mustAcknowledge).toBe(true);
    const early = acknowledgmentStatus({
      userId: 'u',
      revisions: [v1!],
      newestAck: null,
      now: new Date('2026-11-30T00:00:00Z'),
    });
    expect(early).toMatchObject({
      mustAcknowledge: false,
      reason: 'NOTHING_IN_EFFECT',
      currentVersion: null,
      upcoming: { version: 1 },
    });
  });

  it('reports current, latest and upcoming versions', () => {
    expect(policyView(history(), new Date(day(7)))).toMatchObject({
      currentVersion: 2,
      latestVersion: 4,
      upcoming: { version: 3 },
    });
    expect(policyView(history(), new Date(day(25)))).toMatchObject({
      currentVersion: 4,
      latestVersion: 4,
      upcoming: null,
    });
  });
});
