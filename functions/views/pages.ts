/**
 * The public, server-rendered pages: a policy's current text, one version, the redline between two
 * versions, and an Atom feed. Pure functions from data to HTML/XML; no script runs on any page.
 */
import type { DiffOp, PolicyDiff, Section } from '../domain/diff';
import type { DiffWindow } from '../domain/diff/bound';
import { type DocumentModel, documentModel, headingId, plainText } from '../domain/document';
import type { Revision } from '../domain/revision';
import type { PolicyView } from '../domain/status-rules';
import { escapeAttr, escapeHtml, layout } from './html';
import { renderBlockChanges, renderMarkdown } from './markdown';
import { formatDate, languageName, type PageStrings, stringsFor } from './strings';

const enc = encodeURIComponent;
export const policyPath = (policyId: string) => `/p/${enc(policyId)}`;
export const versionPath = (policyId: string, version: number, locale?: string) =>
  `/p/${enc(policyId)}/v/${version}${locale ? `?locale=${enc(locale)}` : ''}`;
export const changesPath = (policyId: string, from: number, to: number, locale?: string) =>
  `/p/${enc(policyId)}/changes?from=${from}&to=${to}${locale ? `&locale=${enc(locale)}` : ''}`;

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
      return `<tr><td><a href="${escapeAttr(versionPath(policyId, r.version, locale))}">${escapeHtml(s.version)} ${r.version}</a>${changes}</td><td>${changeBadge(r, s)}</td><td>${escapeHtml(formatDate(r.effectiveAt, locale))}${pending ? ` <span class="badge">${escapeHtml(s.notYetEffective)}</span>` : ''}</td></tr>`;
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
  /** Set when `text` is only the beginning of the text (too large for one page). */
  textCut?: { fullTextHref: string };
}

/** `/p/{policyId}` and `/p/{policyId}/v/{version}`: a text with its dates, languages and history. */
export function renderTextPage(input: TextPageInput): string {
  const { view, revision: r, locale } = input;
  const s = stringsFor(locale);
  const title = `${view.policyId} · ${s.version} ${r.version}`;
  const switchHref = (l: string) =>
    input.isCurrentPage
      ? `${policyPath(view.policyId)}?locale=${enc(l)}`
      : versionPath(view.policyId, r.version, l);
  const upcoming =
    input.isCurrentPage && view.upcoming
      ? `<p class="notice">${escapeHtml(s.upcoming(view.upcoming.version, formatDate(view.upcoming.effectiveAt, locale)))} <a href="${escapeAttr(changesPath(view.policyId, view.upcoming.version - 1, view.upcoming.version, locale))}">${escapeHtml(s.viewChanges)}</a></p>`
      : '';
  const pending = Date.parse(r.effectiveAt) > input.now.getTime();
  const header = `<p class="meta"><a href="${escapeAttr(policyPath(view.policyId))}">${escapeHtml(view.policyId)}</a></p>
<h1>${escapeHtml(s.policy)} “${escapeHtml(view.policyId)}” — ${escapeHtml(s.version)} ${r.version} ${changeBadge(r, s)}</h1>
<p class="meta">${escapeHtml(pending ? s.notYetEffective : s.effectiveFrom)}: ${escapeHtml(formatDate(r.effectiveAt, locale))} · ${escapeHtml(s.published)}: ${escapeHtml(formatDate(r.publishedAt, locale))}</p>
${languageSwitch(r.locales, locale, switchHref, s)}`;
  const body = `${upcoming}
${input.textCut ? `<p class="notice" id="truncated" data-truncated="true">This text is too large for one page: its beginning is shown. <a href="${escapeAttr(input.textCut.fullTextHref)}">Whole text (JSON)</a></p>` : ''}
${
  (r.format ?? 'text') === 'markdown'
    ? `<article class="doc" lang="${escapeAttr(locale)}">${renderMarkdown(documentModel(input.text, 'markdown'))}</article>`
    : `<article class="text" lang="${escapeAttr(locale)}">${escapeHtml(input.text)}</article>`
}
${historyTable(view.policyId, input.revisions, locale, input.now, s)}`;
  const footer = `${escapeHtml(s.contentHash)} (${escapeHtml(locale)}): <code>${escapeHtml(r.contentHashes[locale] ?? '')}</code><br><a href="${escapeAttr(`${policyPath(view.policyId)}/feed.atom`)}">${escapeHtml(s.feed)}</a>`;
  return layout({ lang: locale, title, header, body, footer });
}

function renderOps(ops: DiffOp[]): string {
  return ops
    .map((o) =>
      o.op === 'equal'
        ? escapeHtml(o.text)
        : o.op === 'insert'
          ? `<ins>${escapeHtml(o.text)}</ins>`
          : `<del>${escapeHtml(o.text)}</del>`,
    )
    .join('');
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
}

export interface Truncation {
  window: DiffWindow;
  firstHref: string | null;
  nextHref: string | null;
  unifiedHref: string;
  fullTextHref: string;
}

/** Says which part of a bounded redline this page shows, what it leaves out and where the rest is. */
function truncationNotice(t: Truncation): string {
  const { window: w } = t;
  const changed = w.omitted.added + w.omitted.removed + w.omitted.modified;
  const links = [
    t.firstHref ? `<a href="${escapeAttr(t.firstHref)}">First sections</a>` : '',
    t.nextHref ? `<a href="${escapeAttr(t.nextHref)}" rel="next">Next sections</a>` : '',
    `<a href="${escapeAttr(t.unifiedHref)}">Whole diff (unified)</a>`,
    `<a href="${escapeAttr(t.fullTextHref)}">Full new text</a>`,
  ].filter((l) => l !== '');
  const cut = w.cutSections.length > 0 ? ` ${w.cutSections.length} section(s) shown in part.` : '';
  return `<p class="notice" id="truncated" data-truncated="true">This change is too large for one page: sections ${w.offset + 1}–${w.offset + w.shown} of ${w.total} are shown; ${w.total - w.shown} more (${changed} changed: ${w.omitted.added} added, ${w.omitted.removed} removed, ${w.omitted.modified} modified) are not.${cut} ${links.join(' · ')}</p>`;
}

