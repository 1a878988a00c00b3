/**
 * Texts are stored content-addressed in chunks (docs/API.md, "Storage of texts"): a 2 MiB locale text
 * does not fit DynamoDB's 400 KB item limit, so it is cut into pieces well below it.
 */

/** Largest chunk in bytes of UTF-8: with its keys (~100 bytes) far below DynamoDB's 400 KB item limit. */
export const CHUNK_BYTES = 350_000;

/**
 * Cuts a text into pieces of at most `maxBytes` bytes of UTF-8, only between code points (never inside
 * a multi-byte sequence or a surrogate pair), so each piece is a valid string and the pieces concatenate
 * to the text.
 */
export function splitUtf8(text: string, maxBytes = CHUNK_BYTES): string[] {
  if (maxBytes < 4) throw new RangeError('a chunk must hold at least one code point (4 bytes)');
  const bytes = Buffer.from(text, 'utf8');
  const chunks: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(bytes.length, start + maxBytes);
    // A continuation byte (10xxxxxx) is inside a code point: move the cut back to the code point's start.
    while (end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    chunks.push(bytes.toString('utf8', start, end));
    start = end;
  }
  return chunks;
}
