import MarkdownIt, { type MarkdownIt as MarkdownItInstance, type Token } from 'markdown-it';
import { lineStarts } from '../diff/lines';
import { lazy } from '../lazy';
import { keyMaker } from './plain';
import { headingId, matchHeading, normalizeTitle, PREAMBLE_KEY, slug } from './rules';
import type { DocBlock, DocSection, DocumentModel } from './types';

/** Longest bold-only line read as a heading (longer ones are emphasised sentences). */
const MAX_BOLD_HEADING = 150;

/** Level given to a bold-only heading line (below `###`, as converters use it for sub-headings). */
export const BOLD_HEADING_LEVEL = 4;

/**
 * The one CommonMark parser of the service: raw HTML off (it stays text), no typographic rewriting, and
 * markdown-it's link validation tightened so that no `data:` URL becomes a link either (the default
 * already refuses `javascript:`, `vbscript:` and `file:`).
 */
export function createMarkdownParser(): MarkdownItInstance {
  const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false });
  const validate = md.validateLink.bind(md);
  md.validateLink = (url: string) => validate(url) && !/^\s*data:/i.test(url);
  const normalize = md.normalizeLink.bind(md);
  md.normalizeLink = (url: string) => (isPlainWebUrl(url) ? url : normalize(url));
  usePlainInlineShortcut(md, useFastTokens(md));
  return md;
}

/**
 * Characters at which markdown-it's `text` inline rule stops to let another rule look (its
 * `isTerminatorChar`, markdown-it 15.0.3): line break, `!#$%&*+-:<=>@[\]^_\`{}~`.
 */
