/** Public reads: policies, revisions, texts. Granted read access to the Policies table only. */
import { splitSections, unifiedDiff } from '../domain/diff';
import { notFound } from '../domain/errors';
import { assertPolicyId, parseLocale, parseVersion } from '../domain/ids';
import * as z from '../domain/schema';
import { currentRevision, policyView } from '../domain/timeline';
import { type ApiRequest, createApiHandler, type Operations } from '../http/api';
import { servedDocument } from '../http/served-document';
import { parseWith } from '../http/validate';
import { compareRevisions } from '../usecases/diff';
import {
  findRevision,
  getPolicyView,
  listPolicyViews,
  type PolicyDeps,
  pageRevisions,
  revisionText,
} from '../usecases/policies';
import { CONSOLE_CSP, consoleScript, renderConsole } from '../views/console';
import { pageHeaders } from '../views/html';
import { renderAtomFeed, renderChangesPage, renderTextPage } from '../views/pages';
import { lazyHandler, policyDepsFromEnv, requiredEnv } from './wiring';

export interface ReadDeps extends PolicyDeps {
  /**
   * Absolute base of links in the Atom feed: PUBLIC_BASE_URL in AWS, the listening address locally.
   * Never taken from a request header (Host, X-Forwarded-Host): the client controls those, and the feed
   * is cached publicly.
   */
  publicBaseUrl: string;
  /** The organisation (ORG_NAME): the feed's author. */
  orgName: string;
}

export const limitSchema = z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20);

export function parseRevisionRef(value: string | undefined): number | 'current' | 'latest' {
  return value === 'current' || value === 'latest' ? value : parseVersion(value);
}

export const optionalLocale = (req: ApiRequest) =>
  req.query.locale === undefined ? undefined : parseLocale(req.query.locale);

export const readOperations: Operations<ReadDeps> = {
  health: async () => ({ status: 200, body: { status: 'ok' } }),

  openapi: async (_req, deps) => ({
    status: 200,
    contentType: 'application/json; charset=utf-8',
    headers: { 'cache-control': 'public, max-age=300' },
    body: servedDocument(deps.publicBaseUrl),
  }),

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

  diff: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const format = parseWith(formatSchema, req.query.format, 'format');
    const c = await compareRevisions(deps, policyId, diffRefs(req));
    if (format === 'unified') {
      const label = (v: number) => `${policyId}/v${v}/${c.locale}`;
      return {
        status: 200,
        contentType: 'text/x-diff; charset=utf-8',
        body: unifiedDiff(c.oldText, c.newText, {
          oldLabel: label(c.from.version),
          newLabel: label(c.to.version),
        }),
      };
    }
    if (format === 'html') return changesPage(policyId, c);
    return {
      status: 200,
      body: { policyId, from: c.from.version, to: c.to.version, locale: c.locale, ...c.diff },
    };
  },

  policyPage: async (req, deps) => textPage(req, deps, 'current'),
  versionPage: async (req, deps) => textPage(req, deps, parseVersion(req.params.version)),

  changesPage: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    return changesPage(policyId, await compareRevisions(deps, policyId, diffRefs(req)));
  },

  console: async () => ({
    status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: { ...pageHeaders, 'content-security-policy': CONSOLE_CSP, 'cache-control': 'no-cache' },
    body: renderConsole(),
  }),
  consoleScript: async () => ({
    status: 200,
    contentType: 'text/javascript; charset=utf-8',
    headers: { 'cache-control': 'no-cache' },
    body: consoleScript,
  }),
  /** Lets the console check a token at sign-in: only a publisher gets past the role check. */
  consoleSession: async (req) => ({ status: 200, body: { role: req.role } }),

  feed: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const revisions = await deps.catalog.revisions(policyId);
    if (revisions.length === 0) throw notFound(`policy ${policyId} does not exist`);
    const baseUrl = deps.publicBaseUrl;
    return {
      status: 200,
      contentType: 'application/atom+xml; charset=utf-8',
      headers: { 'cache-control': 'public, max-age=300' },
      body: renderAtomFeed({ policyId, revisions, baseUrl, author: deps.orgName }),
    };
  },
};

export const formatSchema = z._default(z.enum(['json', 'unified', 'html']), 'json');

function diffRefs(req: ApiRequest) {
  return {
    from: req.query.from === undefined ? undefined : parseVersion(req.query.from, 'from'),
    to: req.query.to === undefined ? undefined : parseRevisionRef(req.query.to),
    locale: optionalLocale(req),
  };
}

function changesPage(policyId: string, c: Awaited<ReturnType<typeof compareRevisions>>) {
  return {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: pageHeaders,
    body: renderChangesPage({
      policyId,
      from: c.from,
      to: c.to,
      locale: c.locale,
      diff: c.diff,
      newSections: splitSections(c.newText, c.to.format ?? 'text'),
      oldText: c.oldText,
      newText: c.newText,
    }),
  };
}

async function textPage(req: ApiRequest, deps: ReadDeps, ref: number | 'current') {
  const policyId = assertPolicyId(req.params.policyId);
  const revisions = await deps.catalog.revisions(policyId);
  const now = deps.clock.now();
  const view = policyView(revisions, now);
  if (!view) throw notFound(`policy ${policyId} does not exist`);
  // Before anything is in effect, the front page shows the first (scheduled) version.
  const revision =
    ref === 'current'
      ? (currentRevision(revisions, now) ?? revisions[0]!)
      : await findRevision(deps, policyId, ref);
  const served = await revisionText(deps, revision, optionalLocale(req));
  return {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: pageHeaders,
    body: renderTextPage({
      view,
      revisions,
      revision,
      locale: served.locale,
      text: served.text,
      now,
      isCurrentPage: ref === 'current',
    }),
  };
}

/**
 * PUBLIC_BASE_URL, required in AWS: without it links would have to come from request headers. Checked
 * when the function starts, so a misconfigured deployment fails at once with the variable's name.
 */
export function publicBaseUrlFromEnv(): string {
  const value = requiredEnv('PUBLIC_BASE_URL');
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new Error(`environment variable PUBLIC_BASE_URL must be an absolute http(s) URL, got "${value}"`);
  let base = value;
  while (base.endsWith('/')) base = base.slice(0, -1);
  return base;
}

export const createReadHandler = (deps: ReadDeps) => createApiHandler('read', readOperations, deps);
export const handler = lazyHandler(() =>
  createReadHandler({
    ...policyDepsFromEnv(),
    publicBaseUrl: publicBaseUrlFromEnv(),
    orgName: requiredEnv('ORG_NAME'),
  }),
);
