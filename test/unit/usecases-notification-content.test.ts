/**
 * NoticeCache (functions/usecases/notification-content.ts): what every email of a campaign shares is
 * composed once per (policy, version, locale, frame locale), from what the revision changed as stored
 * when it was published (functions/usecases/revision-changes.ts), and a failed load is not cached.
 */
import { describe, expect, it, vi } from 'vitest';
import { MAX_LISTED_SECTIONS } from '../../functions/domain/email';
import { prepareRevision } from '../../functions/domain/prepare-revision';
import type { Revision } from '../../functions/domain/revision';
import type { RevisionChanges } from '../../functions/ports';
import { NoticeCache } from '../../functions/usecases/notification-content';
import { revisionChanges } from '../../functions/usecases/revision-changes';

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

async function store() {
  const texts = new Map<string, string>();
  const revisions: Revision[] = [];
  const changes = new Map<string, RevisionChanges>();
  const getText = vi.fn(async (_: string, hash: string) => texts.get(hash) ?? null);
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
    // As publishing stores them: what v2 changed, before v2 itself.
    if (latest)
      changes.set(
        prepared.revision.hash,
        await revisionChanges({ getText }, latest, prepared.revision, prepared.texts),
      );
    latest = prepared.revision;
    revisions.push(prepared.revision);
    for (const [locale, text] of Object.entries(prepared.texts))
      texts.set(prepared.revision.contentHashes[locale]!, text);
  }
  const policies = {
    getRevision: vi.fn(async (_: string, version: number) => revisions[version - 1] ?? null),
    getChanges: vi.fn(async (_: string, hash: string) => changes.get(hash) ?? null),
  };
  return { policies, revisions, changes, getText };
}

const SECTIONS_HEADING = 'Sections changed:';

const config = {
  publicBaseUrl: 'https://policies.example.com',
  org: { name: 'Example Co.', phone: null, email: 'dpo@example.com' },
};

describe('NoticeCache', () => {
  it('lists the changed sections of the locale against the previous version, once per campaign and locale', async () => {
    const { policies, getText } = await store();
    getText.mockClear();
    const cache = new NoticeCache(policies, config);
    const v2 = await cache.revision('privacy', 2);
    expect(v2.version).toBe(2);
    const en = await cache.notice(v2, 'en');
    expect(en.locale).toBe('en');
    expect(en.textBody).toContain(`${SECTIONS_HEADING}\n- Data we keep\n`);
    expect(en.textBody).not.toContain('Contact\n');
    expect(en.textBody).toContain('We now keep your language.');
    expect(await cache.notice(v2, 'en')).toBe(en);
    expect(cache.composed).toBe(1);
    // A locale the previous version lacked: every section of it is new.
    const fr = await cache.notice(v2, 'fr', 'en');
    expect(fr.textBody).toContain('Données');
    // English wording and summary; the French section titles say their language.
    expect(fr.locale).toBe('en');
    expect(fr.htmlBody).toContain('<ul lang="fr" ');
    expect(fr.htmlBody).toMatch(/<p style="[^"]*">We now keep your language\.<\/p>/);
    expect(cache.composed).toBe(2);
    // The revision and what it changed were read once each and reused; no text is read, nothing diffed.
    expect(policies.getRevision.mock.calls.map((c) => c[1])).toEqual([2]);
    expect(policies.getChanges).toHaveBeenCalledTimes(1);
    expect(getText).not.toHaveBeenCalled();
  });

  it('composes a first version without a section list, the summary falling back to the default locale', async () => {
    const { policies } = await store();
    const cache = new NoticeCache(policies, config);
    const v1 = await cache.revision('privacy', 1);
    const vi1 = await cache.notice(v1, 'vi');
    expect(vi1.locale).toBe('vi');
    expect(policies.getChanges).not.toHaveBeenCalled();
    const v2 = await cache.revision('privacy', 2);
    const vi2 = await cache.notice(v2, 'vi');
    expect(vi2.textBody).toContain('We now keep your language.');
    // The English summary in a Vietnamese email is tagged as English.
    expect(vi2.htmlBody).toMatch(/<p lang="en" style="[^"]*">We now keep your language\.<\/p>/);
  });

  it('fails for a missing revision or a failed read of its changes, and tries again on the next call', async () => {
    const { policies } = await store();
    const cache = new NoticeCache(policies, config);
    await expect(cache.revision('privacy', 3)).rejects.toThrow('revision 3 of privacy does not exist');
    const v2 = await cache.revision('privacy', 2);
    policies.getChanges.mockRejectedValueOnce(new Error('throttled'));
    await expect(cache.notice(v2, 'en')).rejects.toThrow('throttled');
    const en = await cache.notice(v2, 'en');
    expect(en.textBody).toContain('Data we keep');
    expect(cache.composed).toBe(1);
  });

  it('lists no sections, but still links to the redline, for a revision with no stored changes', async () => {
    const { policies, changes, revisions } = await store();
    changes.clear();
    const cache = new NoticeCache(policies, config);
    const en = await cache.notice(revisions[1]!, 'en');
    expect(en.textBody).toContain('We now keep your language.');
    expect(en.textBody).not.toContain(SECTIONS_HEADING);
    expect(en.textBody).toContain('https://policies.example.com/p/privacy/changes?from=1&to=2');
  });

  it('counts the changed sections beyond the listed ones', async () => {
    const { policies, revisions } = await store();
    const titles = Array.from({ length: MAX_LISTED_SECTIONS }, (_, i) => `Section ${i + 1}`);
    policies.getChanges.mockResolvedValueOnce({ en: { titles, more: 4, anchor: 's-1' } });
    const en = await new NoticeCache(policies, config).notice(revisions[1]!, 'en');
    expect(en.textBody).toContain(`Section ${MAX_LISTED_SECTIONS}`);
    expect(en.textBody).toMatch(/\b4 more\b/);
  });

  it('keeps at most maxEntries entries, dropping the oldest', async () => {
    const { policies } = await store();
    const cache = new NoticeCache(policies, config, 1);
    await cache.revision('privacy', 1);
    await cache.revision('privacy', 2);
    await cache.revision('privacy', 1);
    expect(policies.getRevision).toHaveBeenCalledTimes(3);
    await cache.revision('privacy', 1);
    expect(policies.getRevision).toHaveBeenCalledTimes(3);
  });
});

