import { createHash } from 'node:crypto';

/** 2 MiB of UTF-8 per normalised locale text (stored in chunks: functions/adapters/dynamodb/text-chunks.ts). */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/**
 * The one normal form every text is stored and hashed in, so that the same words always have the same
 * hash whatever editor, OS or input method produced them: Unicode NFC, LF line ends, no trailing
 * whitespace on any line, exactly one final newline.
 *
 * One pass over the characters, no regex: a pattern such as `/\s+$/` backtracks quadratically on a long
 * run of whitespace followed by anything else, and one such line froze the event loop for seconds.
 */
export function normalizeText(text: string): string {
  // Already normal (what clients usually send, and every stored text): given back as it is, without
  // building a copy line by line (a tenth of a second for 2 MiB).
  if (isNormalized(text)) return text;
  const nfc = text.normalize('NFC');
  const lines: string[] = [];
  let start = 0;
  // End of the line's content without its trailing whitespace, found while scanning forwards.
  let contentEnd = 0;
  for (let i = 0; i < nfc.length; i++) {
    const c = nfc.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) {
      lines.push(nfc.slice(start, contentEnd));
      if (c === 0x0d && nfc.charCodeAt(i + 1) === 0x0a) i++;
      start = i + 1;
      contentEnd = start;
    } else if (!isWhitespace(c)) {
      contentEnd = i + 1;
    }
  }
  lines.push(nfc.slice(start, contentEnd));
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end--;
  lines.length = end;
  return `${lines.join('\n')}\n`;
}

/**
 * Whether `normalizeText` gives `text` back unchanged: one final line break and no blank line before it,
 * no carriage return, no line ending in white space, NFC.
 */
function isNormalized(text: string): boolean {
  if (!text.endsWith('\n') || (text !== '\n' && text.endsWith('\n\n')) || text.includes('\r')) return false;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    const before = at > 0 ? text.charCodeAt(at - 1) : 0x0a;
    if (before !== 0x0a && isWhitespace(before)) return false;
  }
  return isNfc(text);
}

/**
 * Exactly the characters JavaScript's `\s` matches (ECMAScript WhiteSpace and LineTerminator): tab, VT,
 * FF, space, NBSP, U+1680, U+2000-U+200A, U+2028/U+2029, U+202F, U+205F, U+3000 and the BOM. CR and LF
 * end lines before this is asked.
 */
export function isWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Characters that can neither decompose nor combine with a neighbour under NFC: U+0000-U+02FF (ASCII,
 * Latin-1, Latin Extended A/B, IPA, spacing modifiers) and U+1E00-U+1EFF (Latin Extended Additional:
 * every precomposed Vietnamese letter). A text made only of them is in NFC, which a regex scan tells
 * about twice as fast as `normalize` (test/unit/domain.test.ts checks every character and pair).
 */
const OUTSIDE_NFC_SAFE = /[^\u0000-\u02ff\u1e00-\u1eff]/;

/** Is the text in Unicode NFC? */
export const isNfc = (text: string) => !OUTSIDE_NFC_SAFE.test(text) || text.normalize('NFC') === text;

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

export const sha256 = (data: string) => `sha256:${createHash('sha256').update(data, 'utf8').digest('hex')}`;

/** Hash of a text exactly as stored (callers pass normalised text). */
export const contentHash = (normalised: string) => sha256(normalised);

/** JSON with object keys sorted at every depth: a stable input for hashing structured data. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** `url` without its trailing slashes (a linear scan: a regex like /\/+$/ backtracks on long runs). */
export function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 0x2f) end--;
  return url.slice(0, end);
}
