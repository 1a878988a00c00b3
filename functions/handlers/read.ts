/** Public reads: policies, revisions, texts. Granted read access to the Policies table only. */
import { z } from 'zod';
import { assertPolicyId, parseLocale, parseVersion } from '../domain/ids';
import { type ApiRequest, createApiHandler, type Operations } from '../http/api';
import { parseWith } from '../http/validate';
import {
  findRevision,
  getPolicyView,
  listPolicyViews,
  type PolicyDeps,
  pageRevisions,
  revisionText,
} from '../usecases/policies';
import { lazyHandler, policyDepsFromEnv } from './wiring';

const limitSchema = z.coerce.number().int().min(1).max(100).default(20);

export function parseRevisionRef(value: string | undefined): number | 'current' | 'latest' {
  return value === 'current' || value === 'latest' ? value : parseVersion(value);
}

export const optionalLocale = (req: ApiRequest) =>
  req.query.locale === undefined ? undefined : parseLocale(req.query.locale);

export const readOperations: Operations<PolicyDeps> = {
  health: async () => ({ status: 200, body: { status: 'ok' } }),

  listPolicies: async (_req, deps) => ({ status: 200, body: { policies: await listPolicyViews(deps) } }),

  getPolicy: async (req, deps) => ({
    status: 200,
    body: await getPolicyView(deps, assertPolicyId(req.params.policyId)),
  }),

  listRevisions: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const limit = parseWith(limitSchema, req.query.limit, 'limit');
    const cursor = req.query.cursor === undefined ? null : String(parseVersion(req.query.cursor, 'cursor'));
    const page = await pageRevisions(deps, policyId, limit, cursor);
    return { status: 200, body: { revisions: page.items, nextCursor: page.nextCursor } };
  },

  getRevision: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const ref = parseRevisionRef(req.params.version);
    const locale = optionalLocale(req);
    const revision = await findRevision(deps, policyId, ref);
    const served = await revisionText(deps, revision, locale);
    return { status: 200, body: { ...revision, locale: served.locale, text: served.text } };
  },
};

export const createReadHandler = (deps: PolicyDeps) => createApiHandler('read', readOperations, deps);
export const handler = lazyHandler(() => createReadHandler(policyDepsFromEnv()));
