/**
 * One CSV field, written the way every CSV this project produces writes it (the CLI's import report
 * and export, the console's export: functions/views/console/app.ts imports it, and esbuild bundles it
 * into the browser script).
 *
 * CSV injection (OWASP): a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or CR as a
 * formula, so such a text cell is neutralised with a leading `'` and quoted. Numbers are written as
 * numbers (a negative number is data, not a formula). Fields with quotes, commas, line breaks or
 * outer whitespace are quoted (RFC 4180).
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const first = value.charAt(0);
  const formula =
    first === '=' || first === '+' || first === '-' || first === '@' || first === '\t' || first === '\r';
  const text = formula ? `'${value}` : value;
  const last = text.charAt(text.length - 1);
  const quote =
    formula ||
    text.includes('"') ||
    text.includes(',') ||
    text.includes('\n') ||
    text.includes('\r') ||
    /\s/.test(first) ||
    /\s/.test(last);
  return quote ? `"${text.split('"').join('""')}"` : text;
}

/** The columns of an acknowledgment export, in order: the CLI's `export` and the console's export. */
export const ACKNOWLEDGMENT_CSV_COLUMNS = [
  'userId',
  'policyId',
  'version',
  'locale',
  'contentHash',
  'acknowledgedAt',
  'channel',
  'receiptId',
  'evidence',
] as const;
