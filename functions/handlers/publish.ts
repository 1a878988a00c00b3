/**
 * Publishing revisions and watching their notification (publisher role). Granted read/write on the
 * Policies table, read/write on Notifications and send on the fan-out queue (NOTIFICATIONS_TABLE,
 * FANOUT_QUEUE_URL): publishing a notified revision starts its campaign.
 */
import { lazyHandler } from '../composition/lambda';
import { publishFromEnv } from '../composition/publish';
import { notFound, validationFailed } from '../domain/errors';
import { assertPolicyId, canonicalLocale, LOCALE, parseVersion } from '../domain/ids';
import { DOCUMENT_FORMATS } from '../domain/revision';
import * as z from '../domain/schema';
import { intIn, matching } from '../domain/schema';
import { addressHash, SUPPRESSION_HASH } from '../domain/suppression';
import { createApiHandler, type Operations } from '../http/api';
import { parseWith } from '../http/validate';
import type { NotificationStore, SuppressionStore } from '../ports';
import { diffAgainstLatest } from '../usecases/diff';
import { notificationStatus } from '../usecases/notifications';
import { type PublishDeps, publishRevision } from '../usecases/policies';

/** The notification store serves the progress route, the suppression store the suppression routes. */
export type PublishHandlerDeps = PublishDeps & {
  notifications?: NotificationStore;
  suppressions?: SuppressionStore;
};

export const suppressionLimit = z._default(
  z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)),
  100,
);
export const suppressionHash = matching(
  SUPPRESSION_HASH,
  'must be the 64-hex-digit SHA-256 of a normalised address',
);
const addressQuery = z
  .string()
  .check(z.minLength(3), z.maxLength(254), z.regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address'));

function suppressionStore(deps: PublishHandlerDeps): SuppressionStore {
  if (!deps.suppressions) throw new Error('the publish function has no suppression store');
  return deps.suppressions;
}

const localeKey = matching(LOCALE, 'must be a BCP 47 language tag');

export const publishSchema = z.strictObject({
  texts: z.record(localeKey, z.string()),
  change: z.enum(['material', 'minor']),
  format: z.optional(z.enum(DOCUMENT_FORMATS)),
  summary: z.optional(
    z.record(localeKey, z.string().check(z.maxLength(2000), z.regex(/^[^\0]*$/, 'must not contain NUL'))),
  ),
  effectiveAt: z.optional(z.iso.datetime({ offset: true })),
  baseVersion: z.optional(intIn(0)),
  notify: z.optional(z.boolean()),
  dryRun: z.optional(z.boolean()),
});

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
    const body = parseWith(publishSchema, req.body);
    const input = {
      ...body,
      texts: canonicalKeys(body.texts, 'texts')!,
      summary: canonicalKeys(body.summary, 'summary'),
    };
    const dryRun = body.dryRun ?? false;
    const { revision, texts, latest } = await publishRevision(deps, policyId, input, { dryRun });
    if (!dryRun) return { status: 201, body: revision };
    const diff = await diffAgainstLatest(deps, latest, texts, revision.format);
    return { status: 200, body: { ...revision, dryRun: true, baseVersion: latest?.version ?? 0, diff } };
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
          ? parseWith(suppressionHash, hash, 'hash')
          : addressHash(parseWith(addressQuery, email?.trim(), 'email'));
      const found = await store.get(key);
      return { status: 200, body: { suppressions: found ? [found] : [], nextCursor: null } };
    }
    const limit = parseWith(suppressionLimit, req.query.limit, 'limit');
    const page = await store.list(limit, req.query.cursor ?? null);
    return { status: 200, body: { suppressions: page.items, nextCursor: page.nextCursor } };
  },
  liftSuppression: async (req, deps) => {
    const hash = parseWith(suppressionHash, req.params.hash, 'hash');
    if (!(await suppressionStore(deps).lift(hash))) throw notFound('no suppression with this hash');
    return { status: 204 };
  },
};

export const createPublishHandler = (deps: PublishHandlerDeps) =>
  createApiHandler('publish', publishOperations, deps);
export const handler = lazyHandler(() => createPublishHandler(publishFromEnv()));
