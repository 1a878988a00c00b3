/**
 * Per-worker-instance cache of what every email of a campaign shares: the revision, what it changed (as
 * stored when it was published: usecases/revision-changes.ts), and per locale the composed notice
 * (summary, changed section titles, links, contact block). Each is read or composed once per (policy,
 * version, locale) in an instance, never per recipient. No diff runs here: the worker bundle carries no
 * diff engine or Markdown parser, and reads no policy text.
 */
import {
  type ChangedSections,
  composeNotice,
  NO_CHANGED_SECTIONS,
  type Notice,
  type OrgContact,
} from '../domain/email';
import { type Revision, revisionTitle } from '../domain/revision';
import type { PolicyStore, RevisionChanges } from '../ports';

export interface NoticeConfig {
  publicBaseUrl: string;
  org: OrgContact;
  /** ORG_TIME_ZONE: the zone times are shown in for readers who registered none (default UTC). */
  timeZone?: string;
}

export class NoticeCache {
  private readonly revisions = new Map<string, Promise<Revision>>();
  private readonly changes = new Map<string, Promise<RevisionChanges | null>>();
  private readonly notices = new Map<string, Promise<Notice>>();
  /** How many notices were composed (tests prove "once per campaign and locale"). */
  composed = 0;

  constructor(
    private readonly policies: Pick<PolicyStore, 'getRevision' | 'getChanges'>,
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
        revision.version > 1 ? await this.changedSections(revision, locale) : NO_CHANGED_SECTIONS;
      this.composed++;
      // The reader's locale's summary, else the content locale's, else the default locale's.
      const summaryLocale = [frameLocale, locale, revision.defaultLocale].find(
        (l) => revision.summary[l] !== undefined,
      );
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
        summary: summaryLocale === undefined ? null : revision.summary[summaryLocale]!,
        summaryLocale,
        changedSections: changed.titles,
        moreSections: changed.more,
        publicBaseUrl: this.config.publicBaseUrl,
        org: this.config.org,
      });
    });
  }

  /**
   * What the revision changed in the locale, as stored when it was published. None stored (a revision
   * published before changes were stored): the email lists no sections and still links to the redline,
   * which shows every change. (A dry run's preview serves the changes of its unstored revision through
   * the store view it passes: usecases/preview.ts.)
   */
  private async changedSections(revision: Revision, locale: string): Promise<ChangedSections> {
    const key = `${revision.policyId}/${revision.hash}`;
    const stored = await this.cached(this.changes, key, () =>
      this.policies.getChanges(revision.policyId, revision.hash),
    );
    return stored?.[locale] ?? NO_CHANGED_SECTIONS;
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
