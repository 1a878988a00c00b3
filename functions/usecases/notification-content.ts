/**
 * Per-worker-instance cache of what every email of a campaign shares: the revision, and per locale the
 * composed notice (summary, changed section titles from the diff engine, links, contact block). The
 * diff and the composition run once per (policy, version, locale) in an instance, never per recipient.
 */
import { changedSectionTitles, diffPolicyTexts } from '../domain/diff/index';
import { composeNotice, type Notice, type OrgContact } from '../domain/email';
import type { Revision } from '../domain/revision';
import type { PolicyStore } from '../ports';

export interface NoticeConfig {
  publicBaseUrl: string;
  org: OrgContact;
}

export class NoticeCache {
  private readonly revisions = new Map<string, Promise<Revision>>();
  private readonly notices = new Map<string, Promise<Notice>>();
  /** How many notices were composed (tests prove "once per campaign and locale"). */
  composed = 0;

  constructor(
    private readonly policies: Pick<PolicyStore, 'getRevision' | 'getText'>,
    private readonly config: NoticeConfig,
    private readonly maxEntries = 64,
  ) {}

  revision(policyId: string, version: number): Promise<Revision> {
    return this.cached(this.revisions, `${policyId}/${version}`, async () => {
      const revision = await this.policies.getRevision(policyId, version);
      if (!revision) throw new Error(`revision ${version} of ${policyId} does not exist`);
      return revision;
    });
  }

  /** `frameLocale`: the reader's locale for the email's frame, when a template exists for it. */
  notice(revision: Revision, locale: string, frameLocale: string = locale): Promise<Notice> {
    const key = `${revision.policyId}/${revision.version}/${locale}/${frameLocale}`;
    return this.cached(this.notices, key, async () => {
      const changedSections = revision.version > 1 ? await this.changedSections(revision, locale) : [];
      this.composed++;
      return composeNotice({
        policyId: revision.policyId,
        version: revision.version,
        change: revision.change,
        effectiveAt: revision.effectiveAt,
        locale,
        frameLocale,
        summary:
          revision.summary[frameLocale] ??
          revision.summary[locale] ??
          revision.summary[revision.defaultLocale] ??
          null,
        changedSections,
        publicBaseUrl: this.config.publicBaseUrl,
        org: this.config.org,
      });
    });
  }

  /**
   * Against the previous version's text in the same locale (empty when that version lacked the locale).
   * Protected: a dry run's preview (usecases/preview.ts) passes the titles of the diff it already made.
   */
  protected async changedSections(revision: Revision, locale: string): Promise<string[]> {
    const previous = await this.revision(revision.policyId, revision.version - 1);
    const [oldText, newText] = await Promise.all([
      previous.contentHashes[locale]
        ? this.text(revision.policyId, previous.contentHashes[locale])
        : Promise.resolve(''),
      this.text(revision.policyId, revision.contentHashes[locale]!),
    ]);
    const formats = { old: previous.format ?? 'text', new: revision.format ?? 'text' } as const;
    return changedSectionTitles(diffPolicyTexts(oldText, newText, formats));
  }

  private async text(policyId: string, hash: string): Promise<string> {
    const text = await this.policies.getText(policyId, hash);
    if (text === null) throw new Error(`text ${hash} of ${policyId} is missing`);
    return text;
  }

  /** A failed load is dropped so the next delivery tries again; the oldest entry goes when full. */
  private cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit) return hit;
    const value = load();
    map.set(key, value);
    value.catch(() => map.delete(key));
    if (map.size > this.maxEntries) map.delete(map.keys().next().value!);
    return value;
  }
}
