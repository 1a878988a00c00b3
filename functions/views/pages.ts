/**
 * The public, server-rendered pages: a policy's current text, one version, the redline between two
 * versions, and an Atom feed. Pure functions from data to HTML/XML; no script runs on any page.
 */
import type { DiffOp, PolicyDiff, Section } from '../domain/diff';
import type { DiffWindow } from '../domain/diff/bound';
import {
  type DocSection,
  type DocumentModel,
  documentModel,
  headingId,
  PREAMBLE_KEY,
  plainText,
} from '../domain/document';
import { type Revision, revisionTitle } from '../domain/revision';
import type { PolicyView } from '../domain/status-rules';
import { escapeAttr, escapeHtml, layout } from './html';
import {
  type ChangeLabels,
  opHtml,
  renderBlockChanges,
  renderMarkdown,
  renderMarkdownWithin,
  sectionIds,
  uniqueIds,
  utf8Length,
} from './markdown';
import {
  formatDate,
  languageName,
  languageNameIn,
  type PageStrings,
  pickUiLanguage,
  stringsFor,
  uiLanguage,
} from './strings';

const enc = encodeURIComponent;
export const policyPath = (policyId: string) => `/p/${enc(policyId)}`;
export const versionPath = (policyId: string, version: number, locale?: string) =>
  `/p/${enc(policyId)}/v/${version}${locale ? `?locale=${enc(locale)}` : ''}`;
export const changesPath = (policyId: string, from: number, to: number, locale?: string) =>
  `/p/${enc(policyId)}/changes?from=${from}&to=${to}${locale ? `&locale=${enc(locale)}` : ''}`;
export const feedPath = (policyId: string) => `${policyPath(policyId)}/feed.atom`;

/** A moment for people (with its zone, see `formatDate`) and for machines (`datetime`). */
const timeHtml = (iso: string, locale: string) =>
  `<time datetime="${escapeAttr(iso)}">${escapeHtml(formatDate(iso, locale))}</time>`;

/** Every policy page announces the policy's Atom feed (feed readers and browsers discover it). */
const feedOf = (policyId: string, s: PageStrings) => ({ href: feedPath(policyId), title: s.feed });

/**
 * Said when `?locale=` asked for a language the revision does not have: in the asked language when the
 * pages speak it (so that its reader understands), else in the page's.
 */
function languageNotice(asked: string | undefined, shown: string, pageLocale: string): string {
  if (asked === undefined || asked === shown) return '';
  const noticeLang = pickUiLanguage([asked, pageLocale]);
  const t = stringsFor(noticeLang);
  const text = t.languageMissing(languageNameIn(asked, noticeLang), languageNameIn(shown, noticeLang));
  return `<p class="notice lang" id="language-notice" lang="${escapeAttr(noticeLang)}">${escapeHtml(text)}</p>`;
}

/** A section's entry in the table of contents ('' for the preamble). */
function tocItem(sec: DocSection, ids: Map<string, string>): string {
  const id = ids.get(sec.key);
  if (id === undefined || sec.heading === null) return '';
  // A numbered subsection (`3.2`, `3.2.1`) is indented under its section.
  const depth = /^[0-9]+(?:\.[0-9]+)+$/.test(sec.key) ? Math.min(sec.key.split('.').length, 4) : 1;
  const cls = depth > 1 ? ` class="d${depth}"` : '';
  return `<li${cls}><a href="#${escapeAttr(id)}">${escapeHtml(sec.heading.trim())}</a></li>`;
}

/**
 * The sections of a text, with their heading ids, as a list of links (only for two or more headings);
 * the first `limit` headed sections only when the page shows only those.
 */
function tableOfContents(
  sections: readonly DocSection[],
  ids: Map<string, string>,
  s: PageStrings,
  limit = Number.POSITIVE_INFINITY,
) {
  const items: string[] = [];
  for (const sec of sections) {
    if (items.length >= limit) break;
    const item = tocItem(sec, ids);
    if (item !== '') items.push(item);
  }
  if (items.length < 2) return '';
  return `<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">${escapeHtml(s.contents)}</h2><ul>${items.join('')}</ul></nav>`;
}

