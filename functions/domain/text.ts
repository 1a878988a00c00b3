import { createHash } from 'node:crypto';

export const MAX_TEXT_BYTES = 256 * 1024;

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
