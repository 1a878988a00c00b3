import type { NotificationProgress } from '../../../functions/domain/notification';
import { flag, numberOption, parseInteger, positionalsExactly } from '../args';
import type { Command } from '../context';
import { CliError, EXIT } from '../errors';
import { Progress } from '../progress';

const FINAL = new Set(['completed', 'not_requested']);

export const notification: Command = {
  name: 'notification',
  summary: "show (or --watch) the progress of a revision's change emails, or retry its failed ones",
  usage: 'notification [retry] <policyId> <version> [--watch] [--interval S] [--timeout S]',
  help: `Arguments:
  <policyId>     the policy, e.g. privacy
  <version>      the revision whose emails to follow

  retry          (notification retry <policyId> <version>) send the email again to the recipients that failed for a retryable reason (the
                 sender's side: e.g. MessageRejected while the sender was not verified); sent,
                 suppressed and erased recipients and permanent failures (a bad address or
                 content) are never sent again. Prints how many were put back; with --watch it
                 then follows the campaign until it completes again.

Options:
  --watch        poll until the status is completed or not_requested, with a progress bar on stderr
  --interval S   seconds between polls (default 1)
  --timeout S    give up after S seconds with exit code 4 (default: wait as long as it takes)
  --json         print the API's answer as JSON (with --watch: the final one)

Statuses: pending, sending, completed, not_requested (the revision was published without notify).
Needs a publisher token (--token, POLICY_TOKEN or POLICY_PUBLISHER_TOKEN).`,
  options: {
    watch: { type: 'boolean' },
    interval: { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(ctx, { values, positionals }) {
    // `notification retry <policyId> <version>`: three positionals, so a policy named `retry` still
    // reads as `notification retry <version>` would not.
    const retrying = positionals.length === 3 && positionals[0] === 'retry';
    const [policyId, rawVersion] = positionalsExactly(retrying ? positionals.slice(1) : positionals, [
      'policyId',
      'version',
    ]);
    const version = parseInteger(rawVersion!, '<version>', { min: 1 });
    const intervalMs = (numberOption(values, 'interval', 0.1) ?? 1) * 1000;
    const timeoutS = numberOption(values, 'timeout', 0);
    const client = ctx.client('publisher');
    const fetchStatus = async () =>
      (await client.call('notificationStatus', { params: { policyId: policyId!, version } })).data;

    if (retrying) {
      const r = (
        await client.call('retryNotification', { params: { policyId: policyId!, version }, body: {} })
      ).data;
      if (!flag(values, 'watch')) {
        if (ctx.json) await ctx.printJson(r);
        else await ctx.out(`${policyId} v${version}: ${describeRetry(r)}\n`);
        return EXIT.OK;
      }
      if (!ctx.json) ctx.note(`${policyId} v${version}: ${describeRetry(r)}`);
    }

    let s = await fetchStatus();
    if (flag(values, 'watch')) {
      const deadline = timeoutS === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutS * 1000;
      const progress = new Progress(ctx.io.stderr, { unit: 'emails', intervalMs: 0 });
      try {
        while (!FINAL.has(s.status)) {
          progress.update(handled(s), s.total, s.status, true);
          if (ctx.io.signal?.aborted) throw new CliError('interrupted', EXIT.INTERRUPTED);
          if (Date.now() + intervalMs > deadline) {
            throw new CliError(
              `${policyId} v${version}: still ${s.status} after ${timeoutS} s (${describeCounts(s)})`,
              EXIT.TIMEOUT,
            );
          }
          await sleep(intervalMs, ctx.io.signal);
          s = await fetchStatus();
        }
        if (s.status === 'completed') progress.update(handled(s), s.total, s.status, true);
      } finally {
        progress.finish();
      }
    }
    if (ctx.json) await ctx.printJson(s);
    else await ctx.out(`${policyId} v${version}: ${describe(s)}\n`);
    return EXIT.OK;
  },
};

function describeRetry(r: { requeued: number; skipped: { permanent: number; inProgress: number } }) {
  const skipped = [
    r.skipped.permanent > 0 && `${r.skipped.permanent} failed permanently (not retried)`,
    r.skipped.inProgress > 0 && `${r.skipped.inProgress} already being retried`,
  ].filter(Boolean);
  return `${r.requeued} failed recipient${r.requeued === 1 ? '' : 's'} put back on the send queue${skipped.length > 0 ? `; ${skipped.join(', ')}` : ''}`;
}

const handled = (s: NotificationProgress) => s.sent + s.failed + s.suppressed;

const describeCounts = (s: NotificationProgress) =>
  `${s.sent} sent, ${s.failed} failed, ${s.suppressed} suppressed of ${s.total}`;

function describe(s: NotificationProgress): string {
  if (s.status === 'not_requested') return 'not_requested (published without notify: no emails)';
  const times = [s.startedAt && `started ${s.startedAt}`, s.completedAt && `completed ${s.completedAt}`]
    .filter(Boolean)
    .join(', ');
  return `${s.status}, ${describeCounts(s)}${times ? ` (${times})` : ''}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
