/**
 * Markdown to HTML from the document model's one parse (its markdown-it tokens), safely:
 * - raw HTML never reaches the page (the parser runs with `html: false`, so it is text, escaped);
 * - `javascript:`, `vbscript:`, `file:` and `data:` links and images are never made (see
 *   `createMarkdownParser`), and every link gets `rel="nofollow noopener noreferrer"`;
 * - headings carry their section key as `id` (set by the parser), so emails and tables of contents link
 *   to them;
 * - no style or script attribute can come from the text; the page CSP stays strict.
 */
import type { DiffOp } from '../domain/diff';
import {
  createMarkdownParser,
  type DocBlock,
  type DocSection,
  type DocumentModel,
  headingId,
  inlineTokens,
  streamMarkdownTokens,
} from '../domain/document';
import { lazy } from '../domain/lazy';
import { escapeHtml } from './html';

type Token = ReturnType<ReturnType<typeof createMarkdownParser>['parse']>[number];

/**
 * Ids made unique in order: the first of equal ids keeps it, a repeat gets `-2`, `-3`, … (skipping any id
 * the list holds anyway). Section keys are unique, but two keys can map to one id (`a#2` and `a-2` are
 * both `s-a-2`).
 */
export function uniqueIds(ids: readonly string[]): string[] {
  const taken = new Set(ids);
  const used = new Set<string>();
  return ids.map((id) => {
    let out = id;
    for (let n = 2; used.has(out); n++) {
      out = `${id}-${n}`;
      if (taken.has(out)) out = id;
    }
    used.add(out);
    return out;
  });
}

/** `sectionIds` by sections array (a model's never changes): a page and its rendering share them. */
const idsOf = new WeakMap<readonly object[], Map<string, string>>();

/**
 * The `id` of each headed section's heading, by key (the preamble has none): the section key as an id.
 * Computed once per sections array; callers must not mutate the array or the map.
 */
export function sectionIds(sections: readonly Pick<DocSection, 'key' | 'heading'>[]): Map<string, string> {
  let ids = idsOf.get(sections);
  if (ids === undefined) {
    ids = computeSectionIds(sections);
    idsOf.set(sections, ids);
  }
  return ids;
}

function computeSectionIds(sections: readonly Pick<DocSection, 'key' | 'heading'>[]): Map<string, string> {
  const headed = sections.filter((sec) => sec.heading !== null);
  const ids = uniqueIds(headed.map((sec) => headingId(sec.key)));
  return new Map(headed.map((sec, i) => [sec.key, ids[i]!]));
}

type RenderEnv = Record<string, unknown>;

/**
 * The renderer: the service's parser with safe links (heading ids are set on the tokens). Built at the first
 * render (`lazy`), so that the routes which render no Markdown never build it.
 */
const renderer = /* @__PURE__ */ lazy(() => {
  const md = createMarkdownParser();
  const defaultLinkOpen =
    md.renderer.rules.link_open ??
    ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
});

/**
 * Documents rendered lately, by model (a model never changes, nor does its HTML): a warm function showing
 * the same text again neither re-parses nor re-renders it. Weak, so an entry goes with its model (the
 * parse cache of functions/domain/document keeps a few). Keyed by the byte budget too (none: `Infinity`).
 */
const rendered = new WeakMap<DocumentModel, { maxBytes: number; out: RenderedMarkdown }>();

/** What `renderMarkdownWithin` gives: the HTML, whether the text was cut, how many headings it shows. */
export interface RenderedMarkdown {
  html: string;
  /** The HTML shows only the text's beginning (the budget was reached). */
  cut: boolean;
  /** Headings rendered (the first `headings` of the model's sections with a heading). */
  headings: number;
}

/** The whole document as HTML (the body of a policy or version page); heading ids as `sectionIds`. */
export function renderMarkdown(model: DocumentModel): string {
  return renderMarkdownWithin(model, { maxBytes: Number.POSITIVE_INFINITY }).html;
}

/** UTF-8 bytes of a string (views also run in the browser: no `Buffer`). */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return n;
}

/**
 * The document as HTML within a byte budget: rendered block by block as the text is parsed
 * (`streamMarkdownTokens`), and stopped once the next block would not fit — the rest of the text is
 * neither parsed nor rendered. The block that crosses the budget is rendered token by token while it fits,
 * its open elements then closed, so the HTML stays well formed. `headingCost` adds, per heading shown,
 * what the caller spends on it elsewhere (a table-of-contents entry); it must depend on the model alone
 * (the result is cached per model and budget).
 */
