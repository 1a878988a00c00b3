/**
 * Bounded diff answers (DESIGN.md decision 11: every response stays under Lambda's 6 MB). A diff of two
 * 2 MiB texts in thousands of tiny sections, or with every word changed, serialises to tens of MB, so
 * the diff route, a dry run's preview and the redline show a window of the sections — at most
 * `maxSections`, and at most `maxBytes` of text as the worst case of JSON or HTML escaping would write
 * it — and summarise the rest with counts. The rest is reached by paging (`offset`).
 */
import type { DiffOp, PolicyDiff, SectionDiff } from './types';

export interface DiffLimits {
  /** Index (in `sections`) of the first section shown. */
  offset: number;
  /** Most sections shown, whatever their status. */
  maxSections: number;
  /** Budget for the shown sections, in bytes of worst-case escaped output (see `escapedCost`). */
  maxBytes: number;
}

/**
 * Defaults for one answer: 2 MB of worst-case escaped text leaves a wide margin under 6 MB for markup,
 * per-op framing and the rest of a page.
 */
export const DIFF_LIMITS: DiffLimits = { offset: 0, maxSections: 500, maxBytes: 2_000_000 };

export type StatusCounts = Record<SectionDiff['status'], number>;

export interface DiffWindow {
  /** First section shown (index into the whole diff's sections). */
  offset: number;
  /** Sections shown in this answer. */
  shown: number;
  /** Sections of the whole diff. */
  total: number;
  /** `offset` of the next page, null when this page reaches the end. */
  nextOffset: number | null;
  /** Sections of the whole diff not shown in this answer, by status (before and after the window). */
  omitted: StatusCounts;
  /** Keys of shown sections whose `changes` were cut short (a single section larger than the budget). */
  cutSections: string[];
}

/**
 * A diff limited to a window of its sections. `stats` stay those of the whole diff. `truncated` is true
 * when anything of the whole diff is missing from `sections` (sections outside the window, or a section
 * whose changes were cut; such a section carries `truncated: true`).
 */
export type BoundedDiff<D extends PolicyDiff = PolicyDiff> = Omit<D, 'sections'> & {
  sections: (SectionDiff & { truncated?: true })[];
  truncated: boolean;
  window: DiffWindow;
};

/** Bytes framing one op or section in the output (`{"op":"insert","text":""},` / `<ins></ins>`). */
const OP_FRAME = 32;
const SECTION_FRAME = 400;

/**
 * Bytes one UTF-16 unit can take once escaped for JSON or HTML, at most: its UTF-8 bytes, 6 for a
 * character an escape grows (`&quot;`, `&amp;`, `\"`, `\u0001`…), 2 for tab and line break (`\t`, `\n`).
 * A high surrogate counts the whole 4-byte code point; its low half then counts 0.
 */
function unitCost(c: number): number {
  if (c < 0x80) {
    if (c === 0x09 || c === 0x0a) return 2;
    if (c < 0x20 || c === 0x22 || c === 0x26 || c === 0x27 || c === 0x3c || c === 0x3e || c === 0x5c)
      return 6;
    return 1;
  }
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) return 4;
  if (c >= 0xdc00 && c <= 0xdfff) return 0;
  return 3;
}

/** An upper bound of the bytes `text` takes once escaped for JSON or HTML. Linear, no allocation. */
export function escapedCost(text: string): number {
  let cost = 0;
  for (let i = 0; i < text.length; i++) cost += unitCost(text.charCodeAt(i));
  return cost;
}

/** The longest prefix of `text` whose escaped cost is at most `budget`, never splitting a surrogate pair. */
function prefixWithin(text: string, budget: number): string {
  let cost = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length;
    const piece = unitCost(c);
    if (cost + piece > budget) break;
    cost += piece;
    i += pair ? 2 : 1;
  }
  return text.slice(0, i);
}

/** Ops up to the budget; the op that crosses it is cut short. `cut` tells whether anything was left out. */
function opsWithin(ops: DiffOp[], budget: number): { ops: DiffOp[]; cost: number; cut: boolean } {
  const out: DiffOp[] = [];
  let cost = 0;
  for (const op of ops) {
    const full = OP_FRAME + escapedCost(op.text);
    if (cost + full <= budget) {
      out.push(op);
      cost += full;
      continue;
    }
    const room = budget - cost - OP_FRAME;
    if (room > 0) {
      const text = prefixWithin(op.text, room);
      if (text !== '') {
        out.push({ op: op.op, text });
        cost += OP_FRAME + escapedCost(text);
      }
    }
    return { ops: out, cost, cut: true };
  }
  return { ops: out, cost, cut: false };
}

