import { createHash } from 'node:crypto';

/** 2 MiB of UTF-8 per normalised locale text (stored in chunks: functions/adapters/dynamodb/text-chunks.ts). */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/**
 * The one normal form every text is stored and hashed in, so that the same words always have the same
 * hash whatever editor, OS or input method produced them: Unicode NFC, LF line ends, no trailing
 * whitespace on any line, exactly one final newline.
 */
export function normalizeText(text: string): string {
  const lines = text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/u, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
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