/** The redline: summary first, then every changed section marked, unchanged ones collapsed. */
export function renderChangesPage(input: ChangesPageInput): string {
  const { policyId, from, to, locale, diff } = input;
  const s = stringsFor(locale);
  const statusLabel = { added: s.added, removed: s.removed, modified: s.modified, unchanged: s.unchanged };
  const textByKey = new Map(input.newSections.map((sec) => [sec.key, sec.text]));
  const sectionTitle = (title: string, key: string) =>
    title ? title : key === 'preamble' ? s.preamble : key;
  const anchor = (i: number) => `s${i}`;

  const changed = diff.sections.map((sec, i) => ({ sec, i })).filter(({ sec }) => sec.status !== 'unchanged');
  const summaryText =
    to.summary[locale] ?? (locale === to.defaultLocale ? undefined : to.summary[to.defaultLocale]);
  const summary = `<section class="summary" aria-labelledby="summary-h">
<h2 id="summary-h">${escapeHtml(s.whatChanged)}</h2>
${summaryText ? `<p class="text">${escapeHtml((to.format ?? 'text') === 'markdown' ? plainText(summaryText) : summaryText)}</p>` : ''}
${
  changed.length > 0
    ? `<p><strong>${escapeHtml(s.changedSections)}:</strong></p><ul>${changed
        .map(
          ({ sec, i }) =>
            `<li><a href="#${anchor(i)}">${escapeHtml(sectionTitle(sec.title, sec.key))}</a> <span class="badge ${sec.status}">${escapeHtml(statusLabel[sec.status])}</span></li>`,
        )
        .join('')}</ul>`
    : `<p>${escapeHtml(diff.stats.formattingOnly ? s.formattingOnly : s.noChanges)}</p>`
}
<p class="meta">${escapeHtml(s.effectiveFrom)}: ${escapeHtml(formatDate(to.effectiveAt, locale))} · +${diff.stats.linesAdded} / −${diff.stats.linesRemoved}</p>
</section>`;

  const oldModel = modelOf(input.oldText, from);
  const newModel = modelOf(input.newText, to);
  const startLine = (model: DocumentModel | undefined, key: string | undefined) =>
    model?.sections.find((x) => x.key === key)?.fromLine ?? 0;
  const body = (ops: DiffOp[], sec: PolicyDiff['sections'][number]) => {
    if (oldModel === undefined && newModel === undefined) {
      return `<div class="text" lang="${escapeAttr(locale)}">${renderOps(ops)}</div>`;
    }
    const oldKey = sec.status === 'removed' ? sec.key : (sec.oldKey ?? sec.key);
    const html = renderBlockChanges(
      ops,
      oldModel,
      startLine(oldModel, oldKey),
      sec.status === 'removed' ? undefined : newModel,
      startLine(newModel, sec.key),
    );
    return `<div class="doc" lang="${escapeAttr(locale)}">${html}</div>`;
  };
  const sections = diff.sections
    .map((sec, i) => {
      const heading = `${escapeHtml(sectionTitle(sec.title, sec.key))} <span class="badge ${sec.status}">${escapeHtml(statusLabel[sec.status])}</span>${sec.formattingChanged ? ` <span class="badge">${escapeHtml(s.formattingChanged)}</span>` : ''}`;
      if (sec.status === 'unchanged') {
        const text = textByKey.get(sec.key) ?? '';
        return `<details id="${anchor(i)}"><summary>${heading}</summary>${body(text === '' ? [] : [{ op: 'equal', text }], sec)}</details>`;
      }
      return `<section class="change" id="${anchor(i)}"><h2 id="${escapeAttr(headingId(sec.key))}">${heading}</h2>${body(sec.changes ?? [], sec)}</section>`;
    })
    .join('\n');

  const header = `<p class="meta"><a href="${escapeAttr(policyPath(policyId))}">${escapeHtml(policyId)}</a></p>
<h1>${escapeHtml(s.changesTitle(from.version, to.version))} ${changeBadge(to, s)}</h1>
<p class="meta">${escapeHtml(s.policy)} “${escapeHtml(policyId)}” · <a href="${escapeAttr(versionPath(policyId, to.version, locale))}">${escapeHtml(s.fullText)} (${escapeHtml(s.version)} ${to.version})</a></p>
${languageSwitch(to.locales, locale, (l) => changesPath(policyId, from.version, to.version, l), s)}`;
  return layout({
    lang: locale,
    title: `${policyId} · ${s.changesTitle(from.version, to.version)}`,
    header,
    body: `${input.truncation ? truncationNotice(input.truncation) : ''}${summary}\n${sections}`,
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
<title>${xml(`${policyId} — ${s.version} ${r.version} (${r.change === 'material' ? s.material : s.minor})`)}</title>
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
<title>${xml(`${policyId}: revisions`)}</title>
<updated>${xml(updated)}</updated>
<author><name>${xml(args.author)}</name></author>
<link rel="self" type="application/atom+xml" href="${xml(`${baseUrl}${policyPath(policyId)}/feed.atom`)}"/>
<link rel="alternate" type="text/html" href="${xml(`${baseUrl}${policyPath(policyId)}`)}"/>
${entries}
</feed>
`;
}
