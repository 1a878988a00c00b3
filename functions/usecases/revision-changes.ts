/**
 * What each locale of a revision changed against the previous version, as its emails list it: computed
 * once, when the revision is published (usecases/publish.ts) or previewed (a dry run), with the diff
 * engine those already load, and stored beside the revision (`PolicyStore.putChanges`). The send
 * worker reads it (usecases/notification-content.ts) instead of diffing the two texts again in every
 * instance: it loads no Markdown parser and no diff engine, and reads no policy text.
 */
import { changedSectionTitles, diffPolicyTexts, type PolicyDiff } from '../domain/diff/index';
import { headingId } from '../domain/document/index';
import { type ChangedSections, listedChanges, NO_CHANGED_SECTIONS } from '../domain/email';
import type { Revision } from '../domain/revision';
import type { PolicyStore, RevisionChanges } from '../ports';

/** The email's list of changed sections from a diff of one locale. */
export function changedSectionsOf(diff: PolicyDiff): ChangedSections {
  const first = diff.sections.find((s) => s.status !== 'unchanged');
  // The redline page gives every changed section's heading this id (views/pages.ts).
  return listedChanges(changedSectionTitles(diff), first ? headingId(first.key) : null);
}

/**
 * Per locale of `revision`, what changed against `previous` (the version before it), diffing each
 * locale's normalised text (`texts`, the revision's own) against the previous version's text in the same
 * locale (empty when that version lacked the locale). A locale whose text did not change is not diffed.
 */
export async function revisionChanges(
  policies: Pick<PolicyStore, 'getText'>,
  previous: Revision,
  revision: Revision,
  texts: Record<string, string>,
): Promise<RevisionChanges> {
  const formats = { old: previous.format ?? 'text', new: revision.format ?? 'text' } as const;
  // A plain object (the store marshals it): its keys are the revision's validated locale tags.
  const changes: RevisionChanges = {};
  for (const locale of revision.locales) {
    const oldHash = previous.contentHashes[locale];
    if (oldHash === revision.contentHashes[locale] && formats.old === formats.new) {
      changes[locale] = NO_CHANGED_SECTIONS;
      continue;
    }
    const oldText = oldHash ? await policies.getText(revision.policyId, oldHash) : '';
    if (oldText === null) throw new Error(`text ${oldHash} of ${revision.policyId} is missing`);
    changes[locale] = changedSectionsOf(diffPolicyTexts(oldText, texts[locale]!, formats));
  }
  return changes;
}
