/**
 * How much structure a Markdown text may carry, besides its size (`MAX_TEXT_BYTES`, checked in
 * prepare-revision.ts). Parsing Markdown costs per block and per inline delimiter, not per byte: 2 MiB
 * of one-word list items (half a million blocks) or of emphasis markers (`*a _b **c`, a million
 * delimiters) takes markdown-it 1.5–2.5 s of CPU, and every diff, redline and page of such a text
 * parses it again. Real policies sit far below both limits (the largest of the development corpus, a
 * 300 KB privacy policy, has 3,426 lines and 4,295 of these characters), so a text beyond them is a
 * mistake or an attack, refused at publish with a 400 before it is parsed. Plain texts are not parsed
 * as Markdown and have no such limit.
 *
 * One pass over the characters, no regex.
 */

/** Lines of a Markdown text (each can open a block: a list item, a heading, a table row). */
export const MAX_MARKDOWN_LINES = 40_000;

/** Characters that can open or close inline Markdown (see `isInlineMarkup`). */
export const MAX_MARKDOWN_MARKUP = 100_000;

/**
 * The characters markdown-it's inline rules start on, apart from the ones ordinary prose is full of:
 * emphasis and strikethrough delimiters, link and image brackets, code-span backticks, escapes, entity
 * and autolink starts, and table cell separators.
 */
export function isInlineMarkup(c: number): boolean {
  return (
    c === 0x2a || // *
    c === 0x5f || // _
    c === 0x7e || // ~
    c === 0x60 || // `
    c === 0x5b || // [
    c === 0x5d || // ]
    c === 0x5c || // \
    c === 0x26 || // &
    c === 0x3c || // <
    c === 0x7c //    |
  );
}

export interface MarkdownShape {
  /** Line breaks (a normalised text ends with one, so this is its number of lines). */
  lines: number;
  /** Characters for which `isInlineMarkup` holds. */
  markup: number;
}

export function markdownShape(text: string): MarkdownShape {
  let lines = 0;
  let markup = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) lines++;
    else if (isInlineMarkup(c)) markup++;
  }
  return { lines, markup };
}

/** Why a Markdown text is over the limits above, or null when it is within them. */
export function markdownLimitProblem(text: string): string | null {
  const { lines, markup } = markdownShape(text);
  if (lines > MAX_MARKDOWN_LINES)
    return `a Markdown text may have at most ${MAX_MARKDOWN_LINES} lines (this one has ${lines})`;
  if (markup > MAX_MARKDOWN_MARKUP)
    return (
      `a Markdown text may have at most ${MAX_MARKDOWN_MARKUP} inline markup characters ` +
      `(* _ ~ \` [ ] \\ & < |; this one has ${markup})`
    );
  return null;
}