/** Leading blank lines off, trailing white space off (linear, whatever the input). */
const trimBlankLines = (text: string) => text.replace(/^(?:[ \t]*\n)+/, '').trimEnd();

/** Bytes `escapeHtml(text)` takes in UTF-8, without escaping it. */
function escapedBytes(text: string, end = text.length): number {
  let n = 0;
  for (let i = 0; i < end; i++) n += escapedUnit(text.charCodeAt(i));
  return n;
}

/** UTF-8 bytes of one UTF-16 unit once HTML-escaped (a surrogate half: 2, a pair: 4). */
function escapedUnit(c: number): number {
  if (c < 0x80) {
    if (c === 0x26) return 5; // &amp;
    if (c === 0x3c || c === 0x3e) return 4; // &lt; &gt;
    if (c === 0x22) return 6; // &quot;
    if (c === 0x27) return 5; // &#39;
    return 1;
  }
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdfff) return 2;
  return 3;
}

/** The longest prefix of `text` whose escaped bytes fit `room`, never between the halves of a pair. */
function prefixEscapedWithin(text: string, room: number): string {
  let spent = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const cost = escapedUnit(text.charCodeAt(i));
    if (spent + cost > room) break;
    spent += cost;
  }
  if (i > 0 && i < text.length && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800) i--;
  return text.slice(0, i);
}

/**
 * A plain-text revision: each section's heading line as a heading (its id the section key), the text
 * between headings pre-wrapped as written; within `maxBytes` (the escaped text measured before it is
 * escaped, `headingCost` added per heading shown), stopping inside the block that does not fit.
 */
function renderPlainText(
  model: DocumentModel,
  ids: Map<string, string>,
  maxBytes = Number.POSITIVE_INFINITY,
  headingCost: (heading: number) => number = () => 0,
): { html: string; cut: boolean; headings: number } {
  const text = model.source;
  const out: string[] = [];
  let spent = 0;
  let headings = 0;
  let cut = false;
  /** Adds `open + escaped body + close` if it fits (with its line break); else what fits of the body. */
  const add = (open: string, body: string, close: string, extra = 0): boolean => {
    const frame = (out.length > 0 ? 1 : 0) + utf8Length(open) + utf8Length(close) + extra;
    const size = frame + escapedBytes(body);
    if (spent + size <= maxBytes) {
      out.push(`${open}${escapeHtml(body)}${close}`);
      spent += size;
      return true;
    }
    cut = true;
    const room = maxBytes - spent - frame;
    const part = room > 0 && extra === 0 ? prefixEscapedWithin(body, room) : '';
    if (part !== '') out.push(`${open}${escapeHtml(part)}${close}`);
    return false;
  };
  const block = (t: string) => {
    const body = trimBlankLines(t);
    return body === '' || add('<div class="text">', body, '</div>');
  };
  let at = 0;
  for (const sec of model.sections) {
    if (sec.srcFrom > at && !block(text.slice(at, sec.srcFrom))) break;
    const src = text.slice(sec.srcFrom, sec.srcTo);
    at = Math.max(at, sec.srcTo);
    const id = ids.get(sec.key);
    if (sec.heading === null || id === undefined) {
      if (!block(src)) break;
      continue;
    }
    const nl = src.indexOf('\n');
    const line = (nl === -1 ? src : src.slice(0, nl)).trim();
    if (!add(`<h2 id="${escapeAttr(id)}">`, line, '</h2>', headingCost(headings))) break;
    headings++;
    if (nl !== -1 && !block(src.slice(nl + 1))) break;
  }
  if (!cut && at < text.length) block(text.slice(at));
  return { html: out.join('\n'), cut, headings };
}

function languageSwitch(
  locales: string[],
  current: string,
  href: (locale: string) => string,
  s: PageStrings,
) {
  if (locales.length < 2) return '';
  const items = locales.map((l) =>
    l === current
      ? `<strong lang="${escapeAttr(l)}">${escapeHtml(languageName(l))}</strong>`
      : `<a lang="${escapeAttr(l)}" hreflang="${escapeAttr(l)}" href="${escapeAttr(href(l))}">${escapeHtml(languageName(l))}</a>`,
  );
  return `<nav class="langs" aria-label="${escapeAttr(s.language)}">${items.join('')}</nav>`;
}

