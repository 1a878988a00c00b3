/**
 * Publishing revisions and watching their notification (publisher role). Granted read/write on the
 * Policies table, read/write on Notifications and send on the fan-out queue (NOTIFICATIONS_TABLE,
 * FANOUT_QUEUE_URL): publishing a notified revision starts its campaign.
 */

import { metricsFromEnv } from '../adapters/observability';
import { validationFailed } from '../domain/errors';
import { assertPolicyId, canonicalLocale, LOCALE, parseVersion } from '../domain/ids';
import * as z from '../domain/schema';
import { intIn, matching } from '../domain/schema';
import { createApiHandler, type Operations } from '../http/api';
import { createLogger } from '../http/log';
import { parseWith } from '../http/validate';
import type { NotificationStore } from '../ports';
import { diffAgainstLatest } from '../usecases/diff';
import { campaignStarter, notificationStatus } from '../usecases/notifications';
import { type PublishDeps, publishRevision } from '../usecases/policies';
import { lazyHandler, notificationStoreFromEnv, policyDepsFromEnv, queueFromEnv } from './wiring';

/** The notification store serves the progress route; without it that route answers 500. */
export type PublishHandlerDeps = PublishDeps & { notifications?: NotificationStore };

const localeKey = matching(LOCALE, 'must be a BCP 47 language tag');

export const publishSchema = z.strictObject({
  texts: z.record(localeKey, z.string()),
  change: z.enum(['material', 'minor']),
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
  const out: Record<string, string> = {};
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
    const diff = await diffAgainstLatest(deps, latest, texts);
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
};

export const createPublishHandler = (deps: PublishHandlerDeps) =>
  createApiHandler('publish', publishOperations, deps);
export const handler = lazyHandler(() => {
  const base = policyDepsFromEnv();
  const notifications = notificationStoreFromEnv();
  const onPublished = campaignStarter({
    notifications,
    fanoutQueue: queueFromEnv('FANOUT_QUEUE_URL'),
    clock: base.clock,
    logger: createLogger('publish'),
  });
  const metrics = metricsFromEnv();
  return createPublishHandler({
    ...base,
    notifications,
    onPublished: async (revision) => {
      metrics.count('PublishedRevisions');
      await onPublished(revision);
    },
  });
});
