/**
 * HTML building blocks for the public pages. Everything that is not a literal of this file goes
 * through `escapeHtml` (text) or `escapeAttr` (attribute values): policy text, titles, summaries, ids.
 */
const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: string | number) => String(value).replace(/[&<>"']/g, (c) => entities[c]!);
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
.badge { display: inline-block; font-size: .75rem; font-weight: 600; padding: .05rem .45rem; border-radius: .6rem; border: 1px solid currentColor; vertical-align: middle; }
.badge.material, .badge.removed { color: var(--del-ink); }
.badge.minor, .badge.unchanged { color: var(--muted); }
.badge.added { color: var(--ins-ink); }
.badge.modified { color: var(--accent); }
nav.langs a, nav.langs strong { margin-right: .75rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.summary { background: #f5f7fa; border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; }
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
}): string {
  return `<!doctype html>
<html lang="${escapeAttr(args.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(args.title)}</title>
<style>${styles}</style>
</head>
<body>
<header>${args.header}</header>
<main>${args.body}</main>
<footer class="meta">${args.footer ?? ''}</footer>
</body>
</html>
`;
}
