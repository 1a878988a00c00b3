/**
 * Publishing revisions and watching their notification (publisher role). Granted read/write on the
 * Policies table, read/write on Notifications and send on the fan-out and send queues
 * (NOTIFICATIONS_TABLE, FANOUT_QUEUE_URL, SEND_QUEUE_URL): publishing a notified revision starts its
 * campaign, and retrying its failed recipients puts their batches on the send queue. A dry run reads the
 * counters (read on Acknowledgments) and composes the emails (PUBLIC_BASE_URL, ORG_*); its `testRecipient`
 * puts one rendered email on the send queue, which the worker sends (this function has no SES grant).
 */
import { lazyHandler } from '../composition/handler';
import { publishFromEnv } from '../composition/publish';
import { DomainError, notFound, validationFailed } from '../domain/errors';
import { assertPolicyId, canonicalLocale, LOCALE, parseVersion } from '../domain/ids';
import { lazy } from '../domain/lazy';
import { DOCUMENT_FORMATS, MAX_TITLE_CHARS } from '../domain/revision';
import * as z from '../domain/schema';
import { intIn, matching } from '../domain/schema';
import { addressHash, SUPPRESSION_HASH } from '../domain/suppression';
import { createApiHandler, type Operations } from '../http/api';
import { parseWith, SINGLE_LINE } from '../http/validate';
import type { CountStore, NotificationStore, Queue, RevisionChanges, SuppressionStore } from '../ports';
import { diffAgainstLatest } from '../usecases/diff';
import type { NoticeConfig } from '../usecases/notification-content';
import { notificationStatus, retryFailed } from '../usecases/notifications';
import { MAX_NOTICE_PERIOD_DAYS, readPolicySettings, updatePolicySettings } from '../usecases/policies';
import {
  type Preview,
  previewPublish,
  type QueuedTestEmail,
  queueTestEmail,
  type TestSend,
  type TestSendLimiter,
} from '../usecases/preview';
import { type PublishDeps, publishRevision } from '../usecases/publish';
import { changedSectionsOf } from '../usecases/revision-changes';

/**
 * The notification store serves the progress and retry routes, the suppression store the suppression
 * routes; the retry route puts batches on the send queue (SEND_QUEUE_URL). The counters and the email
 * settings (`notice`) serve a dry run's emails and recipients, and `testSend` its `testRecipient`
 * (without it, a test send is refused).
 */
export type PublishHandlerDeps = PublishDeps & {
  notifications?: NotificationStore;
  suppressions?: SuppressionStore;
  sendQueue?: Queue;
  /** Recipients per send batch (the fan-out's; default RECIPIENTS_PER_BATCH). */
  batchSize?: number;
  counts?: Pick<CountStore, 'audience'>;
  /** A function: locally the link base is known only once the server listens. */
  notice?: () => NoticeConfig;
  /** How a dry run's test email is queued for the worker (the send queue, the test send's ids). */
  testSend?: TestSend & { limiter: TestSendLimiter };
};

async function dryRunPreview(
  deps: PublishHandlerDeps,
  revision: Parameters<typeof previewPublish>[1],
  changed: RevisionChanges,
): Promise<Preview> {
  if (!deps.counts || !deps.notice) throw new Error('the publish function has no counters or email settings');
  return previewPublish(
    { policies: deps.policies, counts: deps.counts, notice: deps.notice() },
    revision,
    changed,
  );
}

// The route schemas are built at their first use, not at module load: every cold start would otherwise
// build all of them (a few hundred zod objects) for the one route it serves.
export const suppressionLimit = /* @__PURE__ */ lazy(() =>
  z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 100),
);
export const suppressionHash = /* @__PURE__ */ lazy(() =>
  matching(SUPPRESSION_HASH, 'must be the 64-hex-digit SHA-256 of a normalised address'),
);
const addressQuery = /* @__PURE__ */ lazy(() =>
  z
    .string()
    .check(z.minLength(3), z.maxLength(254), z.regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')),
);

function suppressionStore(deps: PublishHandlerDeps): SuppressionStore {
  if (!deps.suppressions) throw new Error('the publish function has no suppression store');
  return deps.suppressions;
}

const localeKey = () => matching(LOCALE, 'must be a BCP 47 language tag');

/** The retry route takes an empty JSON object (a POST body is always JSON here): room for options later. */
export const retrySchema = /* @__PURE__ */ lazy(() => z.strictObject({}));

export const publishSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    texts: z.record(localeKey(), z.string()),
    change: z.enum(['material', 'minor']),
    format: z.optional(z.enum(DOCUMENT_FORMATS)),
    summary: z.optional(
      z.record(localeKey(), z.string().check(z.maxLength(2000), z.regex(/^[^\0]*$/, 'must not contain NUL'))),
    ),
    titles: z.optional(
      z.record(
        localeKey(),
        z
          .string()
          .check(
            z.minLength(1),
            z.maxLength(MAX_TITLE_CHARS),
            z.regex(SINGLE_LINE, 'must be one line (no CR, LF or NUL)'),
          ),
      ),
    ),
    effectiveAt: z.optional(z.iso.datetime({ offset: true })),
    baseVersion: z.optional(intIn(0)),
    notify: z.optional(z.boolean()),
    dryRun: z.optional(z.boolean()),
    /** Dry run only: send the preview's email to this one address (never a notification). */
    testRecipient: z.optional(z.string().check(z.minLength(3), z.maxLength(254))),
    /** The language of the test email (a key of the preview's `emails`; default: the revision's default). */
    testLocale: z.optional(localeKey()),
  }),
);

