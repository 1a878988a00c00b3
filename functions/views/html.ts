/**
 * HTML building blocks for the public pages. Everything that is not a literal of this file goes
 * through `escapeHtml` (text) or `escapeAttr` (attribute values): policy text, titles, summaries, ids.
 */
import { escapeHtml } from '../domain/escape';

export { escapeHtml };
export const escapeAttr = escapeHtml;

/** Pages run no script at all; styles are inline. A policy text cannot smuggle anything past this. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const pageHeaders = {
  'content-security-policy': PAGE_CSP,
  'cache-control': 'public, max-age=60',
  'x-frame-options': 'DENY',
};

const styles = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b636e; --line: #d9dde3; --ins: #dcf5e3; --ins-ink: #0b5d26; --del: #fde2e1; --del-ink: #8e1a12; --accent: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: #fff; }
header, main, footer { max-width: 52rem; margin: 0 auto; padding: 1rem 1.25rem; }
header { border-bottom: 1px solid var(--line); }
h1 { font-size: 1.5rem; line-height: 1.3; margin: .25rem 0; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
.meta { color: var(--muted); font-size: .9rem; margin: .25rem 0; }
footer { color: var(--muted); font-size: .9rem; border-top: 1px solid var(--line); }
footer:empty { display: none; }
.vh { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
nav.toc ul { margin: .25rem 0; padding-left: 1.25rem; }
nav.toc li { margin: .1rem 0; }
nav.toc li.d2 { margin-left: 1.25rem; list-style-type: circle; } nav.toc li.d3, nav.toc li.d4 { margin-left: 2.5rem; list-style-type: circle; }
.step { font-size: .9rem; margin: .75rem 0 .25rem; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
.legend { font-size: .9rem; }
.notice.old { border-left-color: var(--del-ink); background: var(--del); }
.notice.lang { border-left-color: var(--muted); background: #f5f7fa; }
.error h1 { font-size: 1.5rem; }
article.plain > h2 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; padding: .05rem .45rem; border-radius: .6rem; border: 1px solid currentColor; vertical-align: middle; }
.badge.material, .badge.removed { color: var(--del-ink); }
.badge.minor, .badge.unchanged { color: var(--muted); }
.badge.added { color: var(--ins-ink); }
.badge.modified { color: var(--accent); }
nav.langs a, nav.langs strong { margin-right: .75rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.doc { overflow-wrap: anywhere; }
.doc table { border-collapse: collapse; display: block; overflow-x: auto; }
.doc th, .doc td { border: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; text-align: left; }
.doc blockquote, .doc .md-q { border-left: 3px solid var(--line); margin-left: 0; padding-left: .75rem; color: var(--muted); }
.doc pre, .doc .md-code { white-space: pre-wrap; background: #f5f7fa; padding: .5rem; border-radius: .25rem; }
.doc p { margin: .5rem 0; }
.doc .md-h { font-weight: 700; margin-top: 1rem; }
.doc .md-h1, .doc .md-h2 { font-size: 1.1rem; }
.doc .md-li { margin: .2rem 0 .2rem 1.25rem; position: relative; }
.doc .md-li::before { content: "•"; position: absolute; left: -.9rem; color: var(--muted); }
.doc .md-d2 { margin-left: 2.5rem; } .doc .md-d3 { margin-left: 3.75rem; } .doc .md-d4, .doc .md-d5, .doc .md-d6 { margin-left: 5rem; }
.doc .md-tr { margin: 0; padding: .2rem .4rem; border-bottom: 1px solid var(--line); }
.doc .md-th { font-weight: 600; }
.doc .md-gone { background: var(--del); }
.summary { background: #f5f7fa; border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin-bottom: 1rem; }
.summary > h2 { margin-top: .25rem; }
section.change { border-top: 1px solid var(--line); padding-top: .5rem; }
ins { background: var(--ins); color: var(--ins-ink); text-decoration: underline; }
del { background: var(--del); color: var(--del-ink); text-decoration: line-through; }
details { border-top: 1px solid var(--line); padding: .4rem 0; }
details > summary { cursor: pointer; color: var(--muted); }
table.history { border-collapse: collapse; width: 100%; font-size: .95rem; }
table.history th, table.history td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
.notice { border-left: 4px solid var(--accent); padding: .25rem .75rem; background: #eef4ff; }
code { font-size: .85rem; overflow-wrap: anywhere; }
@media (max-width: 40rem) { body { font-size: 15px; } header, main, footer { padding: .75rem; } table.history .hash { display: none; } }
@media print {
  nav, details, .noprint { display: none !important; }
  body { font-size: 11pt; }
  ins { background: none; font-weight: 600; }
  del { background: none; }
  a { color: inherit; text-decoration: none; }
}`;

export function layout(args: {
  lang: string;
  title: string;
  header: string;
  body: string;
  footer?: string;
  /** An Atom feed to announce (`<link rel="alternate" type="application/atom+xml">`). */
  feed?: { href: string; title: string };
}): string {
  const feed = args.feed
    ? `\n<link rel="alternate" type="application/atom+xml" href="${escapeAttr(args.feed.href)}" title="${escapeAttr(args.feed.title)}">`
    : '';
  return `<!doctype html>
<html lang="${escapeAttr(args.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(args.title)}</title>${feed}
<style>${styles}</style>
</head>
<body>
<header>${args.header}</header>
<main>${args.body}</main>
<footer>${args.footer ?? ''}</footer>
</body>
</html>
`;
}
