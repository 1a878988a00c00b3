/**
 * The error page of the page routes (`route.page`), shared by every function's HTTP adapter: kept free of
 * the pages' renderer (Markdown parser, diff) so that it adds almost nothing to a function's bundle.
 */
import { escapeAttr, escapeHtml, layout } from './html';
import { stringsFor } from './strings';

const policyPath = (policyId: string) => `/p/${encodeURIComponent(policyId)}`;

/** A page for a failed request to a page route, in the page's language and style (status kept). */
export function renderErrorPage(args: {
  status: number;
  message: string;
  /** A language the pages speak (`pickUiLanguage`). */
  locale: string;
  /** The policy the address names, when it exists: a link back to its current text. */
  policyId?: string;
}): string {
  const { status, locale, policyId } = args;
  const s = stringsFor(locale);
  const [title, text] =
    status === 404
      ? [s.notFoundTitle, s.notFoundText]
      : status >= 400 && status < 500
        ? [s.badRequestTitle, s.badRequestText]
        : [s.errorTitle, s.errorText];
  const header = `${policyId === undefined ? '' : `<p class="meta"><a href="${escapeAttr(policyPath(policyId))}">${escapeHtml(policyId)}</a></p>\n`}<h1>${escapeHtml(title)} <span class="badge">${status}</span></h1>`;
  const body = `<div class="error" data-status="${status}">
<p>${escapeHtml(text)}</p>
${policyId === undefined ? '' : `<p><a href="${escapeAttr(policyPath(policyId))}">${escapeHtml(s.policyHome)}</a></p>`}
<p class="meta">${escapeHtml(s.errorDetails)}: <span lang="en">${escapeHtml(args.message)}</span></p>
</div>`;
  return layout({
    lang: locale,
    title: `${status} · ${title}`,
    header,
    body,
    ...(policyId === undefined ? {} : { feed: { href: `${policyPath(policyId)}/feed.atom`, title: s.feed } }),
  });
}
