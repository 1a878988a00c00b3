import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, csvField, csvRow, isBlank, parseCsv } from '../../bin/cli/csv';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const records = parseCsv('a,"b, c","say ""hi"""\r\n"x\r\ny",z,\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['x\r\ny', 'z', ''],
    ]);
    expect(records.map((r) => [r.row, r.line])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(records.every((r) => r.error === undefined)).toBe(true);
  });

  it('drops a leading BOM and accepts LF, CRLF and CR line ends, with or without a final one', () => {
    expect(fields('\ufeffuserId,email\r\nu1,a@b.vn')).toEqual([
      ['userId', 'email'],
      ['u1', 'a@b.vn'],
    ]);
    expect(fields('a\nb\rc\r\n')).toEqual([['a'], ['b'], ['c']]);
  });

  it('counts lines inside quoted fields so later records report where they start', () => {
    const records = parseCsv('h\n"one\ntwo\nthree"\nnext\n');
    expect(records.at(-1)).toMatchObject({ row: 3, line: 5, fields: ['next'] });
  });

  it('keeps an empty quoted field at the end of the text', () => {
    expect(fields('a,""')).toEqual([['a', '']]);
    expect(fields('""')).toEqual([['']]);
  });

  it('marks a record with a stray quote as malformed and goes on with the next one', () => {
    const records = parseCsv('u1,Nguyen "Bob" An\nu2,"ok"x\nu3,fine\n');
    expect(records[0]!.error).toMatch(/quote inside unquoted field 2/);
    expect(records[1]!.error).toMatch(/after the closing quote of field 2/);
    expect(records[2]).toEqual({ row: 3, line: 3, fields: ['u3', 'fine'] });
  });

  it('fails the whole parse on an unterminated quote, naming the line it started on', () => {
    expect(() => parseCsv('a\nb,"never closed\nc\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a\nb,"never closed\nc\n')).toThrow(/line 2/);
  });

  it('returns no records for an empty text and flags blank lines', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('a\n\nb\n').map(isBlank)).toEqual([false, true, false]);
  });
});

describe('csvRow', () => {
  it('quotes only fields that need it and ends records with CRLF', () => {
    expect(csvRow(['plain', 'a,b', 'say "x"', 'two\nlines', ' padded', 3, null])).toBe(
      'plain,"a,b","say ""x""","two\nlines"," padded",3,\r\n',
    );
    expect(csvField('{"ip":"1.2.3.4"}')).toBe('"{""ip"":""1.2.3.4""}"');
  });

  it('round-trips any table of strings through parseCsv', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'ệ', ',', '"', '\r', '\n', ' ', '=', '+', '-', '@', '\t'),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        (rows) => {
          const neutralised = rows.map((row) =>
            row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)),
          );
          expect(fields(rows.map(csvRow).join(''))).toEqual(neutralised);
        },
      ),
    );
  });
});
