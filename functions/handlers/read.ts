/** Public reads: policies, revisions, texts. Granted read access to the Policies table only. */
import { readFileSync } from 'node:fs';
import { lazyHandler } from '../composition/handler';
import { readFromEnv } from '../composition/read';
import { diffPolicyTexts, splitSections, unifiedDiff } from '../domain/diff';
import { type BoundedDiff, boundDiff, boundUnified, DIFF_LIMITS, escapedCost } from '../domain/diff/bound';
import { notFound } from '../domain/errors';
import { assertPolicyId, parseLocale, parseVersion } from '../domain/ids';
import type { Revision } from '../domain/revision';
import * as z from '../domain/schema';
import { currentRevision, policyView } from '../domain/status-rules';
import { type ApiRequest, createApiHandler, type Operation, type Operations, PageFailure } from '../http/api';
import { htmlErrorPage } from '../http/error-pages';
import { servedDocument } from '../http/served-document';
import { parseWith } from '../http/validate';
import { comparedTexts, formatsOf, type Texts } from '../usecases/diff';
import {
  findRevision,
  getPolicyView,
  listPolicyViews,
  type PolicyDeps,
  pageRevisions,
  revisionText,
} from '../usecases/policies';
import { CONSOLE_ASSET, CONSOLE_CSP, renderConsole } from '../views/console';
import { pageHeaders } from '../views/html';
import { changesPath, renderAtomFeed, renderChangesPage, renderTextPage, versionPath } from '../views/pages';

export interface ReadDeps extends PolicyDeps {
  /**
   * Absolute base of links in the Atom feed: PUBLIC_BASE_URL in AWS, the listening address locally.
   * Never taken from a request header (Host, X-Forwarded-Host): the client controls those, and the feed
   * is cached publicly.
   */
  publicBaseUrl: string;
  /** The organisation (ORG_NAME): the feed's author. */
  orgName: string;
  /**
   * The console's bundled script (lib/console-bundle.ts): in Lambda the file the asset build wrote beside
   * the handler, locally the bundle built when the server starts.
   */
  consoleScript: () => string;
}

/** A file beside the bundled handler (`console-app.js` in the read function's asset), read once. */
export function fileBesideHandler(name: string): () => string {
  let text: string | undefined;
  return () => {
    text ??= readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
    return text;
  };
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

  listPolicies: async (_req, deps) => ({
    status: 200,
    headers: { 'cache-control': CACHE_SHORT },
    body: { policies: await listPolicyViews(deps) },
  }),

  getPolicy: async (req, deps) => ({
    status: 200,
    headers: { 'cache-control': CACHE_SHORT },
    body: await getPolicyView(deps, assertPolicyId(req.params.policyId)),
  }),

  listRevisions: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const limit = parseWith(limitSchema, req.query.limit, 'limit');
    const cursor = req.query.cursor === undefined ? null : String(parseVersion(req.query.cursor, 'cursor'));
    const page = await pageRevisions(deps, policyId, limit, cursor);
    return {
      status: 200,
      headers: { 'cache-control': CACHE_SHORT },
      body: { revisions: page.items, nextCursor: page.nextCursor },
    };
  },

  getRevision: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const ref = parseRevisionRef(req.params.version);
    const locale = optionalLocale(req);
    const revision = await findRevision(deps, policyId, ref);
    const served = await revisionText(deps, revision, locale);
    return {
      status: 200,
      headers: { 'cache-control': typeof ref === 'number' ? CACHE_IMMUTABLE : CACHE_SHORT },
      body: { ...revision, locale: served.locale, text: served.text },
    };
  },

  diff: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const format = parseWith(formatSchema, req.query.format, 'format');
    const refs = diffRefs(req);
    const offset = parseWith(offsetSchema, req.query.offset, 'offset');
    const t = await comparedTexts(deps, policyId, refs);
    const cache = { 'cache-control': cacheFor(refs) };
    if (format === 'html') return changesPage(policyId, t, offset, cache, refs.locale);
    if (format === 'unified') {
      const label = (v: number) => `${policyId}/v${v}/${t.locale}`;
      const full = unifiedDiff(t.oldText, t.newText, {
        oldLabel: label(t.from.version),
        newLabel: label(t.to.version),
      });
      const bounded = boundUnified(full);
      // Text before the `---` line is a patch's preamble: patch and git apply skip it.
      const note = bounded.truncated
        ? `Truncated: this patch holds the first ${bounded.text.length} of ${full.length} characters of the diff. Every section's changes: ${diffPath(policyId, t, 0)}\n`
        : '';
      return {
        status: 200,
        contentType: 'text/x-diff; charset=utf-8',
        headers: cache,
        body: `${note}${bounded.text}`,
      };
    }
    const diff = diffPolicyTexts(t.oldText, t.newText, formatsOf(t));
    const body = fitted((limits) => {
      const bounded = boundDiff(diff, limits);
      return JSON.stringify({
        policyId,
        from: t.from.version,
        to: t.to.version,
        locale: t.locale,
        ...bounded,
        ...(bounded.truncated ? { rest: restLinks(policyId, t, bounded) } : {}),
      });
    }, offset);
    return { status: 200, contentType: 'application/json; charset=utf-8', headers: cache, body };
  },

  policyPage: page(async (req, deps) => textPage(req, deps, 'current')),
  versionPage: page(async (req, deps) => textPage(req, deps, parseVersion(req.params.version))),

  changesPage: page(async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const refs = diffRefs(req);
    const offset = parseWith(offsetSchema, req.query.offset, 'offset');
    return changesPage(
      policyId,
      await comparedTexts(deps, policyId, refs),
      offset,
      { 'cache-control': cacheFor(refs) },
      refs.locale,
    );
  }),

  console: async () => ({
    status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: { ...pageHeaders, 'content-security-policy': CONSOLE_CSP, 'cache-control': 'no-cache' },
    body: renderConsole(),
  }),
  consoleScript: async (_req, deps) => ({
    status: 200,
    contentType: 'text/javascript; charset=utf-8',
    headers: { 'cache-control': 'no-cache' },
    body: deps.consoleScript(),
  }),
  /** Lets the console check a token at sign-in: only a publisher gets past the role check. */
  consoleSession: async (req) => ({ status: 200, body: { role: req.role } }),

  feed: page(async (req, deps) => {
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
  }),
};

