/**
 * Per-worker-instance cache of what every email of a campaign shares: the revision, and per locale the
 * composed notice (summary, changed section titles from the diff engine, links, contact block). The
 * diff and the composition run once per (policy, version, locale) in an instance, never per recipient.
 */
import { changedSectionTitles, diffPolicyTexts, type PolicyDiff } from '../domain/diff/index';
import { headingId } from '../domain/document/index';
import { composeNotice, type Notice, type OrgContact } from '../domain/email';
import { type Revision, revisionTitle } from '../domain/revision';
import type { PolicyStore } from '../ports';

export interface NoticeConfig {
  publicBaseUrl: string;
  org: OrgContact;
  /** ORG_TIME_ZONE: the zone times are shown in for readers who registered none (default UTC). */
  timeZone?: string;
}

/** What an email says changed: the changed sections' titles, and the redline anchor of the first one. */
export interface ChangedSections {
  titles: string[];
  anchor: string | null;
}

export function changedSectionsOf(diff: PolicyDiff): ChangedSections {
  const first = diff.sections.find((s) => s.status !== 'unchanged');
  // The redline page gives every changed section's heading this id (views/pages.ts).
  return { titles: changedSectionTitles(diff), anchor: first ? headingId(first.key) : null };
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

  /**
   * `frameLocale`: the reader's locale for the email's frame, when a template exists for it;
   * `timeZone`: the reader's registered zone (else the organisation's).
   */
  notice(
    revision: Revision,
    locale: string,
    frameLocale: string = locale,
    timeZone?: string | null,
  ): Promise<Notice> {
    const zone = timeZone || this.config.timeZone || 'UTC';
    const key = `${revision.policyId}/${revision.version}/${locale}/${frameLocale}/${zone}`;
    return this.cached(this.notices, key, async () => {
      const changed =
        revision.version > 1 ? await this.changedSections(revision, locale) : { titles: [], anchor: null };
      this.composed++;
      return composeNotice({
        policyId: revision.policyId,
        title: revisionTitle(revision, locale),
        timeZone: zone,
        firstChangeAnchor: changed.anchor,
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
        changedSections: changed.titles,
        publicBaseUrl: this.config.publicBaseUrl,
        org: this.config.org,
      });
    });
  }

  /**
   * Against the previous version's text in the same locale (empty when that version lacked the locale).
   * Protected: a dry run's preview (usecases/preview.ts) passes what the diff it already made changed.
   */
  protected async changedSections(revision: Revision, locale: string): Promise<ChangedSections> {
    const previous = await this.revision(revision.policyId, revision.version - 1);
    const [oldText, newText] = await Promise.all([
      previous.contentHashes[locale]
        ? this.text(revision.policyId, previous.contentHashes[locale])
        : Promise.resolve(''),
      this.text(revision.policyId, revision.contentHashes[locale]!),
    ]);
    const formats = { old: previous.format ?? 'text', new: revision.format ?? 'text' } as const;
    const diff = diffPolicyTexts(oldText, newText, formats);
    return changedSectionsOf(diff);
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