const changeBadge = (r: Revision, s: PageStrings) =>
  `<span class="badge ${r.change}">${escapeHtml(r.change === 'material' ? s.material : s.minor)}</span>`;

function historyTable(policyId: string, revisions: Revision[], locale: string, now: Date, s: PageStrings) {
  const rows = [...revisions]
    .reverse()
    .map((r) => {
      const pending = Date.parse(r.effectiveAt) > now.getTime();
      const changes =
        r.version > 1
          ? ` · <a href="${escapeAttr(changesPath(policyId, r.version - 1, r.version, locale))}">${escapeHtml(s.viewChanges)}</a>`
          : '';
      return `<tr><td><a href="${escapeAttr(versionPath(policyId, r.version, locale))}">${escapeHtml(s.version)} ${r.version}</a>${changes}</td><td>${changeBadge(r, s)}</td><td>${timeHtml(r.effectiveAt, locale)}${pending ? ` <span class="badge">${escapeHtml(s.notYetEffective)}</span>` : ''}</td></tr>`;
    })
    .join('');
  return `<h2>${escapeHtml(s.history)}</h2><table class="history"><thead><tr><th>${escapeHtml(s.version)}</th><th>${escapeHtml(s.changes)}</th><th>${escapeHtml(s.effectiveFrom)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export interface TextPageInput {
  view: PolicyView;
  revisions: Revision[];
  revision: Revision;
  locale: string;
  text: string;
  now: Date;
  /** The policy's front page (current version) rather than a pinned version page. */
  isCurrentPage: boolean;
  /**
   * Most bytes of the page: the text's rendering (and table of contents) stops where it would not fit
   * (a Markdown text at the block, a plain text inside it), and the page then says the text is cut and
   * links to the whole text.
   */
  budget?: { maxBytes: number; fullTextHref: string };
  /** The locale `?locale=` asked for (canonical), when one did: a notice says when it is not `locale`. */
  askedLocale?: string;
}

/**
 * On a version that a later one replaced: which one and when, with links to it, to the current text and
 * to what changed.
 */
function replacedBanner(input: TextPageInput, s: PageStrings): string {
  const { view, revision: r, locale, now } = input;
  if (input.isCurrentPage || view.currentVersion === null || r.version >= view.currentVersion) return '';
  const successor = input.revisions.find(
    (x) => x.version > r.version && Date.parse(x.effectiveAt) <= now.getTime(),
  );
  if (successor === undefined) return '';
  const links = [
    `<a href="${escapeAttr(versionPath(view.policyId, successor.version, locale))}">${escapeHtml(s.readVersion(successor.version))}</a>`,
    `<a href="${escapeAttr(changesPath(view.policyId, r.version, successor.version, locale))}">${escapeHtml(s.viewChanges)}</a>`,
    ...(successor.version === view.currentVersion
      ? []
      : [
          `<a href="${escapeAttr(`${policyPath(view.policyId)}?locale=${enc(locale)}`)}">${escapeHtml(s.currentVersion(view.currentVersion))}</a>`,
        ]),
  ];
  return `<p class="notice old" id="replaced" data-replaced-by="${successor.version}"><strong>${escapeHtml(s.replacedBy(successor.version, formatDate(successor.effectiveAt, locale)))}</strong> ${links.join(' · ')}</p>`;
}

/** `/p/{policyId}` and `/p/{policyId}/v/{version}`: a text with its dates, languages and history. */
export function renderTextPage(input: TextPageInput): string {
  const { view, revision: r, locale } = input;
  const s = stringsFor(locale);
  const format = r.format ?? 'text';
  const model = documentModel(input.text, format);
  const ids = sectionIds(model.sections);
  const title = `${revisionTitle(r, locale)} · ${s.version} ${r.version}`;
  const switchHref = (l: string) =>
    input.isCurrentPage
      ? `${policyPath(view.policyId)}?locale=${enc(l)}`
      : versionPath(view.policyId, r.version, l);
  const upcoming =
    input.isCurrentPage && view.upcoming
      ? `<p class="notice" id="upcoming">${escapeHtml(s.upcoming(view.upcoming.version, formatDate(view.upcoming.effectiveAt, locale)))} <a href="${escapeAttr(changesPath(view.policyId, view.upcoming.version - 1, view.upcoming.version, locale))}">${escapeHtml(s.viewChanges)}</a></p>`
      : '';
  const pending = Date.parse(r.effectiveAt) > input.now.getTime();
  const header = `<p class="meta"><a href="${escapeAttr(policyPath(view.policyId))}">${escapeHtml(revisionTitle(r, locale))}</a></p>
<h1>${escapeHtml(revisionTitle(r, locale))} — ${escapeHtml(s.version)} ${r.version} ${changeBadge(r, s)}</h1>
<p class="meta">${escapeHtml(pending ? s.notYetEffective : s.effectiveFrom)}: ${timeHtml(r.effectiveAt, locale)} · ${escapeHtml(s.published)}: ${timeHtml(r.publishedAt, locale)}</p>
${languageSwitch(r.locales, locale, switchHref, s)}`;
  const footer = `${escapeHtml(s.contentHash)} (${escapeHtml(locale)}): <code>${escapeHtml(r.contentHashes[locale] ?? '')}</code><br><a href="${escapeAttr(feedPath(view.policyId))}">${escapeHtml(s.feed)}</a>`;
  const page = (article: string, toc: string, cutHref: string | undefined) => {
    const body = `${languageNotice(input.askedLocale, locale, locale)}${replacedBanner(input, s)}${upcoming}
${cutHref !== undefined ? `<p class="notice" id="truncated" data-truncated="true">${escapeHtml(s.textCut)} <a href="${escapeAttr(cutHref)}">${escapeHtml(s.wholeTextJson)}</a></p>` : ''}
${toc}
${article}
${historyTable(view.policyId, input.revisions, locale, input.now, s)}`;
    return layout({ lang: uiLanguage(locale), title, header, body, footer, feed: feedOf(view.policyId, s) });
  };
  const markdown = format === 'markdown';
  const open = markdown
    ? `<article class="doc" lang="${escapeAttr(locale)}">`
    : `<article class="plain" lang="${escapeAttr(locale)}">`;
  if (input.budget === undefined)
    return page(
      `${open}${markdown ? renderMarkdown(model) : renderPlainText(model, ids).html}</article>`,
      tableOfContents(model.sections, ids, s),
      undefined,
    );
  // What the page spends besides the text and its table of contents (with the cut notice and the
  // table's frame, as if both were there), then the text within what is left.
  const frame = utf8Length(
    page(`${open}</article>`, tableOfContents([], ids, s), input.budget.fullTextHref) +
      `<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">${escapeHtml(s.contents)}</h2><ul></ul></nav>`,
  );
  const headed = model.sections.filter((sec) => sec.heading !== null && ids.has(sec.key));
  const maxBytes = Math.max(0, input.budget.maxBytes - frame);
  const headingCost = (h: number) => (headed[h] === undefined ? 0 : utf8Length(tocItem(headed[h]!, ids)));
  const text = markdown
    ? renderMarkdownWithin(model, { maxBytes, headingCost })
    : renderPlainText(model, ids, maxBytes, headingCost);
  return page(
    `${open}${text.html}</article>`,
    tableOfContents(model.sections, ids, s, text.cut ? text.headings : Number.POSITIVE_INFINITY),
    text.cut ? input.budget.fullTextHref : undefined,
  );
}

