import { describe, expect, it } from 'vitest';
import { createLogger, describeError, redactAddresses } from '../../functions/http/log';

describe('logs never carry an email address', () => {
  it('redacts addresses an SDK error message quotes, in the message and the stack', () => {
    const e = new Error(
      'Email address is not verified. The following identities failed the check in region AP-SOUTHEAST-1: an@example.vn, "Bình" <binh+news@mail.example.com>',
    );
    const described = describeError(e);
    const line = JSON.stringify(described);
    expect(line).not.toMatch(/an@example\.vn|binh\+news@mail\.example\.com/);
    expect(described.errorMessage).toContain('failed the check in region AP-SOUTHEAST-1: <address>');
    expect(described.stack).toContain('<address>');
  });

  it('redacts non-Error values too and leaves address-free text alone', () => {
    expect(describeError('rejected x@y.vn')).toEqual({ error: 'rejected <address>' });
    expect(redactAddresses('Throttling: Maximum sending rate exceeded.')).toBe(
      'Throttling: Maximum sending rate exceeded.',
    );
  });

  it('writes one JSON line per event at or above the level', () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'warn', (l) => lines.push(l));
    logger.info('dropped');
    logger.warn('kept', { policyId: 'privacy' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'warn',
      service: 'test',
      message: 'kept',
      policyId: 'privacy',
    });
  });
});