describe('revisionChanges (what publishing stores for the emails)', () => {
  it('diffs each changed locale against the previous version, and leaves an unchanged one undiffed', async () => {
    const { revisions, getText } = await store();
    getText.mockClear();
    const v2Changes = await revisionChanges({ getText }, revisions[0]!, revisions[1]!, {
      en: v2Texts.en,
      vi: v2Texts.vi,
      fr: v2Texts.fr,
    });
    expect(v2Changes).toEqual({
      en: { titles: ['Data we keep'], more: 0, anchor: expect.stringMatching(/^s-/) },
      vi: { titles: [], more: 0, anchor: null },
      fr: { titles: ['Données'], more: 0, anchor: expect.stringMatching(/^s-/) },
    });
    // Only the English text of v1 was read: vi did not change, fr is new.
    expect(getText.mock.calls.map((c) => c[1])).toEqual([revisions[0]!.contentHashes.en]);
  });

  it('lists at most MAX_LISTED_SECTIONS titles and counts the rest', async () => {
    const { revisions, getText } = await store();
    const many = Array.from(
      { length: MAX_LISTED_SECTIONS + 3 },
      (_, i) => `# Part ${i + 1}\n\nText ${i + 1}.\n`,
    ).join('\n');
    const next = prepareRevision({
      policyId: 'privacy',
      input: { texts: { ...v2Texts, en: many }, change: 'minor', format: 'markdown' },
      latest: revisions[1]!,
      now: NOW,
    });
    const changes = await revisionChanges({ getText }, revisions[1]!, next.revision, next.texts);
    expect(changes.en!.titles).toHaveLength(MAX_LISTED_SECTIONS);
    expect(changes.en!.titles).toContain('Part 1');
    // The 18 new parts and the two removed v2 sections: 20 changed, 15 listed.
    expect(changes.en!.more).toBe(MAX_LISTED_SECTIONS + 3 + 2 - MAX_LISTED_SECTIONS);
  });

  it('fails when the previous text is missing from the store', async () => {
    const { revisions } = await store();
    const none = vi.fn(async () => null);
    await expect(revisionChanges({ getText: none }, revisions[0]!, revisions[1]!, v2Texts)).rejects.toThrow(
      /^text sha256:[0-9a-f]+ of privacy is missing$/,
    );
  });
});
