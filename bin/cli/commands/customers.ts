import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeApiError } from '../../../client';
import { intOption, positionalsExactly, stringOption } from '../args';
import type { Command, Context } from '../context';
import { ApiError, type CliApi } from '../context';
import { type CsvRecord, CsvSyntaxError, csvRow, isBlank, parseCsv } from '../csv';
import { CliError, EXIT, oneLine, usageError } from '../errors';
import { readUtf8 } from '../files';
import { Progress } from '../progress';

const COLUMNS = ['userId', 'email', 'locale', 'name'] as const;
type Column = (typeof COLUMNS)[number];
const REQUIRED: Column[] = ['userId', 'email'];

export interface Rejection {
  row: number;
  line: number;
  userId: string;
  code: string;
  message: string;
}

interface Job {
  row: number;
  line: number;
  userId: string;
  body: { email: string; locale?: string; name?: string };
}

/** Statuses that say something about this row; any other failure says the import cannot go on. */
const ROW_STATUSES = new Set([400, 409, 413, 422]);

export const customersImport: Command = {
  name: 'customers import',
  summary: 'register customers from a CSV file (userId,email,locale,name)',
  usage: 'customers import <file.csv> [--concurrency N] [--report FILE]',
  help: `Arguments:
  <file.csv>         UTF-8 CSV (RFC 4180 quoting, CRLF or LF, BOM tolerated) whose header names the
                     columns userId, email and optionally locale and name, in any order

Options:
  --concurrency N    requests in flight at once, 1..64 (default 8)
  --report FILE      write the rejected rows to FILE as CSV (default: to stdout when there are any)
  --json             print {imported, rejected, created, updated, rejectedRows} as JSON on stdout

Each row becomes PUT /customers/{userId} (registers or updates). Fields are trimmed; an empty locale
or name is left out. Blank lines are skipped. Rows are numbered as a spreadsheet shows them (the
header is row 1); "line" is the line in the file where the row starts.
A row is rejected, and the rest still imported, when it is malformed CSV, has the wrong number of
fields, repeats the header, lacks userId or email, repeats an earlier row's userId, or the API
refuses it (e.g. 400 VALIDATION_FAILED for an invalid email or a line break in a name).
The import stops (exit 1) if the token is refused or the service cannot be reached.

Progress goes to stderr (a bar on a terminal), then: imported N, rejected N (created N, updated N).
Exit code: 0 when every row was imported, 3 when some were rejected.
Needs an app token (--token, POLICY_TOKEN or POLICY_APP_TOKEN).`,
  options: {
    concurrency: { type: 'string' },
    report: { type: 'string' },
  },
  async run(ctx, { values, positionals }) {
    const [file] = positionalsExactly(positionals, ['file.csv']);
    const concurrency = intOption(values, 'concurrency', { min: 1, max: 64 }) ?? 8;
    const reportPath = stringOption(values, 'report');
    const client = ctx.client('app');

    const { jobs, rejected, total } = planImport(await readUtf8(ctx.io.cwd, file!, 'CSV file'), file!);
    const tally = { created: 0, updated: 0 };
    const progress = new Progress(ctx.io.stderr, { unit: 'rows' });
    let done = total - jobs.length;
    const note = () => `${rejected.length} rejected`;
    progress.update(done, total, note(), true);

    let fatal: CliError | undefined;
    let next = 0;
    const worker = async () => {
      while (!fatal && !ctx.io.signal?.aborted && next < jobs.length) {
        const job = jobs[next++]!;
        try {
          const outcome = await importRow(client, job);
          if (outcome === 'created') tally.created++;
          else if (outcome === 'updated') tally.updated++;
          else rejected.push(outcome);
        } catch (e) {
          fatal ??= e instanceof CliError ? e : new CliError(oneLine(String(e)));
          return;
        }
        done++;
        progress.update(done, total, note());
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
    progress.update(done, total, note(), true);
    progress.finish();

    rejected.sort((a, b) => a.row - b.row);
    const imported = tally.created + tally.updated;
    await report(ctx, reportPath, rejected, { imported, ...tally });
    ctx.note(
      `imported ${imported}, rejected ${rejected.length} (created ${tally.created}, updated ${tally.updated})`,
    );
    const notTried = total - done;
    if (fatal)
      throw new CliError(`${fatal.message} (import stopped, ${notTried} rows not sent)`, fatal.exitCode);
    if (ctx.io.signal?.aborted)
      throw new CliError(`interrupted, ${notTried} rows not sent`, EXIT.INTERRUPTED);
    return rejected.length > 0 ? EXIT.PARTIAL : EXIT.OK;
  },
};

/** Everything that can be decided without the API: the header, each row's shape, duplicates. */
export function planImport(
  content: string,
  file: string,
): { jobs: Job[]; rejected: Rejection[]; total: number } {
  let records: CsvRecord[];
  try {
    records = parseCsv(content);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw usageError(`${file} ${e.message}; nothing was imported`);
    throw e;
  }
  const header = records.find((r) => !isBlank(r));
  if (!header) throw usageError(`${file} is empty`);
  if (header.error) throw usageError(`${file} row ${header.row} (the header): ${header.error}`);
  const columns = headerColumns(header, file);

  const jobs: Job[] = [];
  const rejected: Rejection[] = [];
  const firstRowOf = new Map<string, number>();
  let total = 0;
  for (const record of records) {
    if (record.row <= header.row || isBlank(record)) continue;
    total++;
    const get = (c: Column) => {
      const at = columns.get(c);
      return at === undefined ? '' : (record.fields[at] ?? '').trim();
    };
    const userId = get('userId');
    const reject = (code: string, message: string) =>
      rejected.push({ row: record.row, line: record.line, userId, code, message });

    if (record.error) {
      reject('CSV_MALFORMED', record.error);
    } else if (record.fields.length !== header.fields.length) {
      reject('CSV_FIELD_COUNT', `expected ${header.fields.length} fields, found ${record.fields.length}`);
    } else if (
      record.fields.every((f, i) => f.trim().toLowerCase() === header.fields[i]!.trim().toLowerCase())
    ) {
      reject('CSV_REPEATED_HEADER', 'the header row appears again');
    } else if (!userId) {
      reject('MISSING_FIELD', 'userId is empty');
    } else if (!get('email')) {
      reject('MISSING_FIELD', 'email is empty');
    } else if (firstRowOf.has(userId)) {
      reject(
        'DUPLICATE_USER',
        `userId already on row ${firstRowOf.get(userId)} (only the first is imported)`,
      );
    } else {
      firstRowOf.set(userId, record.row);
      const body: Job['body'] = { email: get('email') };
      if (get('locale')) body.locale = get('locale');
      if (get('name')) body.name = get('name');
      jobs.push({ row: record.row, line: record.line, userId, body });
    }
  }
  return { jobs, rejected, total };
}

function headerColumns(header: CsvRecord, file: string): Map<Column, number> {
  const columns = new Map<Column, number>();
  header.fields.forEach((raw, index) => {
    const name = COLUMNS.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
    if (!name) {
      throw usageError(
        `${file}: unknown column '${oneLine(raw, 40)}' in the header (expected ${COLUMNS.join(',')})`,
      );
    }
    if (columns.has(name)) throw usageError(`${file}: column ${name} appears twice in the header`);
    columns.set(name, index);
  });
  const missing = REQUIRED.filter((c) => !columns.has(c));
  if (missing.length > 0) throw usageError(`${file}: the header lacks ${missing.join(' and ')}`);
  return columns;
}

async function importRow(client: CliApi, job: Job): Promise<'created' | 'updated' | Rejection> {
  try {
    // PUT is idempotent, so a retried request after a dropped connection registers the row once.
    const res = await client.call('putCustomer', { params: { userId: job.userId }, body: job.body });
    return res.status === 201 ? 'created' : 'updated';
  } catch (e) {
    if (e instanceof ApiError && ROW_STATUSES.has(e.status)) {
      const message = describeApiError(e.apiMessage, e.details);
      return { row: job.row, line: job.line, userId: job.userId, code: e.code, message };
    }
    throw e;
  }
}

const REPORT_HEADER = ['row', 'line', 'userId', 'code', 'message'];

async function report(
  ctx: Context,
  path: string | undefined,
  rejected: Rejection[],
  counts: { imported: number; created: number; updated: number },
): Promise<void> {
  const csv = () =>
    [REPORT_HEADER, ...rejected.map((r) => [r.row, r.line, r.userId, r.code, r.message])]
      .map(csvRow)
      .join('');
  if (path) {
    try {
      await writeFile(resolve(ctx.io.cwd, path), csv());
    } catch (e) {
      throw new CliError(`cannot write the report ${path}: ${(e as { code?: string }).code ?? String(e)}`);
    }
  }
  if (ctx.json) {
    await ctx.printJson({ ...counts, rejected: rejected.length, rejectedRows: rejected });
  } else if (!path && rejected.length > 0) {
    await ctx.out(csv());
  }
}