const INLINE_TERMINATOR = /[\n!#$%&*+\-:<=>@[\\\]^_`{}~]/;

/**
 * Inline content without any character an inline rule reacts to (a numbered heading, a plain sentence)
 * is one `text` token with the content as it is: the `text` rule takes it whole, no delimiter is left
 * for the post-processing rules. That token is pushed without building an inline state and running the
 * rules over it (`document.test.ts` compares the tokens with the stock parser's).
 */
function usePlainInlineShortcut(md: MarkdownItInstance, make: TokenMaker): void {
  const inline = md.inline as unknown as {
    parse(str: string, mdi: MarkdownItInstance, env: unknown, outTokens: Token[]): void;
  };
  const parse = inline.parse.bind(inline);
  inline.parse = (str, mdi, env, outTokens) => {
    if (str === '' || INLINE_TERMINATOR.test(str)) return parse(str, mdi, env, outTokens);
    const token = new make('text', '', 0);
    token.content = str;
    outTokens.push(token);
  };
}

/**
 * An `http(s)://` URL with an ASCII host of valid labels and nothing a browser would need escaped after
 * it: markdown-it's `normalizeLink` (mdurl parse, punycode of the host, percent-encoding of each part,
 * format) gives it back unchanged, so it is not run (its URL parse was a fifth of the parse of a text
 * full of links). `document.test.ts` compares both on such URLs and on ones just outside this pattern.
 */
const PLAIN_WEB_URL =
  /^https?:\/\/[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*(?:[/?#][A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]*)?$/;
/** Longest host mdurl keeps (`hostnameMaxLen`). */
const MAX_HOST = 255;

export function isPlainWebUrl(url: string): boolean {
  if (!PLAIN_WEB_URL.test(url)) return false;
  const hostStart = url.indexOf('//') + 2;
  let hostEnd = url.length;
  for (const c of '/?#') {
    const at = url.indexOf(c, hostStart);
    if (at !== -1 && at < hostEnd) hostEnd = at;
  }
  return hostEnd - hostStart <= MAX_HOST;
}

/**
 * markdown-it's `StateBlock` line tables (15.0.3): per line its start, end, indent in characters and in
 * columns (a tab to the next multiple of 4), then one entry for the end of the text. A last line of only
 * spaces and tabs without a line break is no line, as there. Exact, not a port of its loop: each line's
 * end is found with `indexOf`, only its leading white space is read (`document.test.ts` compares).
 */
export function scanBlockLines(
  state: {
    bMarks: ArrayLike<number>;
    eMarks: ArrayLike<number>;
    tShift: ArrayLike<number>;
    sCount: ArrayLike<number>;
    bsCount: ArrayLike<number>;
    lineMax: number;
  },
  s: string,
): void {
  const len = s.length;
  // Lines at most: one per line break, one after the last, one for the end.
  let most = 2;
  for (let at = s.indexOf('\n'); at !== -1; at = s.indexOf('\n', at + 1)) most++;
  // Typed tables, filled by index (pushing 5 × 100,000 numbers into growing arrays cost ~50 ms): the
  // rules only read and write entries of existing lines.
  const bMarks = new Int32Array(most);
  const eMarks = new Int32Array(most);
  const tShift = new Int32Array(most);
  const sCount = new Int32Array(most);
  let line = 0;
  for (let start = 0; start < len; ) {
    let pos = start;
    let indent = 0;
    let offset = 0;
    for (; pos < len; pos++) {
      const ch = s.charCodeAt(pos);
      if (ch === 0x20) offset++;
      else if (ch === 0x09) offset += 4 - (offset % 4);
      else break;
      indent++;
    }
    if (pos >= len) break;
    let end = s.indexOf('\n', pos);
    if (end === -1) end = len;
    bMarks[line] = start;
    eMarks[line] = end;
    tShift[line] = indent;
    sCount[line] = offset;
    line++;
    start = end + 1;
  }
  bMarks[line] = len;
  eMarks[line] = len;
  state.bMarks = bMarks.subarray(0, line + 1);
  state.eMarks = eMarks.subarray(0, line + 1);
  state.tShift = tShift.subarray(0, line + 1);
  state.sCount = sCount.subarray(0, line + 1);
  state.bsCount = new Int32Array(line + 1);
  state.lineMax = line;
}

type AnyToken = Token & Record<string, unknown>;
type Nesting = Token['nesting'];
type TokenMaker = new (type: string, tag: string, nesting: Nesting) => Token;

/**
 * markdown-it 15's `Token` constructor sets each field through a transpiled `defineProperty` helper:
 * with the garbage it makes, close to half of the parse of a large document of tiny blocks (a 2 MiB
 * text has half a million tokens). The parser's states — replaced per parser through their `State`
 * slots, markdown-it's documented extension points — build tokens with a plain constructor instead:
 * the same fields in the same order, the same prototype (`Token`'s methods, `instanceof Token`), so
 * rules, renderer and callers see the same tokens. `push`/`pushPending` mirror markdown-it 15.0.3
 * (pinned in package.json; `document.test.ts` compares the tokens with the stock parser's).
 */
function useFastTokens(md: MarkdownItInstance): TokenMaker {
  const TokenClass = (MarkdownIt as unknown as { Token: { prototype: object } }).Token;
  function FastToken(this: AnyToken, type: string, tag: string, nesting: Nesting) {
    this.map = null;
    this.level = 0;
    this.children = null;
    this.content = '';
    this.markup = '';
    this.info = '';
    this.block = false;
    this.hidden = false;
    this.type = type;
    this.tag = tag;
    this.attrs = null;
    this.nesting = nesting;
    this.meta = null;
  }
  FastToken.prototype = TokenClass.prototype;
  const make = FastToken as unknown as TokenMaker;
  type State = { tokens: Token[]; level: number; Token: unknown };
  const Core = md.core.State as unknown as new (...args: unknown[]) => State;
  md.core.State = class extends Core {
    constructor(...args: unknown[]) {
      super(...args);
      this.Token = make;
    }
  } as unknown as typeof md.core.State;
  // The block state: a plain constructor too (one per parse, but its line scan ran char by char in a
  // constructor too cold to be optimised: ~60–100 ms for 2 MiB). Same fields in the same order, the same
  // line tables (`StateBlock` of markdown-it 15.0.3), found line by line with `indexOf`.
  type BlockState = State & {
    bMarks: ArrayLike<number>;
    eMarks: ArrayLike<number>;
    tShift: ArrayLike<number>;
    sCount: ArrayLike<number>;
    bsCount: ArrayLike<number>;
    lineMax: number;
  };
  const Block = md.block.State as unknown as { prototype: object };
  const blockProto = Object.create(Block.prototype) as BlockState & {
    push(type: string, tag: string, nesting: Nesting): Token;
  };
  blockProto.push = function push(this: BlockState, type: string, tag: string, nesting: Nesting): Token {
    const token = new make(type, tag, nesting);
    token.block = true;
    if (nesting < 0) this.level--;
    token.level = this.level;
    if (nesting > 0) this.level++;
    this.tokens.push(token);
    return token;
  };
  function FastBlockState(
    this: BlockState & Record<string, unknown>,
    src: string,
    mdi: MarkdownItInstance,
    env: unknown,
    tokens: Token[],
  ) {
    this.bMarks = [];
    this.eMarks = [];
    this.tShift = [];
    this.sCount = [];
    this.bsCount = [];
    this.blkIndent = 0;
    this.line = 0;
    this.lineMax = 0;
    this.tight = false;
    this.listIndent = -1;
    this.parentType = 'root';
    this.level = 0;
    this.Token = make;
    this.src = src;
    this.md = mdi;
    this.env = env;
    this.tokens = tokens;
    scanBlockLines(this, src);
  }
  FastBlockState.prototype = blockProto;
  md.block.State = FastBlockState as unknown as typeof md.block.State;
  type InlineState = State & {
    push(type: string, tag: string, nesting: Nesting): Token;
    pushPending(): Token;
    pending: string;
    pendingLevel: number;
    delimiters: unknown[];
    _prev_delimiters: unknown[][];
    tokens_meta: unknown[];
  };
  // One inline state per block with inline content (a hundred thousand in a 2 MiB text of tiny
  // blocks): a plain constructor too, as its class fields go through the same helper. Same fields in
  // the same order, the stock prototype underneath (its methods, `instanceof`).
  const Inline = md.inline.State as unknown as { prototype: object };
  const inlineProto = Object.create(Inline.prototype) as InlineState;
  inlineProto.pushPending = function pushPending(this: InlineState): Token {
    const token = new make('text', '', 0);
    token.content = this.pending;
    token.level = this.pendingLevel;
    this.tokens.push(token);
    this.pending = '';
    return token;
  };
  inlineProto.push = function push(this: InlineState, type: string, tag: string, nesting: Nesting): Token {
    if (this.pending) this.pushPending();
    const token = new make(type, tag, nesting);
    let meta: { delimiters: unknown[] } | undefined;
    if (nesting < 0) {
      this.level--;
      this.delimiters = this._prev_delimiters.pop()!;
    }
    token.level = this.level;
    if (nesting > 0) {
      this.level++;
      this._prev_delimiters.push(this.delimiters);
      this.delimiters = [];
      meta = { delimiters: this.delimiters };
    }
    this.pendingLevel = this.level;
    this.tokens.push(token);
    this.tokens_meta.push(meta);
    return token;
  };
  function FastInlineState(
    this: InlineState & Record<string, unknown>,
    src: string,
    mdi: MarkdownItInstance,
    env: unknown,
    outTokens: Token[],
  ) {
    this.pos = 0;
    this.level = 0;
    this.pending = '';
    this.pendingLevel = 0;
    this.cache = {};
    this.backticks = {};
    this.backticksScanned = false;
    this.skipHtmlSpecial = false;
    this.linkLevel = 0;
    this.delimiters = [];
    this._prev_delimiters = [];
    this.Token = make;
    this.src = src;
    this.env = env;
    this.md = mdi;
    this.tokens = outTokens;
    this.tokens_meta = Array(outTokens.length);
    this.posMax = src.length;
  }
  FastInlineState.prototype = inlineProto;
  md.inline.State = FastInlineState as unknown as typeof md.inline.State;
  return make;
}

/** Built at the first parse: functions that never parse Markdown never build it (nor bundle markdown-it). */
const parser = /* @__PURE__ */ lazy(createMarkdownParser);

/**
 * The same parser without its core `inline` and `text_join` rules: block tokens only, each inline token's
 * children left empty. A model built from it parses each block's inline content while it reads that
 * block (`inlineChildren`), so those children die young instead of living, with every other token of
 * a large text, until the whole parse is read (a 2 MiB text of tiny blocks has hundreds of thousands).
 *
 * Its block tokens are handed over as they are made, one top-level block at a time (`streamBlocks`):
 * kept until the parse ends, the half million block tokens of such a text outlived the young generation
 * and cost more garbage collection than the parse itself.
 */
const blockParts = /* @__PURE__ */ lazy(() => {
  const blockParser = createMarkdownParser();
  blockParser.core.ruler.disable(['inline', 'text_join']);
  streamTopLevelBlocks(blockParser);
  /** markdown-it's `text_join` core rule (pinned 15.0.3), run on one inline token's children. */
  const textJoin = (
    blockParser.core.ruler as unknown as { __rules__: Array<{ name: string; fn: CoreRule }> }
  ).__rules__.find((r) => r.name === 'text_join')!.fn;
  return { blockParser, textJoin };
});
type CoreRule = (state: { tokens: Token[] }) => void;

/** Takes the tokens of one complete top-level block; false stops the parse after it. */
type BlockSink = (tokens: Token[]) => boolean;
/** The sink of the block parse in progress (parses are synchronous: one at a time). */
let blockSink: BlockSink | null = null;

type BlockRule = (state: BlockState, startLine: number, endLine: number, silent: boolean) => boolean;
type BlockState = { level: number; line: number; lineMax: number; tokens: Token[] };

/**
 * Wraps every block rule so that, once a rule has made a whole top-level block (called at nesting level
 * 0, not in the silent mode other rules use to test whether a line ends a paragraph), that block's tokens
 * go to the sink, leaving the state's token list empty. No block rule reads tokens made before its own
 * call (markdown-it 15.0.3: `list` indexes only from the length at its start), so the blocks are the
 * stock parser's, cut where one top-level block ends (`document.test.ts` compares them).
 */
function streamTopLevelBlocks(md: MarkdownItInstance): void {
  const ruler = md.block.ruler as unknown as {
    __rules__: Array<{ name: string; fn: BlockRule; alt: string[] }>;
    at(name: string, fn: BlockRule, options: { alt: string[] }): void;
  };
  for (const { name, fn, alt } of [...ruler.__rules__]) {
    const streamed: BlockRule = (state, startLine, endLine, silent) => {
      if (silent || state.level !== 0 || blockSink === null) return fn(state, startLine, endLine, silent);
      const ok = fn(state, startLine, endLine, silent);
      if (ok && state.tokens.length > 0) {
        const block = withoutReferences(state.tokens.splice(0));
        if (block.length > 0 && !blockSink(block)) state.line = state.lineMax;
      }
      return ok;
    };
    ruler.at(name, streamed, { alt: [...alt] });
  }
}

/**
 * The tokens without the hidden `reference_definition` ones, which the core `strip_references` rule
 * removes after the block parse (a definition is in `env.references`, not in the tokens).
 */
function withoutReferences(tokens: Token[]): Token[] {
  for (const t of tokens)
    if (t.type === 'reference_definition')
      return tokens.filter((x) => x !== t && x.type !== 'reference_definition');
  return tokens;
}

/**
 * Block-parses `source`, giving each top-level block's tokens to `sink` as soon as it is parsed (inline
 * tokens without children); stops after a block for which `sink` returns false. `env` collects the link
 * reference definitions, as markdown-it's `parse` does.
 */
export function streamBlocks(source: string, env: ParserEnv, sink: BlockSink): void {
  const { blockParser } = blockParts();
  const outer = blockSink;
  blockSink = sink;
  try {
    // Whatever no top-level rule handed over (nothing, as every block is one).
    const rest = blockParser.parse(source, env);
    if (rest.length > 0) sink(rest);
  } finally {
    blockSink = outer;
  }
}

/**
 * The environment a block-by-block read of `source` needs for inline content: the link reference
 * definitions of the whole text, which a block may use before they are defined. A definition needs
 * `]:` on one line, so a text without it has none and needs no first pass.
 */
function referencesOf(source: string): ParserEnv {
  const env: ParserEnv = {};
  if (source.includes(']:')) streamBlocks(source, env, () => true);
  return env;
}

/** What the core `inline` and `text_join` rules make of one inline token's children. */
function inlineChildren(inline: Token, env: ParserEnv): Token[] {
  if (inline.content === '') return [];
  const { blockParser, textJoin } = blockParts();
  const children: Token[] = [];
  blockParser.inline.parse(inline.content, blockParser, env, children);
  textJoin({ tokens: [{ type: 'inline', children } as Token] });
  return children;
}

/** The plain text a reader sees of an inline token's children (links by their text, images by alt). */
export function inlineText(children: readonly Token[] | null): string {
  if (children === null) return '';
  let out = '';
  for (const t of children) {
    switch (t.type) {
      case 'text':
      case 'code_inline':
      case 'text_special':
        out += t.content;
        break;
      case 'softbreak':
        out += ' ';
        break;
      case 'hardbreak':
        out += '\n';
        break;
      case 'image':
        out += inlineText(t.children);
        break;
      default:
        break;
    }
  }
  return out;
}

/** Whether an inline is one bold span and nothing else (`**4.1 Title**`), i.e. a heading-like line. */
function isBoldOnly(children: readonly Token[] | null): boolean {
  if (children === null) return false;
  let from = 0;
  let to = children.length;
  const blankText = (t: Token | undefined) => t !== undefined && t.type === 'text' && t.content.trim() === '';
  while (from < to && blankText(children[from])) from++;
  while (to > from && blankText(children[to - 1])) to--;
  if (to - from < 3) return false;
  const first = children[from]!;
  const last = children[to - 1]!;
  if (first.type !== 'strong_open' || last.type !== 'strong_close') return false;
  // The opening span must be the one that closes last (not `**a** and **b**`), and stay on one line.
  let depth = 0;
  for (let k = from; k < to; k++) {
    const t = children[k]!;
    if (t.type === 'softbreak' || t.type === 'hardbreak') return false;
    if (t.type === 'strong_open') depth++;
    else if (t.type === 'strong_close' && --depth === 0 && k !== to - 1) return false;
  }
  return true;
}

function looksLikeBoldHeading(text: string): boolean {
  if (text === '' || text.length > MAX_BOLD_HEADING || !/\p{L}/u.test(text)) return false;
  // A bold sentence is emphasis, unless it is numbered like a heading (`**4.1 Scope.**`).
  return !/[.;,!?]$/u.test(text) || matchHeading(text, false) !== null;
}

/**
 * Parses Markdown once into the reader text, its blocks and its sections (see `DocumentModel`).
 *
 * Sections start at every heading the parser finds (ATX `#` and setext `===`/`---`, at any nesting) and
 * at every top-level paragraph that is only bold text and looks like a heading. A heading's plain text
 * is read against the numbering families (`## 4.1 Cookies` and `**4.1 Cookies**` are both key `4.1`,
 * title `Cookies`), else keyed by a slug of its text. Lists are list tokens, so numbered items never
 * become sections.
 */
export function parseMarkdown(source: string): DocumentModel {
  return extract(source, 'model').model;
}

/** `parseMarkdown` with the parser's tokens of that parse (as `markdownTokens` gives them). */
export function parseMarkdownWithTokens(source: string): { model: DocumentModel; tokens: Token[] } {
  return extract(source);
}

/**
 * The parser's tokens of a Markdown model's source, as the model read them (heading tokens carry their
 * section's id): a new parse each call, for rendering the whole document (the model does not keep them).
 */
export function markdownTokens(model: DocumentModel): Token[] {
  return extract(model.source, 'tokens', undefined, model.references).tokens;
}

/**
 * The tokens `markdownTokens` gives, handed to `onBlock` one top-level block at a time as they are parsed
 * (so they die young), until it answers false; the text after that block is not parsed. A heading token
 * (a parser heading or a bold heading line) carries its heading's index in `meta.heading`: the index of
 * its section among the model's sections with a heading.
 */
export function streamMarkdownTokens(model: DocumentModel, onBlock: (tokens: Token[]) => boolean): void {
  extract(model.source, 'render', onBlock, model.references);
}

/** A block's inline content as the parser's inline tokens (empty for a block without any). */
export function inlineTokens(model: DocumentModel, block: DocBlock): Token[] {
  if (block.inline === null) return [];
  const env = (model.references === null ? {} : { references: model.references }) as ParserEnv;
  return parser().parseInline(block.inline, env)[0]?.children ?? [];
}

type ParserEnv = NonNullable<Parameters<MarkdownItInstance['parse']>[1]>;

/**
 * How `extract` reads the text, always block by block (`streamBlocks`), each block's inline content parsed
 * as it is read: `model` drops the tokens; `tokens` keeps them all (children attached, heading ids set);
 * `render` hands each top-level block's tokens (children attached, heading tokens marked with their
 * heading's index in `meta.heading`) to `onBlock` and stops when it answers false.
 */
type ExtractMode = 'model' | 'tokens' | 'render';

function extract(
  source: string,
  mode: ExtractMode = 'tokens',
  onBlock?: (tokens: Token[]) => boolean,
  /** The text's link reference definitions when known (a model's), else read in a first pass. */
  references?: Record<string, unknown> | null,
): { model: DocumentModel; tokens: Token[] } {
  const env =
    references === undefined
      ? referencesOf(source)
      : ((references === null ? {} : { references: { ...references } }) as ParserEnv);
  const keepTokens = mode !== 'model';
  /** An inline token's children, parsed now (see `blockParts`); kept on the token unless only the model is read. */
  const childrenOf = keepTokens
    ? (t: Token) => {
        if (t.children === null || t.children.length === 0) t.children = inlineChildren(t, env);
        return t.children;
      }
    : (t: Token) => inlineChildren(t, env);
  const srcStarts = lineStarts(source);
  const srcOffset = (line: number) => srcStarts[Math.min(line, srcStarts.length - 1)]!;
  const lines: string[] = [];
  const blocks: DocBlock[] = [];
  const headingAt: Array<{ block: number; key: string; title: string; srcLine: number }> = [];
  let parserHeadings = 0;
  let listDepth = 0;
  let quoteDepth = 0;
  let itemPending = false;
  let itemPrefix = '';
  const ordinals: number[] = [];
  const push = (block: Omit<DocBlock, 'line' | 'lines'>, text: string) => {
    const line = lines.length;
    if (text.includes('\n')) for (const part of text.split('\n')) lines.push(part.trimEnd());
    else lines.push(text.trimEnd());
    // Built field by field (one object shape; a spread here was a fifth of a large document's parse).
    const out: DocBlock = {
      kind: block.kind,
      level: block.level,
      quote: block.quote,
      line,
      lines: lines.length - line,
      inline: block.inline,
    };
    if (block.header !== undefined) out.header = block.header;
    blocks.push(out);
  };
  const addHeading = (openToken: Token, text: string, srcLine: number, level: number, inline: string) => {
    const m = matchHeading(text, false);
    headingAt.push({
      block: blocks.length,
      key: m?.key ?? slug(text),
      title: m?.title ?? text.trim(),
      srcLine,
    });
    push({ kind: 'heading', level, quote: quoteDepth, inline }, text.replace(/\n/g, ' ').trim());
    // The id is set later, once the key is unique.
    if (keepTokens) openToken.meta = { ...(openToken.meta ?? {}), heading: headingAt.length - 1 };
  };

  /** Reads a run of whole blocks (the whole text, or one top-level block). */
  const read = (tokens: Token[]) => {
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      switch (t.type) {
        case 'bullet_list_open':
          listDepth++;
          ordinals.push(-1);
          break;
        case 'ordered_list_open':
          listDepth++;
          ordinals.push(Number(t.attrGet('start') ?? 1));
          break;
        case 'bullet_list_close':
        case 'ordered_list_close':
          listDepth--;
          ordinals.pop();
          break;
        case 'blockquote_open':
          quoteDepth++;
          break;
        case 'blockquote_close':
          quoteDepth--;
          break;
        case 'list_item_open': {
          itemPending = true;
          // A numbered item reads with its number, as rendered (`1. Scope`), so `1\. Scope` written as a
          // paragraph and `1. Scope` written as a list read the same; bullets are markup.
          const n = ordinals[ordinals.length - 1] ?? -1;
          itemPrefix = n >= 0 ? `${n}${t.markup || '.'} ` : '';
          if (n >= 0) ordinals[ordinals.length - 1] = n + 1;
          break;
        }
        case 'heading_open': {
          parserHeadings++;
          const inline = tokens[k + 1]!;
          addHeading(
            t,
            inlineText(childrenOf(inline)),
            t.map?.[0] ?? 0,
            Number(t.tag.slice(1)),
            inline.content,
          );
          k += 2;
          break;
        }
        case 'paragraph_open': {
          const inline = tokens[k + 1]!;
          const children = childrenOf(inline);
          const text = inlineText(children).trim();
          const item = itemPending;
          itemPending = false;
          k += 2;
          if (text === '') break;
          if (!item && listDepth === 0 && quoteDepth === 0 && isBoldOnly(children)) {
            if (looksLikeBoldHeading(text)) {
              addHeading(t, text, t.map?.[0] ?? 0, BOLD_HEADING_LEVEL, inline.content);
              break;
            }
          }
          push(
            {
              kind: item ? 'item' : 'paragraph',
              level: listDepth,
              quote: quoteDepth,
              inline: inline.content,
            },
            item ? itemPrefix + text : text,
          );
          break;
        }
        case 'fence':
        case 'code_block': {
          const text = t.content.replace(/\n$/, '');
          if (text.trim() !== '')
            push({ kind: 'code', level: listDepth, quote: quoteDepth, inline: null }, text);
          itemPending = false;
          break;
        }
        case 'tr_open': {
          const cells: string[] = [];
          let header = false;
          let j = k + 1;
          for (; j < tokens.length && tokens[j]!.type !== 'tr_close'; j++) {
            const c = tokens[j]!;
            if (c.type === 'th_open') header = true;
            if (c.type === 'inline') cells.push(inlineText(childrenOf(c)).replace(/\n/g, ' ').trim());
          }
          const text = cells.join(' | ');
          if (text.replace(/[ |]/g, '') !== '')
            push({ kind: 'row', level: listDepth, quote: quoteDepth, inline: null, header }, text);
          k = j;
          break;
        }
        default:
          break;
      }
    }
    return true;
  };
  const tokens: Token[] = [];
  streamBlocks(source, env, (block) => {
    read(block);
    // Table cells are read by `inlineText` too; a cell's inline content is rendered, so parse the rest.
    if (keepTokens) for (const t of block) if (t.type === 'inline') childrenOf(t);
    if (mode === 'render') return onBlock!(block);
    if (mode === 'tokens') for (const t of block) tokens.push(t);
    return true;
  });

  const reader = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  const readerStarts = lineStarts(reader);
  const lineCount = readerStarts.length - 1;
  const blankLine = (l: number) => readerStarts[l + 1]! - readerStarts[l]! <= 1;
  const content = (from: number, to: number) => {
    while (from < to && blankLine(from)) from++;
    while (to > from && blankLine(to - 1)) to--;
    return [from, to] as const;
  };
  const sections: DocSection[] = [];
  const headingIds: string[] = [];
  const uniqueKey = keyMaker();
  const firstLine = headingAt.length > 0 ? blocks[headingAt[0]!.block]!.line : lineCount;
  if (firstLine > 0 || (headingAt.length === 0 && source.trim() !== '')) {
    const [contentFrom, contentTo] = content(0, firstLine);
    sections.push({
      key: uniqueKey(PREAMBLE_KEY),
      title: contentFrom < contentTo ? lines[contentFrom]!.trim() : '',
      heading: null,
      rawTitle: '',
      fromLine: 0,
      toLine: firstLine,
      contentFrom,
      contentTo,
      srcFrom: 0,
      srcTo: headingAt.length > 0 ? srcOffset(headingAt[0]!.srcLine) : source.length,
    });
  }
  for (let h = 0; h < headingAt.length; h++) {
    const { block, key, title, srcLine } = headingAt[h]!;
    const fromLine = blocks[block]!.line;
    const next = headingAt[h + 1];
    const toLine = next !== undefined ? blocks[next.block]!.line : lineCount;
    const [contentFrom, contentTo] = content(fromLine + 1, toLine);
    const unique = uniqueKey(key);
    sections.push({
      key: unique,
      title,
      heading: lines[fromLine]!,
      rawTitle: normalizeTitle(title),
      fromLine,
      toLine,
      contentFrom,
      contentTo,
      srcFrom: srcOffset(srcLine),
      srcTo: next !== undefined ? srcOffset(next.srcLine) : source.length,
    });
    if (keepTokens) headingIds[h] = headingId(unique);
  }
  if (keepTokens) {
    for (const t of tokens) {
      const h = (t.meta as { heading?: number } | null)?.heading;
      if (h !== undefined) t.attrSet('id', headingIds[h]!);
    }
  }
  const model: DocumentModel = {
    format: 'markdown',
    source,
    reader,
    readerStarts,
    sections,
    blocks,
    references: env.references ?? null,
    parserHeadings,
  };
  return { model, tokens };
}
