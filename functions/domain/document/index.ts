/**
 * The document model: one parse of a policy text gives its structure (sections, blocks) and its word
 * extraction (the reader text the diff runs on). The parser's tokens are not kept: rendering the whole
 * text parses it again, block by block (`streamMarkdownTokens`), a block's inline content alone
 * (`inlineTokens`). Pure, no I/O.
 */
import { lineStarts } from '../diff/lines';
import { lazy } from '../lazy';
import { createMarkdownParser, inlineText, parseMarkdown } from './markdown';
import { plainSections } from './plain';
import type { DocumentFormat, DocumentModel } from './types';

export { createMarkdownParser, inlineTokens, markdownTokens, streamMarkdownTokens } from './markdown';
export {
  HEADING_FAMILIES,
  type HeadingFamily,
  headingId,
  MAX_HEADING_LENGTH,
  matchHeading,
  normalizeTitle,
  PREAMBLE_KEY,
  slug,
} from './rules';
export type { BlockKind, DocBlock, DocSection, DocumentFormat, DocumentModel } from './types';
export { DOCUMENT_FORMATS } from './types';

/**
 * Parses a (normalised) policy text. `markdown`: CommonMark (markdown-it, raw HTML off, GFM tables);
 * `text`: lines as written, sections from the numbering families.
 */
export function parseDocument(
  text: string,
  format: DocumentFormat,
  /** The text's line starts when the caller has them (`lineStarts`). */
  knownStarts?: Int32Array,
): DocumentModel {
  if (format === 'markdown') return parseMarkdown(text);
  const starts = knownStarts ?? lineStarts(text);
  return {
    format: 'text',
    source: text,
    reader: text,
    readerStarts: starts,
    sections: plainSections(text, starts),
    blocks: [],
    references: null,
    parserHeadings: 0,
  };
}

/**
 * Recently parsed documents. A revision's text never changes (it is content-addressed), so the parse of
 * a text is reused as long as it is in this small cache: a warm function diffing v4→v5 after v3→v4
 * parses v5 only. Bounded by entries and by total characters.
 */
const CACHE_ENTRIES = 8;
const CACHE_CHARS = 8 * 1024 * 1024;
/** Keyed by the text itself (one map per format), so a hit costs a hash lookup, not a copy of the text. */
const caches: Record<DocumentFormat, Map<string, DocumentModel>> = { markdown: new Map(), text: new Map() };
/** Every cached entry, least recently used first (for eviction across both formats). */
const order = new Map<DocumentModel, true>();
let cachedChars = 0;

/** The model of `text` in `format` when it is in the parse cache (no parse otherwise). */
export function cachedDocumentModel(text: string, format: DocumentFormat): DocumentModel | undefined {
  return caches[format].get(text);
}

/** The cached model of `text`, marked as the most recently used (undefined when not cached). */
function cacheHit(text: string, format: DocumentFormat): DocumentModel | undefined {
  const hit = caches[format].get(text);
  if (hit !== undefined) {
    order.delete(hit);
    order.set(hit, true);
  }
  return hit;
}

/** `parseDocument`, memoised for recently seen texts (see above). Callers must not mutate the model. */
export function documentModel(text: string, format: DocumentFormat, starts?: Int32Array): DocumentModel {
  return cacheHit(text, format) ?? remember(text, parseDocument(text, format, starts));
}

function remember(text: string, model: DocumentModel): DocumentModel {
  const cache = caches[model.format];
  if (text.length <= CACHE_CHARS / 2) {
    cache.set(text, model);
    order.set(model, true);
    cachedChars += text.length;
    for (const old of order.keys()) {
      if (order.size <= CACHE_ENTRIES && cachedChars <= CACHE_CHARS) break;
      order.delete(old);
      caches[old.format].delete(old.source);
      cachedChars -= old.source.length;
    }
  }
  return model;
}

/** Built at the first use (see `lazy`). */
const inlineParser = /* @__PURE__ */ lazy(createMarkdownParser);

/**
 * A one-line Markdown text (a title, a summary) as plain text: emphasis, code spans, links (their text
 * kept) and escapes resolved, entities decoded, raw HTML kept as the text it is. For emails and JSON.
 */
export function plainText(markdownInline: string): string {
  const tokens = inlineParser().parseInline(markdownInline, {});
  return tokens
    .map((t: { children: Parameters<typeof inlineText>[0] }) => inlineText(t.children))
    .join('')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}
