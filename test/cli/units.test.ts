/** The CLI's pure parts, in process: what the spawned tests cannot cheaply reach. */
import { describe, expect, it } from 'vitest';
import { planImport } from '../../bin/cli/commands/customers';
import { describeDryRun } from '../../bin/cli/commands/publish';
import { EXIT } from '../../bin/cli/errors';
import { Progress } from '../../bin/cli/progress';

describe('planImport', () => {
  const usage = (csv: string) => {
    try {
      planImport(csv, 'c.csv');
    } catch (e) {
      return { exitCode: (e as { exitCode?: number }).exitCode, message: (e as Error).message };
    }
    throw new Error('expected a usage error');
  };

  it('refuses a header it cannot trust before sending anything', () => {
    expect(usage('userId,email,nmae\nu1,a@b.vn,An\n')).toEqual({
      exitCode: EXIT.USAGE,
      message: "c.csv: unknown column 'nmae' in the header (expected userId,email,locale,name)",
    });
    expect(usage('userId,email,Email\n').message).toBe('c.csv: column email appears twice in the header');
    expect(usage('userId,name\n').message).toBe('c.csv: the header lacks email');
    expect(usage('\n\n').message).toBe('c.csv is empty');
    expect(usage('userId,email\nu1,"a@b.vn\nu2,c@d.vn\n').message).toBe(
      'c.csv line 2: unterminated quoted field; nothing was imported',
    );
  });

  it('reads columns in any order and case, trims fields and leaves out empty optional ones', () => {
    const plan = planImport(
      ' Email ,USERID,name,locale\r\n a@b.vn , u1 ,, vi \r\n\r\nc@d.vn,u2,Chi,\r\n',
      'c.csv',
    );
    expect(plan.total).toBe(2);
    expect(plan.rejected).toEqual([]);
    expect(plan.jobs).toEqual([
      { row: 2, line: 2, userId: 'u1', body: { email: 'a@b.vn', locale: 'vi' } },
      { row: 4, line: 4, userId: 'u2', body: { email: 'c@d.vn', name: 'Chi' } },
    ]);
  });
});

describe('Progress', () => {
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, columns: 60, write: (c: string) => chunks.push(c) } };
  };

  it('redraws one bar in place on a terminal and clears it at the end', () => {
    const { chunks, stream } = sink(true);
    let now = 0;
    const p = new Progress(stream, { unit: 'rows', now: () => now });
    p.update(0, 4, '', true);
    now = 50;
    p.update(1, 4); // too soon: not drawn
    now = 200;
    p.update(2, 4, '1 rejected');
    p.finish();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toMatch(/^\r\[█+░+\] 2\/4 rows 50% {2}1 rejected/);
    expect(chunks[2]).toBe('\r\u001b[K');
  });

  it('prints plain lines at most every interval when not on a terminal', () => {
    const { chunks, stream } = sink(false);
    let now = 0;
    const p = new Progress(stream, { unit: 'rows', now: () => now });
    for (let done = 0; done <= 100; done++) {
      now = done * 100; // 10 s in all, a line at most every 2 s
      p.update(done, 100, '', done === 100);
    }
    p.finish();
    expect(chunks).toEqual([0, 20, 40, 60, 80, 100].map((n) => `progress: ${n}/100 rows\n`));
  });
});

describe('describeDryRun', () => {
  it('lists only changed sections, with their edits, per locale', () => {
    const text = describeDryRun({
      policyId: 'privacy',
      version: 3,
      change: 'material',
      effectiveAt: '2026-12-01T00:00:00.000Z',
      locales: ['vi', 'en'],
      hash: 'sha256:x',
      notify: true,
      baseVersion: 2,
      diff: {
        vi: {
          stats: { linesAdded: 3, linesRemoved: 3, sectionsChanged: 4 },
          sections: [
            { key: 'preamble', title: 'CHÍNH SÁCH', status: 'unchanged' },
            {
              key: '3',
              title: 'Quản lý',
              status: 'modified',
              changes: [
                { op: 'equal', text: 'quản lý ' },
                { op: 'delete', text: 'nghiêm ngặt' },
                { op: 'insert', text: 'rất\nnghiêm ngặt' },
              ],
            },
            {
              key: '6.1',
              title: 'Nhà cung cấp dịch vụ',
              status: 'modified',
              changes: [{ op: 'insert', text: ' nghiêm ngặt' }],
            },
            {
              key: 'cookie',
              title: 'Cookie',
              status: 'removed',
              changes: [{ op: 'delete', text: '## Cookie' }],
            },
            {
              key: '12',
              title: 'Liên hệ',
              status: 'added',
              changes: [{ op: 'insert', text: '12. Liên hệ' }],
            },
          ],
        },
        en: { stats: { linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 }, sections: [] },
      },
    });
    expect(text).toBe(
      [
        'dry run: privacy would become v3 (material, against v2, effective 2026-12-01T00:00:00.000Z, notify yes)',
        'nothing was stored',
        '',
        '[vi] 4 sections changed, +3 -3 lines',
        '  modified  3. Quản lý',
        '            - "nghiêm ngặt"',
        '            + "rất nghiêm ngặt"',
        '  modified  6.1 Nhà cung cấp dịch vụ',
        '            + "nghiêm ngặt"',
        '  removed   Cookie',
        '  added     12. Liên hệ',
        '',
        '[en] no changes',
        '',
      ].join('\n'),
    );
  });
});