export const settingsSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({ noticePeriodDays: intIn(0, MAX_NOTICE_PERIOD_DAYS) }),
);

/** `vi-vn` and `vi-VN` are one locale: keys are canonicalised, and a clash is the caller's mistake. */
function canonicalKeys(record: Record<string, string> | undefined, path: string) {
  if (!record) return undefined;
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(record)) {
    const locale = canonicalLocale(key);
    if (locale in out)
      throw validationFailed('duplicate locale', [{ path: `${path}.${key}`, message: 'duplicate locale' }]);
    out[locale] = value;
  }
  return out;
}

export const publishOperations: Operations<PublishHandlerDeps> = {
  publishRevision: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const body = parseWith(publishSchema(), req.body);
    const input = {
      ...body,
      texts: canonicalKeys(body.texts, 'texts')!,
      summary: canonicalKeys(body.summary, 'summary'),
      titles: canonicalKeys(body.titles, 'titles'),
    };
    const dryRun = body.dryRun ?? false;
    if (!dryRun && (body.testRecipient !== undefined || body.testLocale !== undefined))
      throw validationFailed('testRecipient and testLocale need dryRun: true', [
        {
          path: body.testRecipient !== undefined ? 'testRecipient' : 'testLocale',
          message: 'needs dryRun: true',
        },
      ]);
    const { revision, texts, latest } = await publishRevision(deps, policyId, input, { dryRun });
    if (!dryRun) return { status: 201, body: revision };
    const changed: RevisionChanges = {};
    const diff = await diffAgainstLatest(deps, latest, texts, revision.format, (locale, whole) => {
      changed[locale] = changedSectionsOf(whole);
    });
    const preview = await dryRunPreview(deps, revision, changed);
    let testEmail: QueuedTestEmail | undefined;
    if (body.testRecipient !== undefined) {
      if (!deps.testSend) throw new Error('the publish function cannot send test emails');
      const to = body.testRecipient.trim();
      if (!deps.testSend.limiter.take(deps.clock.now().getTime()))
        throw new DomainError('RATE_LIMITED', 'too many test emails; wait a minute and try again');
      testEmail = await queueTestEmail(
        deps.testSend,
        preview,
        to,
        body.testLocale ? canonicalLocale(body.testLocale) : revision.defaultLocale,
      );
    }
    return {
      status: 200,
      body: {
        ...revision,
        dryRun: true,
        baseVersion: latest?.version ?? 0,
        diff,
        ...preview,
        ...(testEmail ? { testEmail } : {}),
      },
    };
  },
  getPolicySettings: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    return { status: 200, body: { policyId, ...(await readPolicySettings(deps, policyId)) } };
  },
  putPolicySettings: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const body = parseWith(settingsSchema(), req.body);
    return { status: 200, body: { policyId, ...(await updatePolicySettings(deps, policyId, body)) } };
  },
  notificationStatus: async (req, deps) => {
    if (!deps.notifications) throw new Error('the publish function has no notification store');
    const policyId = assertPolicyId(req.params.policyId);
    const version = parseVersion(req.params.version);
    return {
      status: 200,
      body: await notificationStatus({ ...deps, notifications: deps.notifications }, policyId, version),
    };
  },
  retryNotification: async (req, deps) => {
    if (!deps.notifications || !deps.sendQueue)
      throw new Error('the publish function has no notification store or send queue');
    const policyId = assertPolicyId(req.params.policyId);
    const version = parseVersion(req.params.version);
    parseWith(retrySchema(), req.body);
    const result = await retryFailed(
      {
        ...deps,
        notifications: deps.notifications,
        sendQueue: deps.sendQueue,
        ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
      },
      policyId,
      version,
    );
    return { status: 200, body: result };
  },
  /** One address (given, or by hash) or the whole list, newest first. */
  listSuppressions: async (req, deps) => {
    const store = suppressionStore(deps);
    const { email, hash } = req.query;
    if (email !== undefined || hash !== undefined) {
      if (email !== undefined && hash !== undefined)
        throw validationFailed('give email or hash, not both', [
          { path: 'hash', message: 'give email or hash, not both' },
        ]);
      const key =
        hash !== undefined
          ? parseWith(suppressionHash(), hash, 'hash')
          : addressHash(parseWith(addressQuery(), email?.trim(), 'email'));
      const found = await store.get(key);
      return { status: 200, body: { suppressions: found ? [found] : [], nextCursor: null } };
    }
    const limit = parseWith(suppressionLimit(), req.query.limit, 'limit');
    const page = await store.list(limit, req.query.cursor ?? null);
    return { status: 200, body: { suppressions: page.items, nextCursor: page.nextCursor } };
  },
  liftSuppression: async (req, deps) => {
    const hash = parseWith(suppressionHash(), req.params.hash, 'hash');
    if (!(await suppressionStore(deps).lift(hash))) throw notFound('no suppression with this hash');
    return { status: 204 };
  },
};

export const createPublishHandler = (deps: PublishHandlerDeps) =>
  createApiHandler('publish', publishOperations, deps);
export const handler = lazyHandler(() => createPublishHandler(publishFromEnv()));
