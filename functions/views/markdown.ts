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
import { createMarkdownParser, type DocBlock, type DocumentModel } from '../domain/document';
import { escapeHtml } from './html';

type Token = ReturnType<ReturnType<typeof createMarkdownParser>['parse']>[number];

const md = createMarkdownParser();
const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** The whole document as HTML (the body of a policy or version page). */
export function renderMarkdown(model: DocumentModel): string {
  return md.renderer.render(model.tokens as Token[], md.options, {});
}

/** One block's inline content as formatted HTML (links, emphasis, code). */
function inlineHtml(model: DocumentModel, block: DocBlock): string {
  const token = (model.tokens as Token[])[block.token];
  if (token === undefined || token.type !== 'inline') return '';
  return md.renderer.renderInline(token.children ?? [], md.options, {});
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

const opHtml = (o: DiffOp) =>
  o.op === 'equal'
    ? escapeHtml(o.text)
    : o.op === 'insert'
      ? `<ins>${escapeHtml(o.text)}</ins>`
      : `<del>${escapeHtml(o.text)}</del>`;

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
      out.push(wrap(block, row.pieces.map(opHtml).join(''), row.side === 'old' ? 'md-gone' : ''));
    }
  }
  return out.join('\n');
}
