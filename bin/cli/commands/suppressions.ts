import type { Suppression } from '../../../functions/ports';
import { intOption, positionalsExactly, stringOption } from '../args';
import type { Command } from '../context';
import { EXIT, usageError } from '../errors';

interface SuppressionPage {
  suppressions: Suppression[];
  nextCursor: string | null;
}

export const suppressionsList: Command = {
  name: 'suppressions list',
  summary: 'list suppressed addresses (by hash), or look one up by address or hash',
  usage: 'suppressions list [--email ADDRESS | --hash H] [--limit N]',
  help: `Options:
  --email ADDRESS   is this address suppressed? (the server hashes it; any case, spaces trimmed)
  --hash H          is this hash (SHA-256 hex of the trimmed, lower-cased address) suppressed?
  --limit N         entries per request when listing, 1..1000 (default 100); every page is read
  --json            print {suppressions: [{hash, reason, at}]} as JSON

The list holds no addresses, only their hashes: bounces and complaints put an address on it, and no
change email goes to it again under any user id. Lift one with: suppressions lift <hash>.
Exit code 0; with --email or --hash, 3 when the address is not suppressed.
Needs a publisher token (--token, POLICY_TOKEN or POLICY_PUBLISHER_TOKEN).`,
  options: {
    email: { type: 'string' },
    hash: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(ctx, { values, positionals }) {
    positionalsExactly(positionals, []);
    const email = stringOption(values, 'email');
    const hash = stringOption(values, 'hash');
    if (email !== undefined && hash !== undefined) throw usageError('give --email or --hash, not both');
    const limit = intOption(values, 'limit', { min: 1, max: 1000 }) ?? 100;
    const client = ctx.client('publisher');
    const all: Suppression[] = [];
    if (email !== undefined || hash !== undefined) {
      const res = await client.call('listSuppressions', {
        query: email !== undefined ? { email } : { hash: hash! },
      });
      all.push(...res.data.suppressions);
    } else {
      let cursor: string | null = null;
      do {
        const res = await client.call('listSuppressions', {
          query: { limit, ...(cursor ? { cursor } : {}) },
        });
        const page: SuppressionPage = res.data;
        all.push(...page.suppressions);
        cursor = page.nextCursor;
      } while (cursor);
    }
    if (ctx.json) await ctx.printJson({ suppressions: all });
    else if (all.length === 0) await ctx.out('no suppressions\n');
    else await ctx.out(all.map((s) => `${s.hash}  ${s.reason}  ${s.at}\n`).join(''));
    return (email !== undefined || hash !== undefined) && all.length === 0 ? EXIT.PARTIAL : EXIT.OK;
  },
};

export const suppressionsLift: Command = {
  name: 'suppressions lift',
  summary: 'lift the suppression of one address (by its hash)',
  usage: 'suppressions lift <hash>',
  help: `Arguments:
  <hash>   the entry's hash, as suppressions list shows it

After this the address may be emailed again; its customers stay suppressed on their record until
they register again (PUT /customers). 404 (exit 1) when there is no such suppression.
Needs a publisher token (--token, POLICY_TOKEN or POLICY_PUBLISHER_TOKEN).`,
  options: {},
  async run(ctx, { positionals }) {
    const [hash] = positionalsExactly(positionals, ['hash']);
    await ctx.client('publisher').call('liftSuppression', { params: { hash: hash! } });
    if (ctx.json) await ctx.printJson({ lifted: hash });
    else await ctx.out(`lifted ${hash}\n`);
    return EXIT.OK;
  },
};
