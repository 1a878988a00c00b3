/** Publishing revisions (publisher role). Granted read/write on the Policies table. */
import { z } from 'zod';
import { validationFailed } from '../domain/errors';
import { assertPolicyId, canonicalLocale, LOCALE } from '../domain/ids';
import { createApiHandler, type Operations } from '../http/api';
import { parseWith } from '../http/validate';
import { type PublishDeps, publishRevision } from '../usecases/policies';
import { lazyHandler, policyDepsFromEnv } from './wiring';

const localeKey = z.string().regex(LOCALE, 'must be a BCP 47 language tag');

export const publishSchema = z.strictObject({
  texts: z.record(localeKey, z.string()),
  change: z.enum(['material', 'minor']),
  summary: z
    .record(
      localeKey,
      z
        .string()
        .max(2000)
        .regex(/^[^\0]*$/, 'must not contain NUL'),
    )
    .optional(),
  effectiveAt: z.iso.datetime({ offset: true }).optional(),
  baseVersion: z.number().int().min(0).optional(),
  notify: z.boolean().optional(),
  dryRun: z.boolean().optional(),
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

export const publishOperations: Operations<PublishDeps> = {
  publishRevision: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const body = parseWith(publishSchema, req.body);
    const input = {
      ...body,
      texts: canonicalKeys(body.texts, 'texts')!,
      summary: canonicalKeys(body.summary, 'summary'),
    };
    const dryRun = body.dryRun ?? false;
    const { revision } = await publishRevision(deps, policyId, input, { dryRun });
    return dryRun ? { status: 200, body: { ...revision, dryRun: true } } : { status: 201, body: revision };
  },
};

export const createPublishHandler = (deps: PublishDeps) =>
  createApiHandler('publish', publishOperations, deps);
export const handler = lazyHandler(() => createPublishHandler(policyDepsFromEnv()));
