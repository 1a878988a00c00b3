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

describe('tracing (X-Ray active tracing, Powertools Tracer on SDK calls)', () => {
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const policies = resourcesOf(template, 'AWS::IAM::Policy');
  /** The 11 functions of the service (API, authorizer, notification pipeline, events, reconciliation). */
  const EXPECTED_FUNCTIONS = 11;

  it('turns active tracing on for every function', () => {
    expect(functions).toHaveLength(EXPECTED_FUNCTIONS);
    for (const [id, fn] of functions) expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
  });

  it('never switches Tracer off in Lambda (POWERTOOLS_TRACE_ENABLED is unset)', () => {
    for (const [id, fn] of functions)
      expect(fn.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED, id).toBeUndefined();
  });

  it('gives every function the official Powertools layer of release 2.36.0, resolved in the stack region', () => {
    const parameters = Object.entries(template.toJSON().Parameters as Record<string, Cfn>).filter(
      ([, p]) => p.Default === '/aws/service/powertools/typescript/generic/all/2.36.0',
    );
    expect(parameters).toHaveLength(1);
    const [[parameterId, parameter]] = parameters as [[string, Cfn]];
    expect(parameter.Type).toBe('AWS::SSM::Parameter::Value<String>');
    for (const [id, fn] of functions) expect(fn.Properties.Layers, id).toEqual([{ Ref: parameterId }]);
  });

  it('lets each role write traces, with X-Ray as the only statement on Resource "*" (besides GetSendQuota)', () => {
    const roles = new Set(functions.map(([, fn]) => fn.Properties.Role['Fn::GetAtt'][0] as string));
    expect(roles.size).toBe(EXPECTED_FUNCTIONS);
    const xray = {
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      Resource: '*',
    };
    let sendQuotaRoles = 0;
    for (const role of roles) {
      const statements = policies
        .filter(([, p]) => p.Properties.Roles.some((r: Cfn) => r.Ref === role))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Cfn[]);
      const onStar = statements.filter((st) => st.Resource === '*');
      // ses:GetSendQuota has no resource-level permissions either; only the send worker reads it.
      const quota = onStar.filter((st) => st.Action === 'ses:GetSendQuota');
      sendQuotaRoles += quota.length;
      expect(
        onStar.filter((st) => !quota.includes(st)),
        role,
      ).toEqual([xray]);
    }
    expect(sendQuotaRoles).toBe(1);
  });
});
