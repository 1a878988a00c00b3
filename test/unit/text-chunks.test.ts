import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, splitUtf8 } from '../../functions/adapters/dynamodb/text-chunks';
import { utf8Bytes } from '../../functions/domain/text';

describe('splitUtf8', () => {
  it('cuts only between code points, each piece within the byte limit, rebuilding the text', () => {
    // 1-, 2-, 3- and 4-byte code points in a rhythm that moves the cut across every byte position.
    const text = 'aé€😀'.repeat(1000);
    for (const max of [4, 5, 6, 7, 8, 9, 10, 333]) {
      const pieces = splitUtf8(text, max);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces) {
        expect(utf8Bytes(piece)).toBeLessThanOrEqual(max);
        expect(piece.length).toBeGreaterThan(0);
        expect(Buffer.from(piece, 'utf8').toString('utf8')).toBe(piece); // no lone surrogate or U+FFFD
      }
    }
  });

  it('fills chunks up to the limit and keeps a short text whole', () => {
    const text = 'x'.repeat(CHUNK_BYTES * 2 + 1);
    expect(splitUtf8(text).map((p) => p.length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, 1]);
    expect(splitUtf8('Điều 1\n')).toEqual(['Điều 1\n']);
    expect(splitUtf8('')).toEqual([]);
  });
});
