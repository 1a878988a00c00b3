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

describe('redactAddresses (issue 12 finding 8: redaction too wide)', () => {
  it('keeps stack paths with scoped packages and package versions readable', () => {
    const stack = [
      'Error: MessageRejected',
      '    at de_MessageRejectedRes (/var/task/node_modules/@aws-sdk/client-ses/dist/index.js:12:5)',
      '    at /var/task/node_modules/@smithy/middleware-serde/dist-cjs/index.js:35:20',
      '    at file:///app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/index.js:3:1',
      '    at handler (@scope/pkg:1:1) user@localhost',
    ].join('\n');
    expect(redactAddresses(stack)).toBe(stack);
    const e = new Error('failed for an@example.vn');
    e.stack = `${e.message}\n${stack}`;
    const described = describeError(e);
    expect(described.stack).toContain('node_modules/@aws-sdk/client-ses/dist/index.js:12');
    expect(described.stack).not.toContain('an@example.vn');
  });

  it('redacts real addresses wherever they stand, including non-ASCII ones', () => {
    expect(redactAddresses('to: a.b+c@mail.example.co.uk.')).toBe('to: <address>.');
    expect(redactAddresses('(x_y@example.com),"z@ví-dụ.vn"')).toBe('(<address>),"<address>"');
    expect(redactAddresses('Gửi tới chị.bình@ví-dụ.việt lúc 9h')).toBe('Gửi tới <address> lúc 9h');
    expect(redactAddresses('a@b.cd@e.fg')).toBe('<address>@e.fg');
    expect(redactAddresses('no@ddress here @ all, x@y, x@1.2.3')).toBe('no@ddress here @ all, x@y, x@1.2.3');
  });

  it('takes linear time on a long run without an @ and on many @ signs', () => {
    const started = performance.now();
    redactAddresses('a'.repeat(1_000_000));
    redactAddresses('a@'.repeat(500_000));
    redactAddresses(`${'a.'.repeat(500_000)}@`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
