import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ACKNOWLEDGMENT_CSV_COLUMNS } from '../../../functions/domain/csv';
import type { Acknowledgment } from '../../../functions/ports';
import { intOption, positionalsExactly, stringOption } from '../args';
import type { Command, Context } from '../context';
import { csvRow } from '../csv';
import { CliError, EXIT, usageError } from '../errors';

export const CSV_COLUMNS = ACKNOWLEDGMENT_CSV_COLUMNS;

export const exportAcknowledgments: Command = {
  name: 'export acknowledgments',
  summary: 'export every acknowledgment of a policy as CSV or JSON lines',
  usage: 'export acknowledgments <policyId> [--format csv|jsonl] [--out FILE] [--page-size N]',
  help: `Arguments:
  <policyId>          the policy, e.g. privacy

Options:
  --format csv|jsonl  csv (default): columns ${CSV_COLUMNS.join(',')}, evidence as a
                      JSON string, CRLF line ends, quoted where needed; jsonl: one record per line,
                      exactly as the API returned it
  --out FILE          write to FILE (replaced only once the export is complete); default stdout
  --page-size N       records per request, 1..1000 (default 1000)

Needs a publisher token (--token, POLICY_TOKEN or POLICY_PUBLISHER_TOKEN).`,
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    'page-size': { type: 'string' },
  },
  async run(ctx, { values, positionals }) {
    const [policyId] = positionalsExactly(positionals, ['policyId']);
    const format = stringOption(values, 'format') ?? 'csv';
    if (format !== 'csv' && format !== 'jsonl')
      throw usageError(`--format must be csv or jsonl, not '${format}'`);
    const limit = intOption(values, 'page-size', { min: 1, max: 1000 }) ?? 1000;
    const outPath = stringOption(values, 'out');
    const client = ctx.client('publisher');

    const sink = outPath ? await FileSink.open(resolve(ctx.io.cwd, outPath)) : new StdoutSink(ctx);
    let count = 0;
    try {
      if (format === 'csv') await sink.write(csvRow(CSV_COLUMNS));
      const seen = new Set<string>();
      let cursor: string | undefined;
      do {
        if (ctx.io.signal?.aborted) throw new CliError('interrupted', EXIT.INTERRUPTED);
        const res = await client.call('exportAcknowledgments', {
          params: { policyId: policyId! },
          query: { limit, cursor },
        });
        const page = res.data as { acknowledgments?: unknown; nextCursor?: unknown };
        if (!Array.isArray(page?.acknowledgments))
          throw new CliError('unexpected answer from the export route');
        let chunk = '';
        for (const ack of page.acknowledgments as Acknowledgment[]) {
          chunk += format === 'jsonl' ? `${JSON.stringify(ack)}\n` : csvRow(csvValues(ack));
        }
        await sink.write(chunk);
        count += page.acknowledgments.length;
        cursor = typeof page.nextCursor === 'string' ? page.nextCursor : undefined;
        if (cursor !== undefined) {
          if (seen.has(cursor)) throw new CliError('the API returned the same cursor twice; export stopped');
          seen.add(cursor);
        }
      } while (cursor !== undefined);
      await sink.commit();
    } catch (e) {
      await sink.abort();
      throw e;
    }
    ctx.note(
      `exported ${count} acknowledgment${count === 1 ? '' : 's'} of ${policyId}${outPath ? ` to ${outPath}` : ''}`,
    );
    return EXIT.OK;
  },
};

export function csvValues(a: Acknowledgment): (string | number)[] {
  return [
    a.userId,
    a.policyId,
    a.version,
    a.locale,
    a.contentHash,
    a.acknowledgedAt,
    a.channel,
    a.receiptId,
    JSON.stringify(a.evidence ?? {}),
  ];
}

interface Sink {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

class StdoutSink implements Sink {
  constructor(private readonly ctx: Context) {}
  write = (text: string) => this.ctx.out(text);
  commit = async () => {};
  abort = async () => {};
}

/** Writes beside the target and renames at the end: a failed export never looks like a complete one. */
class FileSink implements Sink {
  private constructor(
    private readonly path: string,
    private readonly temp: string,
    private readonly stream: WriteStream,
  ) {}

  static async open(path: string): Promise<FileSink> {
    const temp = `${path}.${randomBytes(4).toString('hex')}.partial`;
    const stream = createWriteStream(temp, { flags: 'wx' });
    try {
      await once(stream, 'open');
    } catch (e) {
      throw new CliError(`cannot write ${path}: ${(e as { code?: string }).code ?? String(e)}`, EXIT.USAGE);
    }
    return new FileSink(path, temp, stream);
  }

  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async commit(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((e?: Error | null) => (e ? rej(e) : res())));
    await rename(this.temp, this.path);
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.temp, { force: true });
  }
}
