import { positionalsExactly, stringOption } from '../args';
import type { Command } from '../context';
import { usageError } from '../errors';

const FORMATS = ['unified', 'json', 'html'] as const;

export const diff: Command = {
  name: 'diff',
  summary: 'show what changed between two versions of a policy',
  usage: 'diff <policyId> [--from N] [--to N|current|latest] [--locale LOCALE] [--format unified|json|html]',
  help: `Arguments:
  <policyId>                   the policy, e.g. privacy

Options:
  --from N                     the older version (default: the one before --to)
  --to N|current|latest        the newer version (default: latest)
  --locale LOCALE              which text to compare (default: the policy's default locale)
  --format unified|json|html   unified diff (default; coloured on a terminal), the section-by-section
                               word diff as JSON (the default with --json), or the redline HTML page

No token needed (a public route).

Example:
  policyctl diff privacy --from 2 --to 3 --locale vi`,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    locale: { type: 'string' },
    format: { type: 'string' },
  },
  async run(ctx, { values, positionals }) {
    const [policyId] = positionalsExactly(positionals, ['policyId']);
    const format = stringOption(values, 'format') ?? (ctx.json ? 'json' : 'unified');
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw usageError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
    }
    const res = await ctx.client('public').call('diff', {
      params: { policyId: policyId! },
      query: {
        from: stringOption(values, 'from'),
        to: stringOption(values, 'to'),
        locale: stringOption(values, 'locale'),
        format,
      },
    });
    if (format === 'json') return ctx.printJson(res.data).then(() => 0);
    const body = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
    const text = body.endsWith('\n') || body === '' ? body : `${body}\n`;
    await ctx.out(format === 'unified' && useColor(ctx.io) ? colorize(text) : text);
    return 0;
  },
};

function useColor(io: { stdout: { isTTY?: boolean }; env: Record<string, string | undefined> }): boolean {
  return io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
}

function colorize(unified: string): string {
  return unified
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return `\u001b[1m${line}\u001b[0m`;
      if (line.startsWith('+')) return `\u001b[32m${line}\u001b[0m`;
      if (line.startsWith('-')) return `\u001b[31m${line}\u001b[0m`;
      if (line.startsWith('@@')) return `\u001b[36m${line}\u001b[0m`;
      return line;
    })
    .join('\n');
}
