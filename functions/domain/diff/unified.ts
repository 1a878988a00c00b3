import type { LineDiff } from './lines';

export const CONTEXT_LINES = 3;

interface Block {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/**
 * Unified diff text (as `diff -u` / `git diff` print it) from a line diff: `--- old` / `+++ new` header,
 * hunks `@@ -a,b +c,d @@` (counts always written, start of an empty range is the line before it, as in
 * GNU diff), `context` lines of context, changes closer than 2×context merged into one hunk.
 * Identical texts give '' (like `diff -u`, which prints nothing).
 */
export function formatUnified(
  diff: LineDiff,
  oldLabel: string,
  newLabel: string,
  context = CONTEXT_LINES,
): string {
  const { oldText, newText, oldStarts, newStarts, runs } = diff;
  const oldCountAll = oldStarts.length - 1;
  const blocks: Block[] = [];
  for (const run of runs) {
    if (run.op === 'equal') continue;
    const last = blocks[blocks.length - 1];
    const aEnd = run.op === 'delete' ? run.a + run.count : run.a;
    const bEnd = run.op === 'insert' ? run.b + run.count : run.b;
    if (last !== undefined && last.aEnd === run.a && last.bEnd === run.b) {
      last.aEnd = aEnd;
      last.bEnd = bEnd;
    } else blocks.push({ aStart: run.a, aEnd, bStart: run.b, bEnd });
  }
  if (blocks.length === 0) return '';

  // String concatenation builds a rope (cheap appends); it is flattened once at the end.
  let out = `--- ${oldLabel}\n+++ ${newLabel}\n`;
  // Lines `from` … `to - 1` of a text, each prefixed.
  const emit = (prefix: string, text: string, starts: Int32Array, from: number, to: number) => {
    for (let k = from; k < to; k++) {
      const line = text.slice(starts[k]!, starts[k + 1]!);
      out += prefix;
      out += line;
      if (!line.endsWith('\n')) out += '\n\\ No newline at end of file\n';
    }
  };
  const SPACE = ' ';
  const MINUS = '-';
  const PLUS = '+';
  for (let g = 0; g < blocks.length; ) {
    let h = g;
    while (h + 1 < blocks.length && blocks[h + 1]!.aStart - blocks[h]!.aEnd <= 2 * context) h++;
    const first = blocks[g]!;
    const last = blocks[h]!;
    const aStart = Math.max(0, first.aStart - context);
    const aEnd = Math.min(oldCountAll, last.aEnd + context);
    const bStart = first.bStart - (first.aStart - aStart);
    const bEnd = last.bEnd + (aEnd - last.aEnd);
    const oldCount = aEnd - aStart;
    const newCount = bEnd - bStart;
    const oldRange = `${oldCount === 0 ? aStart : aStart + 1},${oldCount}`;
    const newRange = `${newCount === 0 ? bStart : bStart + 1},${newCount}`;
    out += `@@ -${oldRange} +${newRange} @@\n`;
    let pos = aStart;
    for (let k = g; k <= h; k++) {
      const block = blocks[k]!;
      emit(SPACE, oldText, oldStarts, pos, block.aStart);
      emit(MINUS, oldText, oldStarts, block.aStart, block.aEnd);
      emit(PLUS, newText, newStarts, block.bStart, block.bEnd);
      pos = block.aEnd;
    }
    emit(SPACE, oldText, oldStarts, pos, aEnd);
    g = h + 1;
  }
  // Indexing a rope makes V8 flatten it: callers get a flat string, and its cost is counted here.
  out.charCodeAt(0);
  return out;
}