const labelsOf = (s: PageStrings): ChangeLabels => ({ inserted: s.insertedLabel, deleted: s.deletedLabel });

/**
 * A section's ops cut after its heading line (the first line of the newer text; of the older one for a
 * removed section): the heading is shown once, as the section's heading, with its own changes marked.
 * `oldLines`/`newLines` are how many lines of each text the heading part took.
 */
export function splitHeading(
  ops: readonly DiffOp[],
  removed: boolean,
): { head: DiffOp[]; rest: DiffOp[]; oldLines: number; newLines: number } {
  const head: DiffOp[] = [];
  let oldLines = 0;
  for (let k = 0; k < ops.length; k++) {
    const o = ops[k]!;
    const primary = removed ? o.op === 'delete' : o.op !== 'delete';
    const nl = primary ? o.text.indexOf('\n') : -1;
    if (nl === -1) {
      head.push(o);
      if (o.op !== 'insert') oldLines += countLines(o.text);
      continue;
    }
    if (nl > 0) head.push({ op: o.op, text: o.text.slice(0, nl) });
    if (o.op !== 'insert') oldLines += countLines(o.text.slice(0, nl + 1));
    const after = o.text.slice(nl + 1);
    const rest = [...(after === '' ? [] : [{ op: o.op, text: after }]), ...ops.slice(k + 1)];
    return { head, rest, oldLines, newLines: o.op === 'delete' ? 0 : 1 };
  }
  return { head, rest: [], oldLines, newLines: 0 };
}

