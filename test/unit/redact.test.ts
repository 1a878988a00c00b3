/**
 * redactAddresses (functions/domain/redact.ts) at its edges: which characters make up the local part
 * and the domain, leading dots and trailing dots or hyphens left outside, and the domain shapes that are
 * not an address (empty labels, a one-letter or numeric last label). Expectations written by hand.
 */
import { describe, expect, it } from 'vitest';
import { redactAddresses } from '../../functions/domain/redact';

describe('redactAddresses edges', () => {
  it('takes the ASCII letters and digits at both ends of their ranges, in the local part and the domain', () => {
    for (const ch of ['0', '9', 'A', 'Z', 'a', 'z'])
      expect(redactAddresses(`(${ch}@${ch}${ch}.example.com)`)).toBe('(<address>)');
    // The characters right outside those ranges end the local part.
    for (const ch of ['/', ':', '@', '[', '\\', ']'])
      expect(redactAddresses(`x${ch}b@example.com`)).toBe(`x${ch}<address>`);
  });

  it('stops the local part and the domain at DEL, and takes non-ASCII letters on both sides', () => {
    expect(redactAddresses('a\u007fb@example.com')).toBe('a\u007f<address>');
    expect(redactAddresses('b@exa\u007fmple.com')).toBe('b@exa\u007fmple.com');
    expect(redactAddresses('\u0080b@\u0080x.example.com')).toBe('<address>');
    expect(redactAddresses('tên@ví-dụ.việtnam')).toBe('<address>');
  });

  it('leaves leading dots of the local part and trailing dots or hyphens of the domain outside', () => {
    expect(redactAddresses('see ..a@example.com')).toBe('see ..<address>');
    expect(redactAddresses('.@example.com')).toBe('.@example.com');
    expect(redactAddresses('mail a@example.com-.')).toBe('mail <address>-.');
    expect(redactAddresses('a@.-')).toBe('a@.-');
  });

  it('is no address when a label is empty or the last label is short or has a digit', () => {
    for (const text of [
      'a@example..com',
      'a@.example.com',
      'a@example.c',
      'a@host.x0',
      'a@host.x9',
      'a@host.9x',
      'a@localhost',
    ])
      expect(redactAddresses(text)).toBe(text);
    expect(redactAddresses('a@host.xy')).toBe('<address>');
  });
});