/**
 * A page operation whose failure is answered as a page in the page's language (http/api.ts): for that it
 * names the policy, when the address names one that exists, and its default language.
 */
function page(op: Operation<ReadDeps>): Operation<ReadDeps> {
  return async (req, deps) => {
    try {
      return await op(req, deps);
    } catch (e) {
      let policyId: string | undefined;
      let policyLocale: string | undefined;
      try {
        const revisions = await deps.catalog.revisions(assertPolicyId(req.params.policyId));
        const latest = revisions[revisions.length - 1];
        if (latest !== undefined) {
          policyId = latest.policyId;
          policyLocale = latest.defaultLocale;
        }
      } catch {
        // No such policy, or the store failed too: the page names none.
      }
      throw new PageFailure(e, {
        ...(policyId === undefined ? {} : { policyId }),
        ...(policyLocale === undefined ? {} : { policyLocale }),
      });
    }
  };
}

export const formatSchema = z._default(z.enum(['json', 'unified', 'html']), 'json');

function diffRefs(req: ApiRequest) {
  return {
    from: req.query.from === undefined ? undefined : parseVersion(req.query.from, 'from'),
    to: req.query.to === undefined ? undefined : parseRevisionRef(req.query.to),
    locale: optionalLocale(req),
  };
}

/**
 * Public answers are cached by the CDN in front of the API: a diff or a revision named by version
 * numbers never changes (revisions are immutable), anything named `current`/`latest` or listing
 * versions can change with the next publish or effective date.
 */
const CACHE_IMMUTABLE = 'public, max-age=86400, s-maxage=31536000, immutable';
const CACHE_SHORT = 'public, max-age=60';
const cacheFor = (refs: ReturnType<typeof diffRefs>) =>
  typeof refs.to === 'number' ? CACHE_IMMUTABLE : CACHE_SHORT;

export const offsetSchema = z._default(
  z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1_000_000)),
  0,
);

/**
 * Largest response body: Lambda answers at most 6 MB, envelope included, and a body that goes out as
 * base64 (compactPayload in http/api.ts) takes 4/3 of its size there.
 */
export const MAX_RESPONSE_BYTES = 4_400_000;

/**
 * Renders with the default diff limits and, should the output still exceed `MAX_RESPONSE_BYTES` (the
 * renderer's own markup outgrowing the escaped-text estimate), again with half the budget until it fits.
 */