const noCounts = (): StatusCounts => ({ added: 0, removed: 0, modified: 0, unchanged: 0 });

/**
 * The window of `diff` that fits `limits`, starting at `limits.offset`: sections are taken in order
 * while they fit; the first one always is (cut short when it alone exceeds the budget), so paging by
 * `nextOffset` always moves on and reaches every section. `extraCost` adds what the caller will render
 * besides the section's title and changes (the redline shows an unchanged section's text).
 *
 * Work is bounded by the output: only the shown sections' texts are scanned; the others are counted.
 */
export function boundDiff<D extends PolicyDiff>(
  diff: D,
  limits: DiffLimits = DIFF_LIMITS,
  extraCost: (section: SectionDiff) => number = () => 0,
): BoundedDiff<D> {
  const total = diff.sections.length;
  const offset = Math.min(Math.max(0, Math.trunc(limits.offset)), total);
  const shown: BoundedDiff['sections'] = [];
  const cutSections: string[] = [];
  let spent = 0;
  let end = offset;
  while (end < total && shown.length < limits.maxSections) {
    const section = diff.sections[end]!;
    // Titles appear up to three times in a page (summary list, heading, anchor text).
    const frame =
      SECTION_FRAME + 3 * escapedCost(section.title) + escapedCost(section.key) + extraCost(section);
    const first = shown.length === 0;
    if (!first && spent + frame > limits.maxBytes) break;
    const changes = section.changes ?? [];
    const room = limits.maxBytes - spent - frame;
    const fitted = opsWithin(changes, Math.max(0, room));
    if (fitted.cut && !first) break;
    if (fitted.cut) {
      shown.push({ ...section, changes: fitted.ops, truncated: true });
      cutSections.push(section.key);
    } else shown.push(section);
    spent += frame + fitted.cost;
    end++;
  }
  const omitted = noCounts();
  for (let i = 0; i < total; i++) if (i < offset || i >= end) omitted[diff.sections[i]!.status]++;
  const window: DiffWindow = {
    offset,
    shown: shown.length,
    total,
    nextOffset: end < total ? end : null,
    omitted,
    cutSections,
  };
  return {
    ...diff,
    sections: shown,
    truncated: shown.length < total || cutSections.length > 0,
    window,
  };
}

/**
 * Largest unified diff answered, in bytes: within Lambda's 6 MB response even as base64 (4/3 of it),
 * which a patch full of quotes and line breaks needs.
 */
export const UNIFIED_MAX_BYTES = 4_400_000;

/**
 * A unified diff cut to at most `maxBytes` bytes of UTF-8, between lines, with its last hunk's header
 * rewritten to the lines kept: the result is still a valid patch (of the text's first changes).
 */
export function boundUnified(
  unified: string,
  maxBytes = UNIFIED_MAX_BYTES,
): { text: string; truncated: boolean } {
  if (unified.length * 3 <= maxBytes || Buffer.byteLength(unified, 'utf8') <= maxBytes)
    return { text: unified, truncated: false };
  // (`lastIndexOf` below would count a negative offset from the end.)
  if (maxBytes < 1) return { text: '', truncated: true };
  const bytes = Buffer.from(unified, 'utf8');
  let head = bytes.toString('utf8', 0, bytes.lastIndexOf(0x0a, maxBytes - 1) + 1);
  const at = head.lastIndexOf('\n@@ ') + 1;
  if (at === 0) return { text: '', truncated: true };
  const headerEnd = head.indexOf('\n', at);
  // `@@ -a,b +c,d @@`: the starts stay, the counts become those of the lines kept.
  const [, oldRange = '', newRange = ''] = head.slice(at, headerEnd).split(' ');
  let oldCount = 0;
  let newCount = 0;
  for (let i = headerEnd + 1; i < head.length; i = head.indexOf('\n', i) + 1) {
    const c = head[i];
    if (c === ' ' || c === '-') oldCount++;
    if (c === ' ' || c === '+') newCount++;
  }
  if (oldCount === 0 && newCount === 0) head = head.slice(0, at);
  else {
    const range = (spec: string, sign: string, count: number) => {
      const [start = 0, before = 0] = spec.slice(1).split(',').map(Number);
      // An empty range names the line before it (GNU diff), as formatUnified writes it.
      return `${sign}${count === 0 && before > 0 && start > 0 ? start - 1 : start},${count}`;
    };
    head = `${head.slice(0, at)}@@ ${range(oldRange, '-', oldCount)} ${range(newRange, '+', newCount)} @@${head.slice(headerEnd)}`;
  }
  return { text: head, truncated: true };
}
