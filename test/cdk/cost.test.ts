import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixedCostRows, PRICES_AS_OF, runsPerMonth } from '../../lib/cost-model';
import { notificationFunctionSpecs } from '../../lib/function-specs';
import { type Cfn, logicalId, resourcesOf, testApp } from './support';

const { stateless, statelessTemplate, statefulTemplate } = testApp();
const deploy = readFileSync(new URL('../../docs/DEPLOY.md', import.meta.url), 'utf8');
const count = (type: string) =>
  resourcesOf(statelessTemplate, type).length + resourcesOf(statefulTemplate, type).length;

describe('the cost model in docs/DEPLOY.md', () => {
  it('prints the fixed monthly cost the synthesized template implies', () => {
    const sweeperId = logicalId(stateless.functions.get('notify-sweeper')!.function);
    const sweeperRule = resourcesOf(statelessTemplate, 'AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .find((r: Cfn) => r.Targets[0].Arn['Fn::GetAtt'][0] === sweeperId);
    const dashboard = JSON.stringify(resourcesOf(statelessTemplate, 'AWS::CloudWatch::Dashboard')[0]![1]);
    const businessMetrics = [
      'EmailsSent',
      'EmailsFailed',
      'EmailsSuppressed',
      'Acknowledgments',
      'StatusChecks',
      'PublishedRevisions',
    ].filter((m) => dashboard.includes(`\\"PolicyNotify\\",\\"${m}\\"`));
    const counts = {
      alarms: count('AWS::CloudWatch::Alarm'),
      dashboards: count('AWS::CloudWatch::Dashboard'),
      kmsKeys: count('AWS::KMS::Key'),
      secrets: count('AWS::SecretsManager::Secret'),
      customMetrics: businessMetrics.length,
      polledQueues: count('AWS::Lambda::EventSourceMapping'),
      sweeper: {
        perMonth: runsPerMonth(sweeperRule.ScheduleExpression),
        memoryMb: notificationFunctionSpecs.sweeper.memoryMb,
      },
    };
    expect(counts).toEqual({
      alarms: 30,
      dashboards: 1,
      kmsKeys: 1,
      secrets: 1,
      customMetrics: 6,
      polledQueues: 2,
      sweeper: { perMonth: 43_200, memoryMb: 512 },
    });
    const { rows, total } = fixedCostRows(counts);
    for (const row of rows) expect(deploy).toContain(row);
    expect(total).toBeCloseTo(9.76, 2);
  });

  it('dates its list prices', () => {
    expect(deploy).toContain(`list prices as of ${PRICES_AS_OF}`);
  });
});
