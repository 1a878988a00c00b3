/**
 * CSV as RFC 4180 describes it, read strictly enough that a broken row is reported rather than guessed
 * at: quoted fields may hold commas, quotes ("") and line breaks; records end with CRLF, LF or CR; a
 * leading UTF-8 BOM is dropped. A quote inside an unquoted field, or text after a closing quote, makes
 * that record malformed (the rest of the file still parses). An unterminated quote swallows the rest of
 * the file, so it fails the whole parse.
 */
import { csvField } from '../../functions/domain/csv';

export interface CsvRecord {
  /** 1-based record number: the header is record 1, as a spreadsheet numbers its rows. */
  row: number;
  /** 1-based line on which the record starts (differs from `row` once a field spans lines). */
  line: number;
  fields: string[];
  /** Why the record is malformed; its fields are then best effort. */
  error?: string;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const n = text.length;
  const records: CsvRecord[] = [];
  if (n === 0) return records;
  let fields: string[] = [];
  let error: string | undefined;
  let line = 1;
  let recordLine = 1;
  let i = 0;

  /** Consumes the line break at i (CRLF, LF or CR). */
  const lineBreak = () => {
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++;
  };

  for (;;) {
    // One field, starting at i.
    let value = '';
    if (text[i] === '"') {
      const startLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new CsvSyntaxError('unterminated quoted field', startLine);
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] !== '"') {
            i++;
            break;
          }
          value += '"';
          i += 2;
        } else if (c === '\r' || c === '\n') {
          const from = i;
          lineBreak();
          value += text.slice(from, i);
        } else {
          value += c;
          i++;
        }
      }
      if (i < n && !isDelimiter(text[i]!)) {
        error ??= `text after the closing quote of field ${fields.length + 1}`;
        const stop = nextDelimiter(text, i);
        value += text.slice(i, stop);
        i = stop;
      }
    } else {
      const stop = nextDelimiter(text, i);
      value = text.slice(i, stop);
      if (value.includes('"')) {
        error ??= `a quote inside unquoted field ${fields.length + 1} (quote the field and double its quotes)`;
      }
      i = stop;
    }
    fields.push(value);

    if (i < n && text[i] === ',') {
      i++;
      continue;
    }
    // End of the record: a line break or the end of the text.
    const record: CsvRecord = { row: records.length + 1, line: recordLine, fields };
    if (error) record.error = error;
    records.push(record);
    fields = [];
    error = undefined;
    if (i >= n) break;
    lineBreak();
    recordLine = line;
    if (i >= n) break; // the text ended with its last line break
  }
  return records;
}

const isDelimiter = (c: string) => c === ',' || c === '\r' || c === '\n';

function nextDelimiter(text: string, from: number): number {
  let j = from;
  while (j < text.length && !isDelimiter(text[j]!)) j++;
  return j;
}

/** A record that holds nothing: an empty line (or only separators). */
export const isBlank = (record: CsvRecord) => !record.error && record.fields.every((f) => f === '');

/** One CSV record with CRLF, quoting only the fields that need it and neutralising formulas. */
export function csvRow(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export { csvField };
