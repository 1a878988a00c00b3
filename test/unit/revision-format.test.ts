import { describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/domain/errors';
import { prepareRevision } from '../../functions/domain/prepare-revision';
import { type Revision, revisionHash, verifyChain } from '../../functions/domain/revision';
import { canonicalJson, sha256 } from '../../functions/domain/text';

const now = new Date('2026-12-01T00:00:00.000Z');

function next(latest: Revision | null, text: string, format?: 'markdown' | 'text') {
  return prepareRevision({
    policyId: 'p',
    input: { texts: { vi: text }, change: 'material', ...(format ? { format } : {}) },
    latest,
    now,
  }).revision;
}

describe('revision format', () => {
  it('defaults to text and keeps the format a publisher chose', () => {
    const v1 = next(null, 'một\n');
    expect(v1.format).toBe('text');
    expect(next(v1, '# hai\n', 'markdown').format).toBe('markdown');
  });

  it('verifies a revision stored before formats existed, hashed without the field', () => {
    // What a stored pre-format revision looks like once read back: hashed without `format`, read as text.
    const legacyFields = {
      previousHash: null,
      version: 1,
      change: 'material' as const,
      effectiveAt: now.toISOString(),
      contentHashes: { vi: sha256('một\n') },
    };
    const legacy = { ...next(null, 'một\n'), hash: sha256(canonicalJson(legacyFields)) };
    expect(verifyChain([legacy])).toEqual({ ok: true });
    expect(verifyChain([legacy, next(legacy, '# hai\n', 'markdown')])).toEqual({ ok: true });
  });

  it('binds the format into the chain: flipping it either way breaks the hash', () => {
    const v1 = next(null, 'một\n');
    const v2 = next(v1, '# hai\n', 'markdown');
    expect(revisionHash(v2)).not.toBe(revisionHash({ ...v2, format: 'text' }));
    expect(verifyChain([v1, { ...v2, format: 'text' }])).toMatchObject({
      ok: false,
      reason: 'hash mismatch',
    });
    expect(verifyChain([{ ...v1, format: 'markdown' }, v2])).toMatchObject({
      ok: false,
      version: 1,
      reason: 'hash mismatch',
    });
  });

  it('counts a change of format alone as a change, and equal texts in the same format as none', () => {
    const v1 = next(null, '# một\n');
    expect(next(v1, '# một\n', 'markdown').version).toBe(2);
    expect(() => next(v1, '# một\n', 'text')).toThrow(DomainError);
  });
});
