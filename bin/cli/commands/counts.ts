/**
 * `policyctl counts`: the acknowledgment counts of a policy over the API, or, with --reconcile, the
 * counters recomputed from the tables and corrected (the same code the scheduled reconcile-counts
 * function runs), straight against a DynamoDB endpoint: the embedded one of `npm start`, DynamoDB Local,
 * or AWS with table names.
 */
import { createDocumentClient, createDynamoClient } from '../../../functions/adapters/dynamodb/client';
import { tableDefs } from '../../../functions/adapters/dynamodb/tables';
import { buildReconcileCounts } from '../../../functions/composition/reconcile-counts';
import { reconcileCounts } from '../../../functions/usecases/counts';
import { flag, positionalsExactly, stringOption } from '../args';
import type { Command } from '../context';
import { usageError } from '../errors';

/** Where `npm start` serves its embedded DynamoDB (DYNAMODB_PORT there). */
export const DEFAULT_LOCAL_DYNAMODB = 'http://127.0.0.1:8006';

interface Summary {
  policyId: string;
  requiredVersion: number | null;
  activeCustomers: number;
  acknowledgedRequired: number;
  pending: number;
  acknowledgmentsByVersion: Record<string, number>;
}

export const counts: Command = {
  name: 'counts',
  summary: 'acknowledgment counts of a policy, or --reconcile the counters with the tables',
  usage: 'counts <policyId> | counts --reconcile [--dynamodb URL] [--table-prefix P]',
  help: `Arguments:
  <policyId>            the policy, e.g. privacy: who must still acknowledge (from the counters)

Options:
  --reconcile           recompute every counter from the tables and correct any drift, talking to
                        DynamoDB directly (no API call, no token)
  --dynamodb URL        DynamoDB endpoint (env DYNAMODB_ENDPOINT; default ${DEFAULT_LOCAL_DYNAMODB}, the
                        embedded store of npm start); "aws" uses the AWS SDK's default endpoint and credentials
  --table-prefix P      table name prefix (env TABLE_PREFIX; npm start uses none): tables are
                        <P>Policies, <P>Customers, <P>Acknowledgments
  --json                print the answer as JSON

Counts need a publisher token (--token, POLICY_TOKEN or POLICY_PUBLISHER_TOKEN); --reconcile needs none.`,
  options: {
    reconcile: { type: 'boolean' },
    dynamodb: { type: 'string' },
    'table-prefix': { type: 'string' },
  },
  async run(ctx, { values, positionals }) {
    if (!flag(values, 'reconcile')) {
      const [policyId] = positionalsExactly(positionals, ['policyId']);
      const res = await ctx
        .client('publisher')
        .call('acknowledgmentSummary', { params: { policyId: policyId! } });
      const s: Summary = res.data;
      if (ctx.json) await ctx.printJson(s);
      else {
        const versions = Object.entries(s.acknowledgmentsByVersion)
          .map(([v, n]) => `v${v}: ${n}`)
          .join(', ');
        await ctx.out(
          `${s.policyId}: ${s.activeCustomers} active customers, ${s.acknowledgedRequired} acknowledged ` +
            `v${s.requiredVersion ?? '-'} or later, ${s.pending} pending\n` +
            `  acknowledgments by version: ${versions || 'none'}\n`,
        );
      }
      return 0;
    }
    if (positionals.length > 0)
      throw usageError('--reconcile takes no <policyId>: it reconciles every counter');
    const endpointOption =
      stringOption(values, 'dynamodb') ?? ctx.io.env.DYNAMODB_ENDPOINT ?? DEFAULT_LOCAL_DYNAMODB;
    const endpoint = endpointOption === 'aws' ? undefined : endpointOption;
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint))
      throw usageError(`--dynamodb must be an http(s) URL or "aws", not '${endpoint.slice(0, 100)}'`);
    const prefix = stringOption(values, 'table-prefix') ?? ctx.io.env.TABLE_PREFIX ?? '';
    const client = createDynamoClient({ endpoint, region: ctx.io.env.AWS_REGION });
    try {
      const doc = createDocumentClient(client);
      const tables = {
        policies: `${prefix}${tableDefs.policies.id}`,
        customers: `${prefix}${tableDefs.customers.id}`,
        acknowledgments: `${prefix}${tableDefs.acknowledgments.id}`,
      };
      // The scheduled reconcile-counts function's own builder, on these tables.
      const report = await reconcileCounts(buildReconcileCounts({ db: { doc, tables } }, {}));
      if (ctx.json) await ctx.printJson(report);
      else {
        const lines = report.corrections.map((c) =>
          c.status === 'corrected'
            ? `${c.counter}: corrected ${Object.entries(c.deltas)
                .map(([k, d]) => `${k} ${d > 0 ? '+' : ''}${d}`)
                .join(', ')}`
            : `${c.counter}: ${c.status === 'busy' ? 'changed during the run, left for the next one' : 'exact'}`,
        );
        await ctx.out(`${report.activeCustomers} active customers\n${lines.join('\n')}\n`);
      }
      return 0;
    } finally {
      client.destroy();
    }
  },
};