/** Ops without the blank lines that open and close them (whichever op holds them). */
function trimOps(ops: readonly DiffOp[]): DiffOp[] {
  const out = [...ops];
  while (out.length > 0 && out[0]!.text.trim() === '') out.shift();
  while (out.length > 0 && out[out.length - 1]!.text.trim() === '') out.pop();
  if (out.length === 0) return out;
  out[0] = { ...out[0]!, text: out[0]!.text.replace(/^(?:[ \t]*\n)+/, '') };
  const last = out[out.length - 1]!;
  out[out.length - 1] = { ...last, text: last.text.trimEnd() };
  return out;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The document model of a compared Markdown text (undefined for plain text: rendered as today). */
function modelOf(text: string | undefined, r: Revision): DocumentModel | undefined {
  return text !== undefined && (r.format ?? 'text') === 'markdown'
    ? documentModel(text, 'markdown')
    : undefined;
}

export interface ChangesPageInput {
  policyId: string;
  from: Revision;
  to: Revision;
  locale: string;
  diff: PolicyDiff;
  /** Sections of the newer text, to show unchanged ones (collapsed). */
  newSections: Section[];
  /**
   * The compared texts (normalised), for rendering Markdown revisions as formatted blocks; without them
   * (or for plain text) sections are shown as pre-wrapped text.
   */
  oldText?: string;
  newText?: string;
  /** Set when `diff` is a window of a larger diff (functions/domain/diff/bound.ts). */
  truncation?: Truncation;
  /** The locale `?locale=` asked for (canonical), when one did: a notice says when it is not `locale`. */
  askedLocale?: string;
}

export interface Truncation {
  window: DiffWindow;
  firstHref: string | null;
  nextHref: string | null;
  unifiedHref: string;
  fullTextHref: string;
}

/** Says which part of a bounded redline this page shows, what it leaves out and where the rest is. */
function truncationNotice(t: Truncation, s: PageStrings): string {
  const { window: w } = t;
  const changed = w.omitted.added + w.omitted.removed + w.omitted.modified;
  const links = [
    t.firstHref ? `<a href="${escapeAttr(t.firstHref)}">${escapeHtml(s.firstSections)}</a>` : '',
    t.nextHref ? `<a href="${escapeAttr(t.nextHref)}" rel="next">${escapeHtml(s.nextSections)}</a>` : '',
    `<a href="${escapeAttr(t.unifiedHref)}">${escapeHtml(s.wholeDiffUnified)}</a>`,
    `<a href="${escapeAttr(t.fullTextHref)}">${escapeHtml(s.fullNewText)}</a>`,
  ].filter((l) => l !== '');
  const text = s.changesCut({
    from: w.offset + 1,
    to: w.offset + w.shown,
    total: w.total,
    more: w.total - w.shown,
    changed,
    added: w.omitted.added,
    removed: w.omitted.removed,
    modified: w.omitted.modified,
  });
  const cut = w.cutSections.length > 0 ? ` ${s.sectionsInPart(w.cutSections.length)}` : '';
  return `<p class="notice" id="truncated" data-truncated="true">${escapeHtml(text + cut)} ${links.join(' · ')}</p>`;
}

/**
 * The redline: summary first, then every changed section marked, unchanged ones collapsed. Read in
 * either direction: `from` may be the newer version (then the page says so, and the summary is still the
 * newer revision's).
 */
export function renderChangesPage(input: ChangesPageInput): string {
  const { policyId, from, to, locale, diff } = input;
  const s = stringsFor(locale);
  const labels = labelsOf(s);
  const reversed = from.version > to.version;
  const newer = reversed ? from : to;
  const older = reversed ? to : from;
  const statusLabel = { added: s.added, removed: s.removed, modified: s.modified, unchanged: s.unchanged };
  const textByKey = new Map(input.newSections.map((sec) => [sec.key, sec.text]));
  const sectionTitle = (title: string, key: string) =>
    title ? title : key === PREAMBLE_KEY ? s.preamble : key;
  // Each section's id is its key as an id (`headingId`), as on the policy page, so that a link from an
  // email lands on it; a removed section's key is the older text's, hence its own suffix.
  const ids = uniqueIds(
    diff.sections.map((sec) => `${headingId(sec.key)}${sec.status === 'removed' ? '-removed' : ''}`),
  );

  const changed = diff.sections.map((sec, i) => ({ sec, i })).filter(({ sec }) => sec.status !== 'unchanged');
  const summaryText =
    newer.summary[locale] ??
    (locale === newer.defaultLocale ? undefined : newer.summary[newer.defaultLocale]);
  const summaryPlain =
    summaryText === undefined
      ? undefined
      : (newer.format ?? 'text') === 'markdown'
        ? plainText(summaryText)
        : summaryText;
  const showsOneStep = Math.abs(to.version - from.version) === 1 && !reversed;
  const counts = s.lineCounts(diff.stats.linesAdded, diff.stats.linesRemoved);
  const summary = `<section class="summary" aria-labelledby="summary-h">
<h2 id="summary-h">${escapeHtml(s.whatChanged)}</h2>
${
  reversed
    ? `<p class="notice" id="reversed" data-direction="reversed">${escapeHtml(s.reversed(newer.version, older.version))} <a href="${escapeAttr(changesPath(policyId, older.version, newer.version, locale))}">${escapeHtml(s.forwardLink(older.version, newer.version))}</a></p>`
    : ''
}
${
  summaryPlain
    ? showsOneStep
      ? `<p class="text" id="summary-text">${escapeHtml(summaryPlain)}</p>`
      : `<p class="text" id="summary-text" data-version="${newer.version}"><strong>${escapeHtml(s.summaryOf(newer.version))}:</strong> ${escapeHtml(summaryPlain)}</p>`
    : ''
}
${
  changed.length > 0
    ? `<p><strong>${escapeHtml(s.changedSections)}:</strong></p><ul>${changed
        .map(
          ({ sec, i }) =>
            `<li><a href="#${escapeAttr(ids[i]!)}">${escapeHtml(sectionTitle(sec.title, sec.key))}</a> <span class="badge ${sec.status}">${escapeHtml(statusLabel[sec.status])}</span></li>`,
        )
        .join('')}</ul>`
    : `<p>${escapeHtml(diff.stats.formattingOnly ? s.formattingOnly : s.noChanges)}</p>`
}
<p class="meta">${escapeHtml(s.effectiveFrom)}: ${timeHtml(newer.effectiveAt, locale)} · <span class="counts" title="${escapeAttr(counts)}"><span aria-hidden="true">+${diff.stats.linesAdded} / −${diff.stats.linesRemoved}</span><span class="vh">${escapeHtml(counts)}</span></span></p>
<p class="meta legend" id="legend">${escapeHtml(s.legend)}: <ins>${escapeHtml(s.insertedText)}</ins> · <del>${escapeHtml(s.deletedText)}</del> · ${escapeHtml(s.countsMeaning)}</p>
</section>`;

  const oldModel = modelOf(input.oldText, from);
  const newModel = modelOf(input.newText, to);
  const startLine = (model: DocumentModel | undefined, key: string | undefined) =>
    model?.sections.find((x) => x.key === key)?.fromLine ?? 0;
  /** A section's heading once (its own changes marked) and its body below it. */
  const parts = (ops: DiffOp[], sec: PolicyDiff['sections'][number]) => {
    const removed = sec.status === 'removed';
    const cut =
      sec.key === PREAMBLE_KEY
        ? { head: [] as DiffOp[], rest: ops, oldLines: 0, newLines: 0 }
        : splitHeading(ops, removed);
    const heading =
      cut.head.length === 0
        ? escapeHtml(sectionTitle(sec.title, sec.key))
        : cut.head.map((o) => opHtml(o, labels)).join('');
    if (cut.rest.every((o) => o.text.trim() === '')) return { heading, body: '' };
    if (oldModel === undefined && newModel === undefined) {
      // Pre-wrapped text: the blank lines under the heading and at the end are not shown.
      const rest = trimOps(cut.rest);
      return {
        heading,
        body: `<div class="text" lang="${escapeAttr(locale)}">${rest.map((o) => opHtml(o, labels)).join('')}</div>`,
      };
    }
    const oldKey = removed ? sec.key : (sec.oldKey ?? sec.key);
    const html = renderBlockChanges(
      cut.rest,
      oldModel,
      startLine(oldModel, oldKey) + cut.oldLines,
      removed ? undefined : newModel,
      startLine(newModel, sec.key) + cut.newLines,
      labels,
    );
    return { heading, body: `<div class="doc" lang="${escapeAttr(locale)}">${html}</div>` };
  };
  const badges = (sec: PolicyDiff['sections'][number]) =>
    ` <span class="badge ${sec.status}">${escapeHtml(statusLabel[sec.status])}</span>${sec.formattingChanged ? ` <span class="badge">${escapeHtml(s.formattingChanged)}</span>` : ''}`;
  /** "Previous change · Next change · Back to the summary", between the changed sections of this page. */
  const step = (n: number) => {
    const link = (k: number, text: string, rel: string) => {
      const target = changed[k];
      if (target === undefined) return '';
      const title = sectionTitle(target.sec.title, target.sec.key);
      return `<a href="#${escapeAttr(ids[target.i]!)}" data-step="${rel}">${escapeHtml(text)}<span class="vh">: ${escapeHtml(title)}</span></a>`;
    };
    // The last change of a page cut into several links on to the next page.
    const nextPage =
      n === changed.length - 1 && input.truncation?.nextHref
        ? `<a href="${escapeAttr(input.truncation.nextHref)}" rel="next" data-step="next-page">${escapeHtml(s.nextSections)} →</a>`
        : '';
    const links = [
      link(n - 1, `← ${s.previousChange}`, 'previous'),
      link(n + 1, `${s.nextChange} →`, 'next') || nextPage,
      `<a href="#summary-h" data-step="summary">↑ ${escapeHtml(s.backToSummary)}</a>`,
    ].filter((l) => l !== '');
    return `<p class="step noprint">${links.join('')}</p>`;
  };
  const changedIndex = new Map(changed.map(({ i }, n) => [i, n]));
  const sections = diff.sections
    .map((sec, i) => {
      const id = escapeAttr(ids[i]!);
      if (sec.status === 'unchanged') {
        const text = textByKey.get(sec.key) ?? '';
        const { heading, body } = parts(text === '' ? [] : [{ op: 'equal', text }], sec);
        return `<details id="${id}"><summary>${heading}${badges(sec)}</summary>${body}</details>`;
      }
      const { heading, body } = parts(sec.changes ?? [], sec);
      return `<section class="change" aria-labelledby="${id}"><h2 id="${id}">${heading}${badges(sec)}</h2>${body}${step(changedIndex.get(i)!)}</section>`;
    })
    .join('\n');

  const header = `<p class="meta"><a href="${escapeAttr(policyPath(policyId))}">${escapeHtml(revisionTitle(newer, locale))}</a></p>
<h1>${escapeHtml(s.changesTitle(from.version, to.version))} ${changeBadge(newer, s)}</h1>
<p class="meta">${escapeHtml(revisionTitle(newer, locale))} · <a href="${escapeAttr(versionPath(policyId, newer.version, locale))}">${escapeHtml(s.fullText)} (${escapeHtml(s.version)} ${newer.version})</a></p>
${languageSwitch(to.locales, locale, (l) => changesPath(policyId, from.version, to.version, l), s)}`;
  return layout({
    lang: uiLanguage(locale),
    title: `${revisionTitle(newer, locale)} · ${s.changesTitle(from.version, to.version)}`,
    header,
    body: `${languageNotice(input.askedLocale, locale, locale)}${input.truncation ? truncationNotice(input.truncation, s) : ''}${summary}\n${sections}`,
    feed: feedOf(policyId, s),
  });
}

/**
 * Text fit for XML 1.0 (escaped, and without the characters XML 1.0 forbids: C0 controls other than
 * tab/LF/CR, lone surrogates, U+FFFE and U+FFFF). The input rule keeps them out of new revisions; this
 * keeps the feed well-formed whatever the store holds.
 */
export const xml = (value: string) => escapeHtml(withoutXmlIllegal(value));

export function withoutXmlIllegal(text: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let legal = true;
    if (c < 0x20) legal = c === 0x09 || c === 0x0a || c === 0x0d;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else legal = false;
    } else if (c >= 0xdc00 && c <= 0xdfff) legal = false;
    else if (c === 0xfffe || c === 0xffff) legal = false;
    if (!legal) {
      out += text.slice(copied, i);
      copied = i + 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * An Atom feed (RFC 4287) of a policy's revisions, newest first, each linking to its redline. The
 * organisation is the feed's author; `xml:lang` is the newest revision's default locale, and each entry's
 * its own revision's.
 */
export function renderAtomFeed(args: {
  policyId: string;
  revisions: Revision[];
  baseUrl: string;
  author: string;
}): string {
  const { policyId, baseUrl } = args;
  const newest = [...args.revisions].reverse();
  const updated = newest[0]?.publishedAt ?? new Date(0).toISOString();
  const entries = newest
    .map((r) => {
      const s = stringsFor(r.defaultLocale);
      const link =
        r.version > 1 ? changesPath(policyId, r.version - 1, r.version) : versionPath(policyId, r.version);
      const summary = r.summary[r.defaultLocale] ?? Object.values(r.summary)[0] ?? '';
      return `<entry xml:lang="${xml(r.defaultLocale)}">
<id>${xml(`${baseUrl}${versionPath(policyId, r.version)}`)}</id>
<title>${xml(`${revisionTitle(r, r.defaultLocale)} — ${s.version} ${r.version} (${r.change === 'material' ? s.material : s.minor})`)}</title>
<updated>${xml(r.publishedAt)}</updated>
<published>${xml(r.publishedAt)}</published>
<link rel="alternate" type="text/html" href="${xml(`${baseUrl}${link}`)}"/>
<summary>${xml(`${summary}${summary ? ' — ' : ''}${s.effectiveFrom}: ${formatDate(r.effectiveAt, r.defaultLocale)}`)}</summary>
<category term="${xml(r.change)}"/>
</entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xml(newest[0]?.defaultLocale ?? 'en')}">
<id>${xml(`${baseUrl}${policyPath(policyId)}`)}</id>
<title>${xml(`${newest[0] ? revisionTitle(newest[0], newest[0].defaultLocale) : policyId}: revisions`)}</title>
<updated>${xml(updated)}</updated>
<author><name>${xml(args.author)}</name></author>
<link rel="self" type="application/atom+xml" href="${xml(`${baseUrl}${policyPath(policyId)}/feed.atom`)}"/>
<link rel="alternate" type="text/html" href="${xml(`${baseUrl}${policyPath(policyId)}`)}"/>
${entries}
</feed>
`;
}