export function renderMarkdownWithin(
  model: DocumentModel,
  budget: { maxBytes: number; headingCost?: (heading: number) => number },
): RenderedMarkdown {
  const hit = rendered.get(model);
  if (hit !== undefined && hit.maxBytes === budget.maxBytes) return hit.out;
  const md = renderer();
  const ids = [...sectionIds(model.sections).values()];
  const headingCost = budget.headingCost ?? (() => 0);
  const parts: string[] = [];
  let spent = 0;
  let headings = 0;
  let cut = false;
  const env: RenderEnv = {};
  streamMarkdownTokens(model, (tokens) => {
    let cost = 0;
    let marked = 0;
    for (const t of tokens) {
      const h = (t.meta as { heading?: number } | null)?.heading;
      if (h === undefined) continue;
      const id = ids[h];
      if (id !== undefined) t.attrSet('id', id);
      cost += headingCost(h);
      marked++;
    }
    const html = md.renderer.render(tokens as Token[], md.options, env);
    cost += utf8Length(html);
    if (spent + cost <= budget.maxBytes) {
      parts.push(html);
      spent += cost;
      headings += marked;
      return true;
    }
    const partial = renderPrefix(md, tokens as Token[], budget.maxBytes - spent, headingCost, env);
    parts.push(partial.html);
    headings += partial.headings;
    cut = true;
    return false;
  });
  const out = { html: parts.join(''), cut, headings };
  rendered.set(model, { maxBytes: budget.maxBytes, out });
  return out;
}

/**
 * The longest run of a block's first tokens whose HTML, with closing tags for the elements still open,
 * fits `room` bytes (markdown-it's `Renderer.render`, one token at a time).
 */
function renderPrefix(
  md: ReturnType<typeof renderer>,
  tokens: Token[],
  room: number,
  headingCost: (heading: number) => number,
  env: RenderEnv,
): { html: string; headings: number } {
  const out: string[] = [];
  const open: Token[] = [];
  const closeTag = (t: Token) => (t.hidden ? '' : `</${t.tag}>${t.block ? '\n' : ''}`);
  let spent = 0;
  let closing = 0;
  let headings = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const rule = md.renderer.rules[t.type];
    const html =
      t.type === 'inline'
        ? md.renderer.renderInline(t.children ?? [], md.options, env)
        : rule !== undefined
          ? rule(tokens, i, md.options, env, md.renderer)
          : md.renderer.renderToken(tokens, i, md.options);
    const h = (t.meta as { heading?: number } | null)?.heading;
    const extra = h === undefined ? 0 : headingCost(h);
    const closingAfter =
      t.nesting === 1
        ? closing + utf8Length(closeTag(t))
        : t.nesting === -1
          ? closing - utf8Length(closeTag(open.at(-1)!))
          : closing;
    const size = utf8Length(html) + extra;
    if (spent + size + closingAfter > room) break;
    out.push(html);
    spent += size;
    closing = closingAfter;
    if (h !== undefined) headings++;
    if (t.nesting === 1) open.push(t);
    else if (t.nesting === -1) open.pop();
  }
  for (let k = open.length - 1; k >= 0; k--) out.push(closeTag(open[k]!));
  return { html: out.join(''), headings };
}

/** One block's inline content as formatted HTML (links, emphasis, code). */
function inlineHtml(model: DocumentModel, block: DocBlock): string {
  const md = renderer();
  return md.renderer.renderInline(inlineTokens(model, block), md.options, {});
}

interface Row {
  pieces: DiffOp[];
  side: 'new' | 'old';
  line: number;
}

/**
 * Cuts a section's ops into reader lines: a row per new line (with the deletions that fall inside it),
 * and a row per old line that is deleted as a whole.
 */
