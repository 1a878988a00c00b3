/**
 * What a dry-run publish shows besides the diff: the exact emails each reader language would get, and
 * how many customers per language, so the person publishing sees what will happen before it does.
 *
 * The emails come from the worker's own path (`NoticeCache.notice` then `personalize`) for the unstored
 * revision, with what it changed from the dry run's diff; nothing is read or written. The counts come from the
 * sharded counters (one BatchGetItem, no scan), grouped into email languages as the worker picks them.
 */
import { groupRecipients, type Recipients, readerLanguage } from '../domain/audience';
import { isSafeAddress, personalize, type RenderedEmail } from '../domain/email';
import { validationFailed } from '../domain/errors';
import { type TestEmailMessage, testEmailMessageSchema } from '../domain/notification';
import type { Revision } from '../domain/revision';
import type { CountStore, IdGenerator, PolicyStore, Queue, RevisionChanges } from '../ports';
import { NoticeCache, type NoticeConfig } from './notification-content';

export interface PreviewDeps {
  policies: Pick<PolicyStore, 'getRevision'>;
  counts: Pick<CountStore, 'audience'>;
  notice: NoticeConfig;
}

export interface Preview {
  emails: Record<string, RenderedEmail>;
  recipients: Recipients;
}

/**
 * One email per reader language: every locale of the revision, and every registered locale of the
 * customers (as the worker frames it), each without a name in the greeting.
 */
export async function previewPublish(
  deps: PreviewDeps,
  revision: Revision,
  /** What changed per locale, from the dry run's diff (`changedSectionsOf`). */
  changed: RevisionChanges = {},
): Promise<Preview> {
  const audience = await deps.counts.audience();
  const recipients = groupRecipients(revision, audience);
  // The notices of the unstored revision, composed as the worker will compose them once it is published;
  // what it changed comes from the diff the dry run already made (the same texts and formats publishing
  // compares), so a preview diffs each locale once and reads nothing.
  const cache = new NoticeCache(
    {
      getRevision: (policyId, version) => deps.policies.getRevision(policyId, version),
      getChanges: async () => changed,
    },
    deps.notice,
  );
  const frames = new Map<string, string>(revision.locales.map((l) => [l, l]));
  for (const frame of Object.keys(recipients.byLocale)) {
    if (frames.has(frame)) continue;
    frames.set(frame, readerLanguage(revision, frame).contentLocale);
  }
  const emails: Record<string, RenderedEmail> = {};
  for (const [frame, content] of frames)
    emails[frame] = personalize(await cache.notice(revision, content, frame), null);
  return { emails, recipients };
}

export interface TestSend {
  /** The send queue: the worker sends the email (it alone may use SES), as it sends notifications. */
  sendQueue: Queue;
  /** The test send's id. */
  ids: IdGenerator;
}

/** What a queued test email reports: where it goes, in which language, and its id. */
export interface QueuedTestEmail {
  to: string;
  locale: string;
  /** The test send's id (tagged `testId` on the SES message); the email is sent once the worker takes it. */
  messageId: string;
  status: 'queued';
}

const testRecipientInvalid = (summary: string, message: string) =>
  validationFailed(summary, [{ path: 'testRecipient', message }]);

/**
 * Puts the preview's email in one language, addressed to one address the publisher typed, on the send
 * queue; the worker sends it with its sender and pace. It is not a notification: no campaign, no ledger
 * entry, no count. The address is checked like a customer's.
 */
export async function queueTestEmail(
  send: TestSend,
  preview: Preview,
  to: string,
  locale: string,
): Promise<QueuedTestEmail> {
  if (!isSafeAddress(to))
    throw testRecipientInvalid('testRecipient must be an email address', 'must be an email address');
  const used = preview.emails[locale] ? locale : Object.keys(preview.emails)[0]!;
  const email = preview.emails[used]!;
  const message: TestEmailMessage = {
    kind: 'test',
    id: send.ids.next(),
    to,
    subject: email.subject,
    text: email.text,
    html: email.html,
  };
  // The worker refuses what the schema refuses: say so now rather than let the message fail there.
  if (!testEmailMessageSchema().safeParse(message).success)
    throw testRecipientInvalid('the test email is too large to send', 'the email is too large to send');
  await send.sendQueue.sendBatch([{ id: 'test', body: JSON.stringify(message) }]);
  return { to, locale: used, messageId: message.id, status: 'queued' };
}

/** At most `max` test emails per `windowMs` per function instance: a preview is not a mailing tool. */
export class TestSendLimiter {
  private sent: number[] = [];
  constructor(
    private readonly max = 5,
    private readonly windowMs = 60_000,
  ) {}
  take(nowMs: number): boolean {
    this.sent = this.sent.filter((t) => t > nowMs - this.windowMs);
    if (this.sent.length >= this.max) return false;
    this.sent.push(nowMs);
    return true;
  }
}
