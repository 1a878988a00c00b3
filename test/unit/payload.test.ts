import { describe, expect, it } from 'vitest';
import { type ApiResponse, compactPayload } from '../../functions/http/api';

const response = (body: string): ApiResponse => ({ statusCode: 200, headers: {}, body });
const payloadBytes = (r: ApiResponse) => Buffer.byteLength(JSON.stringify(r), 'utf8');

describe('compactPayload', () => {
  it('sends a large body that JSON-string escaping would double as base64, decoding to the same bytes', () => {
    const body = JSON.stringify({ text: '"\n'.repeat(1_050_000) }); // 4.2 MB, 8.4 MB as a JSON string
    const out = compactPayload(response(body));
    expect(out.isBase64Encoded).toBe(true);
    expect(Buffer.from(out.body, 'base64').toString('utf8')).toBe(body);
    expect(payloadBytes(out)).toBeLessThan(6_000_000);
  });

  it('keeps small bodies and large ones that escaping barely grows as they are', () => {
    const small = response('"'.repeat(100_000));
    expect(compactPayload(small)).toBe(small);
    const letters = response('chính sách '.repeat(300_000));
    expect(compactPayload(letters)).toBe(letters);
  });
});