function rowsOf(ops: readonly DiffOp[], oldFrom: number, newFrom: number): Row[] {
  const rows: Row[] = [];
  let pieces: DiffOp[] = [];
  let oldLine = oldFrom;
  let newLine = newFrom;
  let hasNew = false;
  const flush = (side: 'new' | 'old', line: number) => {
    rows.push({ pieces, side, line });
    pieces = [];
    hasNew = false;
  };
  for (const op of ops) {
    let rest = op.text;
    while (rest !== '') {
      const nl = rest.indexOf('\n');
      const chunk = nl === -1 ? rest : rest.slice(0, nl);
      rest = nl === -1 ? '' : rest.slice(nl + 1);
      if (chunk !== '') {
        pieces.push({ op: op.op, text: chunk });
        if (op.op !== 'delete') hasNew = true;
      }
      if (nl === -1) break;
      if (op.op === 'equal') {
        flush('new', newLine++);
        oldLine++;
      } else if (op.op === 'insert') flush('new', newLine++);
      else if (!hasNew) flush('old', oldLine++);
      else {
        oldLine++;
        pieces.push({ op: 'delete', text: ' ' });
      }
    }
  }
  if (pieces.length > 0) flush(hasNew ? 'new' : 'old', hasNew ? newLine : oldLine);
  return rows;
}

/** Reader line → block index. */
function lineBlocks(model: DocumentModel): Int32Array {
  const map = new Int32Array(model.readerStarts.length).fill(-1);
  model.blocks.forEach((b, k) => {
    for (let l = b.line; l < b.line + b.lines; l++) map[l] = k;
  });
  return map;
}

const blockLineCache = new WeakMap<DocumentModel, Int32Array>();
function blockAt(model: DocumentModel, line: number): DocBlock | undefined {
  let map = blockLineCache.get(model);
  if (map === undefined) {
    map = lineBlocks(model);
    blockLineCache.set(model, map);
  }
  const k = map[line] ?? -1;
  return k === -1 ? undefined : model.blocks[k];
}

function wrap(block: DocBlock | undefined, html: string, extraClass = ''): string {
  const cls = (c: string) => `class="${[c, extraClass].filter(Boolean).join(' ')}"`;
  if (block === undefined) return `<p ${cls('md-p')}>${html}</p>`;
  const quote = block.quote > 0 ? ` md-q` : '';
  switch (block.kind) {
    case 'heading':
      return `<p ${cls(`md-h md-h${Math.min(block.level, 6)}${quote}`)}>${html}</p>`;
    case 'item':
      return `<p ${cls(`md-li md-d${Math.min(block.level, 6)}${quote}`)}>${html}</p>`;
    case 'row':
      return `<p ${cls(`md-tr${block.header ? ' md-th' : ''}${quote}`)}>${html}</p>`;
    case 'code':
      return `<pre ${cls(`md-code${quote}`)}>${html}</pre>`;
    default:
      return `<p ${cls(`md-p${block.level > 0 ? ` md-d${Math.min(block.level, 6)}` : ''}${quote}`)}>${html}</p>`;
  }
}

/** Visually hidden words that say what `<ins>` and `<del>` mean to a screen reader (localized). */
export interface ChangeLabels {
  inserted: string;
  deleted: string;
}

/** One diff op as HTML: equal text escaped, insertions and deletions marked and labelled. */
export function opHtml(o: DiffOp, labels: ChangeLabels): string {
  if (o.op === 'equal') return escapeHtml(o.text);
  const tag = o.op === 'insert' ? 'ins' : 'del';
  const label = o.op === 'insert' ? labels.inserted : labels.deleted;
  return `<${tag}><span class="vh">${escapeHtml(label)}</span>${escapeHtml(o.text)}</${tag}>`;
}

/**
 * A section's changes as rendered blocks, like a rich diff: an unchanged line is its block's formatted
 * HTML; a changed one is its block (paragraph, list item, heading, table row) with `<ins>`/`<del>` inside;
 * a line deleted as a whole is the old block, struck through.
 */
export function renderBlockChanges(
  ops: readonly DiffOp[],
  oldModel: DocumentModel | undefined,
  oldFrom: number,
  newModel: DocumentModel | undefined,
  newFrom: number,
  labels: ChangeLabels,
): string {
  const out: string[] = [];
  for (const row of rowsOf(ops, oldFrom, newFrom)) {
    const model = row.side === 'new' ? newModel : oldModel;
    const block = model === undefined ? undefined : blockAt(model, row.line);
    const unchanged = row.pieces.every((p) => p.op === 'equal');
    if (row.pieces.length === 0) continue;
    const formatted =
      block !== undefined && block.lines === 1 && block.kind !== 'code' && block.kind !== 'row';
    if (unchanged && model !== undefined && formatted) {
      out.push(wrap(block, inlineHtml(model, block)));
    } else {
      out.push(
        wrap(block, row.pieces.map((p) => opHtml(p, labels)).join(''), row.side === 'old' ? 'md-gone' : ''),
      );
    }
  }
  return out.join('\n');
}
