/**
 * Issue 12 finding 6: CSV formula injection. Every CSV the project writes goes through `csvField`:
 * the CLI's import report and export (bin/cli/csv.ts) and the console's export (the same function,
 * bundled into the console script).
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvValues } from '../../bin/cli/commands/export';
import { csvRow, parseCsv } from '../../bin/cli/csv';
import { csvField } from '../../functions/domain/csv';

const formulas = [
  '=HYPERLINK("http://x","y")',
  '+1+1',
  '-2+3',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  "=cmd|' /C calc'!A0",
];

describe('csvField (issue 12 finding 6: CSV formula injection)', () => {
  it.each(formulas)('neutralises %j with a leading quote, inside a quoted field', (cell) => {
    const field = csvField(cell);
    expect(field.startsWith(`"'`)).toBe(true);
    expect(parseCsv(`${field}\r\n`)[0]!.fields).toEqual([`'${cell}`]);
  });

  it('leaves ordinary text and real numbers as they are', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(3)).toBe('3');
    expect(csvField("'already")).toBe("'already");
  });

  it('neutralises formula-shaped user ids and messages in the CLI export and import report rows', () => {
    const row = csvValues({
      userId: '@SUM(1+1)',
      policyId: 'privacy',
      version: 1,
      locale: 'vi',
      contentHash: 'sha256:x',
      acknowledgedAt: '2026-01-01T00:00:00.000Z',
      channel: '-web',
      receiptId: 'r1',
      evidence: { ip: '=1' },
    });
    const fields = parseCsv(csvRow(row))[0]!.fields;
    expect(fields[0]).toBe("'@SUM(1+1)");
    expect(fields[6]).toBe("'-web");
    expect(fields[2]).toBe('1');
    expect(parseCsv(csvRow([3, 4, '-bad', 'EMAIL_INVALID', '=x is not valid']))[0]!.fields).toEqual([
      '3',
      '4',
      "'-bad",
      'EMAIL_INVALID',
      "'=x is not valid",
    ]);
  });

  it('is the very function the console bundles into its export script', () => {
    // functions/views/console/app.ts imports it (esbuild bundles it into /console/app.js) and writes every
    // exported cell through it; test/browser/console.test.ts downloads the console's export.
    const app = readFileSync(new URL('../../functions/views/console/app.ts', import.meta.url), 'utf8');
    expect(app).toMatch(/^import \{ [^}]*\bcsvField\b[^}]* \} from '\.\.\/\.\.\/domain\/csv';$/m);
    expect(app).toContain('const columns = ACKNOWLEDGMENT_CSV_COLUMNS;');
    expect(app).toMatch(/const csvCell = \(v: unknown\) => csvField\(/);
    expect(app).toMatch(/lines\.push\(columns\.map\(\(c\) => csvCell\(/);
  });
});
