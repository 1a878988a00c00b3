import type { AcknowledgmentStatus } from '../../../client';
import { positionalsExactly } from '../args';
import type { Command } from '../context';

export const status: Command = {
  name: 'status',
  summary: 'must this user acknowledge the policy (again)?',
  usage: 'status <userId> <policyId>',
  help: `Arguments:
  <userId>     the user, as your app identifies them
  <policyId>   the policy, e.g. privacy

Options:
  --json       print the API's answer as JSON

The exit code is 0 whatever the answer; read "mustAcknowledge" from --json in scripts.
Needs an app token (--token, POLICY_TOKEN or POLICY_APP_TOKEN).`,
  options: {},
  async run(ctx, { positionals }) {
    const [userId, policyId] = positionalsExactly(positionals, ['userId', 'policyId']);
    const s = await ctx.client('app').call('status', { params: { userId: userId!, policyId: policyId! } });
    if (ctx.json) await ctx.printJson(s.data);
    else await ctx.out(describeStatus(s.data));
    return 0;
  },
};

function describeStatus(s: AcknowledgmentStatus): string {
  const acked = s.acknowledgedVersion
    ? `acknowledged v${s.acknowledgedVersion} at ${s.acknowledgedAt}`
    : 'never acknowledged';
  let line: string;
  if (s.reason === 'NOTHING_IN_EFFECT') {
    line = `${s.userId}: nothing to acknowledge, no version of ${s.policyId} is in effect yet`;
  } else if (s.mustAcknowledge) {
    line = `${s.userId} must acknowledge ${s.policyId} v${s.requiredVersion} (${s.reason}; ${acked})`;
  } else {
    line = `${s.userId} is up to date with ${s.policyId} (${acked}; current v${s.currentVersion})`;
  }
  const upcoming = s.upcoming
    ? `\nupcoming: v${s.upcoming.version} takes effect at ${s.upcoming.effectiveAt}`
    : '';
  return `${line}${upcoming}\n`;
}
