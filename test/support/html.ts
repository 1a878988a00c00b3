/**
 * A small reader of the pages' own HTML for HTTP-level tests: start tags with their attributes, an
 * element's text by id. The pages quote every attribute value and escape `&<>"'` (views/html.ts), which
 * is all this relies on; browser tests check the same pages in a real DOM.
 */
export interface StartTag {
  name: string;
  attrs: Record<string, string>;
  /** Offset of the tag's `<` in the document. */
  at: number;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
export const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => entities[e]!);

export function startTags(html: string): StartTag[] {
  const tags: StartTag[] = [];
  for (const m of html.matchAll(
    /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][\w:.-]*(?:="[^"]*")?)*)\s*\/?>/g,
  )) {
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([a-zA-Z_:][\w:.-]*)(?:="([^"]*)")?/g)) attrs[a[1]!] = decode(a[2] ?? '');
    tags.push({ name: m[1]!.toLowerCase(), attrs, at: m.index! });
  }
  return tags;
}

/** Every `id` of the document, in order (repeats kept, so that a test can see them). */
export const idsOf = (html: string) =>
  startTags(html).flatMap((t) => (t.attrs.id === undefined ? [] : [t.attrs.id]));

/** The text of the element with this id (up to its first closing tag of the same name; tags stripped). */
export function textOf(html: string, id: string): string | undefined {
  const tag = startTags(html).find((t) => t.attrs.id === id);
  if (tag === undefined) return undefined;
  const end = html.indexOf(`</${tag.name}>`, tag.at);
  const inner = html.slice(html.indexOf('>', tag.at) + 1, end === -1 ? undefined : end);
  return decode(inner.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The HTML between the start tag with this id and its first closing tag of the same name. */
export function innerHtmlOf(html: string, id: string): string | undefined {
  const tag = startTags(html).find((t) => t.attrs.id === id);
  if (tag === undefined) return undefined;
  const end = html.indexOf(`</${tag.name}>`, tag.at);
  return html.slice(html.indexOf('>', tag.at) + 1, end === -1 ? undefined : end);
}
