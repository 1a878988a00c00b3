/**
 * NoticeCache (functions/usecases/notification-content.ts): what every email of a campaign shares is
 * composed once per (policy, version, locale, frame locale), from the revision's own text against the
 * previous version's, and a failed load is not cached.
 */
import { describe, expect, it, vi } from 'vitest';
import { prepareRevision } from '../../functions/domain/prepare-revision';
import type { Revision } from '../../functions/domain/revision';
import { NoticeCache } from '../../functions/usecases/notification-content';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const v1Texts = {
  en: '# Data we keep\n\nYour email address.\n\n# Contact\n\nWrite to us.\n',
  vi: '# Dữ liệu\n\nĐịa chỉ email.\n',
};
const v2Texts = {
  en: '# Data we keep\n\nYour email address and your language.\n\n# Contact\n\nWrite to us.\n',
  vi: v1Texts.vi,
  fr: '# Données\n\nVotre adresse.\n',
};

function store() {
  const texts = new Map<string, string>();
  const revisions: Revision[] = [];
  let latest: Revision | null = null;
  for (const [input, summary] of [
    [v1Texts, undefined],
    [v2Texts, { en: 'We now keep your language.' }],
  ] as const) {
    const prepared = prepareRevision({
      policyId: 'privacy',
      input: { texts: input, change: 'material', format: 'markdown', ...(summary ? { summary } : {}) },
      latest,
      now: NOW,
    });
    latest = prepared.revision;
    revisions.push(prepared.revision);
    for (const [locale, text] of Object.entries(prepared.texts))
      texts.set(prepared.revision.contentHashes[locale]!, text);
  }
  const policies = {
    getRevision: vi.fn(async (_: string, version: number) => revisions[version - 1] ?? null),
    getText: vi.fn(async (_: string, hash: string) => texts.get(hash) ?? null),
  };
  return { policies, revisions, texts };
}

const config = {
  publicBaseUrl: 'https://policies.example.com',
  org: { name: 'Example Co.', phone: null, email: 'dpo@example.com' },
};

describe('NoticeCache', () => {
  it('lists the changed sections of the locale against the previous version, once per campaign and locale', async () => {
    const { policies } = store();
    const cache = new NoticeCache(policies, config);
    const v2 = await cache.revision('privacy', 2);
    expect(v2.version).toBe(2);
    const en = await cache.notice(v2, 'en');
    expect(en.locale).toBe('en');
    expect(en.textBody).toContain('Data we keep');
    expect(en.textBody).not.toContain('Contact\n');
    expect(en.textBody).toContain('We now keep your language.');
    expect(await cache.notice(v2, 'en')).toBe(en);
    expect(cache.composed).toBe(1);
    // A locale the previous version lacked: every section of it is new.
    const fr = await cache.notice(v2, 'fr', 'en');
    expect(fr.textBody).toContain('Données');
    expect(cache.composed).toBe(2);
    // Revisions and texts were read once each and reused.
    expect(policies.getRevision.mock.calls.map((c) => c[1])).toEqual([2, 1]);
  });

  it('composes a first version without a section list, the summary falling back to the default locale', async () => {
    const { policies } = store();
    const cache = new NoticeCache(policies, config);
    const v1 = await cache.revision('privacy', 1);
    const vi1 = await cache.notice(v1, 'vi');
    expect(vi1.locale).toBe('vi');
    expect(policies.getText).not.toHaveBeenCalled();
    const v2 = await cache.revision('privacy', 2);
    const vi2 = await cache.notice(v2, 'vi');
    expect(vi2.textBody).toContain('We now keep your language.');
  });

  it('fails for a missing revision or text, and tries again on the next call', async () => {
    const { policies, texts } = store();
    const cache = new NoticeCache(policies, config);
    await expect(cache.revision('privacy', 3)).rejects.toThrow('revision 3 of privacy does not exist');
    const v2 = await cache.revision('privacy', 2);
    const saved = new Map(texts);
    texts.clear();
    await expect(cache.notice(v2, 'en')).rejects.toThrow(/^text sha256:[0-9a-f]+ of privacy is missing$/);
    for (const [k, v] of saved) texts.set(k, v);
    await expect(cache.notice(v2, 'en')).resolves.toMatchObject({ locale: 'en' });
    expect(cache.composed).toBe(1);
  });

  it('keeps at most maxEntries entries, dropping the oldest', async () => {
    const { policies } = store();
    const cache = new NoticeCache(policies, config, 1);
    await cache.revision('privacy', 1);
    await cache.revision('privacy', 2);
    await cache.revision('privacy', 1);
    expect(policies.getRevision).toHaveBeenCalledTimes(3);
    await cache.revision('privacy', 1);
    expect(policies.getRevision).toHaveBeenCalledTimes(3);
  });
});