function fitted(render: (limits: typeof DIFF_LIMITS) => string, offset: number): string {
  let limits = { ...DIFF_LIMITS, offset };
  for (;;) {
    const out = render(limits);
    if (Buffer.byteLength(out, 'utf8') <= MAX_RESPONSE_BYTES || limits.maxBytes < 1000) return out;
    limits = {
      ...limits,
      maxBytes: Math.floor(limits.maxBytes / 2),
      maxSections: Math.ceil(limits.maxSections / 2),
    };
  }
}

/** The diff route for the same pair, pinned to version numbers so that every page describes one diff. */
const diffPath = (policyId: string, t: Texts, offset: number, format?: 'unified') =>
  `/policies/${encodeURIComponent(policyId)}/diff?from=${t.from.version}&to=${t.to.version}&locale=${encodeURIComponent(t.locale)}${offset > 0 ? `&offset=${offset}` : ''}${format ? `&format=${format}` : ''}`;

/** Where a bounded diff's missing parts are: the next page of sections, the unified patch, both texts. */
function restLinks(policyId: string, t: Texts, bounded: BoundedDiff) {
  const text = (r: Revision) =>
    `/policies/${encodeURIComponent(policyId)}/revisions/${r.version}?locale=${encodeURIComponent(t.locale)}`;
  return {
    next: bounded.window.nextOffset === null ? null : diffPath(policyId, t, bounded.window.nextOffset),
    unified: diffPath(policyId, t, 0, 'unified'),
    oldText: text(t.from),
    newText: text(t.to),
  };
}

function changesPage(
  policyId: string,
  t: Texts,
  offset: number,
  headers: Record<string, string>,
  askedLocale?: string,
) {
  const diff = diffPolicyTexts(t.oldText, t.newText, formatsOf(t));
  const newSections = splitSections(t.newText, t.to.format);
  const textByKey = new Map(newSections.map((sec) => [sec.key, sec.text]));
  const body = fitted((limits) => {
    // The redline shows an unchanged section's text (collapsed): it counts towards the budget.
    const bounded = boundDiff(diff, limits, (sec) =>
      sec.status === 'unchanged' ? escapedCost(textByKey.get(sec.key) ?? '') : 0,
    );
    const shownKeys = new Set(bounded.sections.map((sec) => sec.key));
    const pageHref = (n: number) =>
      `${changesPath(policyId, t.from.version, t.to.version, t.locale)}${n > 0 ? `&offset=${n}` : ''}`;
    return renderChangesPage({
      policyId,
      from: t.from,
      to: t.to,
      locale: t.locale,
      diff: bounded,
      newSections: newSections.filter((sec) => shownKeys.has(sec.key)),
      oldText: t.oldText,
      newText: t.newText,
      ...(askedLocale === undefined ? {} : { askedLocale }),
      ...(bounded.truncated
        ? {
            truncation: {
              window: bounded.window,
              firstHref: bounded.window.offset > 0 ? pageHref(0) : null,
              nextHref: bounded.window.nextOffset === null ? null : pageHref(bounded.window.nextOffset),
              unifiedHref: diffPath(policyId, t, 0, 'unified'),
              fullTextHref: versionPath(policyId, t.to.version, t.locale),
            },
          }
        : {}),
    });
  }, offset);
  return {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: { ...pageHeaders, ...headers },
    body,
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
  const askedLocale = optionalLocale(req);
  const served = await revisionText(deps, revision, askedLocale);
  const fullTextHref = `/policies/${encodeURIComponent(policyId)}/revisions/${revision.version}?locale=${encodeURIComponent(served.locale)}`;
  // A 2 MiB text that escaping or markup multiplies would outgrow a response: the page is rendered
  // within its bytes, shows the text's beginning and links to the whole text (one render, one parse).
  const body = renderTextPage({
    view,
    revisions,
    revision,
    locale: served.locale,
    text: served.text,
    now,
    isCurrentPage: ref === 'current',
    ...(askedLocale === undefined ? {} : { askedLocale }),
    budget: { maxBytes: MAX_RESPONSE_BYTES, fullTextHref },
  });
  return { status: 200, contentType: 'text/html; charset=utf-8', headers: pageHeaders, body };
}

export const createReadHandler = (deps: ReadDeps) =>
  createApiHandler('read', readOperations, deps, { errorPage: htmlErrorPage });
export const handler = lazyHandler(() =>
  createReadHandler({
    ...readFromEnv(),
    // Written there by the read function's asset build (lib/policy-function.ts, lib/console-bundle.ts).
    consoleScript: fileBesideHandler(CONSOLE_ASSET),
  }),
);
