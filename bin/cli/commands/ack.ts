import type { AcknowledgeInput } from '../../../client';
import { keyValues, listOption, parseInteger, positionalsExactly, stringOption } from '../args';
import type { Command } from '../context';

export const ack: Command = {
  name: 'ack',
  summary: "record a user's acknowledgment of a version",
  usage: 'ack <userId> <policyId> <version> [--locale LOCALE] [--channel NAME] [--evidence KEY=VALUE...]',
  help: `Arguments:
  <userId>              the user, as your app identifies them
  <policyId>            the policy, e.g. privacy
  <version>             the version the user accepted (a number)

Options:
  --locale LOCALE       the text the user was shown (default: the policy's default locale)
  --channel NAME        where it happened: a-z 0-9 _ - (default: cli)
  --evidence KEY=VALUE  evidence to keep with the record, e.g. ip=203.0.113.7 (repeatable)
  --json                print the API's answer as JSON

Acknowledging the same version again changes nothing and shows the first record.
Needs an app token (--token, POLICY_TOKEN or POLICY_APP_TOKEN).`,
  options: {
    locale: { type: 'string' },
    channel: { type: 'string' },
    evidence: { type: 'string', multiple: true },
  },
  async run(ctx, { values, positionals }) {
    const [userId, policyId, rawVersion] = positionalsExactly(positionals, ['userId', 'policyId', 'version']);
    const version = parseInteger(rawVersion!, '<version>', { min: 1 });
    const body: AcknowledgeInput = {
      policyId: policyId!,
      version,
      channel: stringOption(values, 'channel') ?? 'cli',
    };
    const locale = stringOption(values, 'locale');
    if (locale !== undefined) body.locale = locale;
    const evidence = keyValues(listOption(values, 'evidence'), 'evidence', 'KEY=VALUE');
    if (evidence.length > 0) body.evidence = Object.fromEntries(evidence);

    // Safe to retry: the API answers a repeated acknowledgment with the first record.
    const res = await ctx.client('app').call('acknowledge', { params: { userId: userId! }, body });
    const a = res.data;
    if (ctx.json) {
      await ctx.printJson(a);
    } else {
      const what = res.status === 201 ? 'recorded' : 'already recorded (unchanged)';
      await ctx.out(
        `${what}: ${a.userId} acknowledged ${a.policyId} v${a.version} at ${a.acknowledgedAt}\n` +
          `  locale ${a.locale}, ${a.contentHash}, channel ${a.channel}, receipt ${a.receiptId}\n`,
      );
    }
    return 0;
  },
};
