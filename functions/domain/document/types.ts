export type DocumentFormat = 'markdown' | 'text';

export const DOCUMENT_FORMATS = ['markdown', 'text'] as const satisfies readonly DocumentFormat[];

/**
 * One section of a document, in reader-text coordinates (see `DocumentModel.reader`) plus the source
 * range it came from.
 */
export interface DocSection {
  /** Stable, unique within the document: the number when numbered, else a slug of the title. */
  key: string;
  /** Plain-text title (no markup, no number); for the preamble its first line. */
  title: string;
  /** The heading line as a reader sees it (no line break), or null for the preamble. */
  heading: string | null;
  /** Title as compared between versions (`normalizeTitle`): alignment ignores case and punctuation. */
  rawTitle: string;
  /** Reader lines of the whole section (heading included), end exclusive. */
  fromLine: number;
  toLine: number;
  /** Reader lines of the body without its leading and trailing blank lines. */
  contentFrom: number;
  contentTo: number;
  /** Source offsets of the section (for Markdown: from its heading's first line to the next heading). */
  srcFrom: number;
  srcTo: number;
}

export type BlockKind = 'heading' | 'paragraph' | 'item' | 'row' | 'code' | 'rule';

/** A block of a Markdown document: one or more reader lines rendered by one element. */
export interface DocBlock {
  kind: BlockKind;
  /** Heading level (1–6; bold heading lines count as 4), list nesting depth, or 0. */
  level: number;
  /** Blockquote nesting depth. */
  quote: number;
  /** First reader line and number of reader lines. */
  line: number;
  lines: number;
  /**
   * The source of the block's inline content (a heading, paragraph or list item; null for code and table
   * rows), as the parser read it: `inlineTokens` gives its formatted tokens back on demand.
   */
  inline: string | null;
  /** For a table row: whether it is a header row. */
  header?: boolean;
}

export interface DocumentModel {
  format: DocumentFormat;
  /** The (normalised) source text. */
  source: string;
  /**
   * The text as a reader sees it: Markdown markup resolved (inline markup, list markers, heading syntax
   * and escapes gone, entities decoded), one line per block; for plain text the source itself. Diffs run
   * on it.
   */
  reader: string;
  readerStarts: Int32Array;
  sections: DocSection[];
  /** Markdown only: the blocks in reader order (line → element when rendering a redline). */
  blocks: DocBlock[];
  /**
   * Markdown only: the link reference definitions the parser found (markdown-it's `env.references`), so
   * a block's inline content parses again exactly as it did in the document. The parser's tokens are not
   * kept (half a million objects for a 2 MiB text of tiny blocks, which every later garbage collection
   * would have to trace): rendering parses the source again, block by block (`streamMarkdownTokens`).
   */
  references: Record<string, unknown> | null;
  /** Markdown only: how many headings the parser itself found. */
  parserHeadings: number;
}
