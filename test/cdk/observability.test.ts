import { describe, expect, it } from 'vitest';
import { type Cfn, resourcesOf, testApp, testConfig } from './support';

const { statelessTemplate: template } = testApp();

/** The dashboard body as JSON: CloudFormation joins tokens into it with Fn::Join. */
function dashboardBody(t = template): Cfn {
  const [[, dashboard]] = resourcesOf(t, 'AWS::CloudWatch::Dashboard') as [[string, Cfn]];
  const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts.map((p) => (typeof p === 'string' ? p : '"TOKEN"')).join('');
  return JSON.parse(text.replace(/""TOKEN""/g, '"TOKEN"').replace(/"TOKEN"/g, '"TOKEN"'));
}

const titles = (body: Cfn) => body.widgets.map((w: Cfn) => w.properties.title).filter(Boolean);
const metricsOf = (body: Cfn, title: string) =>
  body.widgets.find((w: Cfn) => w.properties.title === title).properties.metrics as unknown[][];

describe('operations', () => {
  it('has one dashboard with API, campaigns, queues, SES reputation and errors', () => {
    const dashboards = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]![1].Properties.DashboardName).toBe('policy-notify-test');
    const body = dashboardBody();
    expect(titles(body)).toEqual([
      'API requests and errors',
      'API latency (p50, p99)',
      'Campaigns: emails',
      'Acknowledgments and status checks',
      'Queues: messages waiting',
      'Queues: age of oldest message (s)',
      'SES reputation',
      'SES sending',
      'Function errors',
      'Function throttles',
    ]);
    const campaign = metricsOf(body, 'Campaigns: emails').map((m) => m.slice(0, 2));
    expect(campaign).toEqual([
      ['PolicyNotify', 'EmailsSent'],
      ['PolicyNotify', 'EmailsFailed'],
      ['PolicyNotify', 'EmailsSuppressed'],
      ['PolicyNotify', 'PublishedRevisions'],
    ]);
    const reputation = body.widgets.find((w: Cfn) => w.properties.title === 'SES reputation').properties;
    expect(reputation.annotations.horizontal.map((a: Cfn) => a.value)).toEqual([0.02, 0.0005]);
  });

  it('puts the business metrics in the namespace metricsNamespace names, on every function', () => {
    const other = testApp({ ...testConfig, metricsNamespace: 'Acme/Policies' }).statelessTemplate;
    const functions = resourcesOf(other, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(8);
    for (const [id, fn] of functions)
      expect(fn.Properties.Environment.Variables, id).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'Acme/Policies',
        POWERTOOLS_SERVICE_NAME: 'policy-notify',
      });
    expect(
      metricsOf(dashboardBody(other), 'Acknowledgments and status checks').map((m) => m.slice(0, 2)),
    ).toEqual([
      ['Acme/Policies', 'Acknowledgments'],
      ['Acme/Policies', 'StatusChecks'],
    ]);
  });
});
