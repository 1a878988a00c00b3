import { describe, expect, it } from 'vitest';
import { SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD } from '../../lib/alarms';
import { type Cfn, logicalId, resourcesOf, testApp, testConfig } from './support';

const { stateless, statelessTemplate: template } = testApp();
const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
const topicId = logicalId(stateless.alarms.topic);

const dimensionRef = (alarm: Cfn) => alarm.Dimensions?.[0]?.Value;
const find = (metricName: string, ref?: unknown) =>
  alarms.filter(
    (a) =>
      a.MetricName === metricName &&
      (ref === undefined || JSON.stringify(dimensionRef(a)) === JSON.stringify(ref)),
  );

describe('alarms', () => {
  it('alarms when any dead-letter queue holds a message', () => {
    for (const [key, dlq] of Object.entries(stateless.deadLetterQueues)) {
      const [alarm, ...more] = find('ApproximateNumberOfMessagesVisible', {
        'Fn::GetAtt': [logicalId(dlq), 'QueueName'],
      });
      expect(more, key).toEqual([]);
      expect(alarm, key).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Namespace: 'AWS/SQS',
      });
    }
  });

  it('alarms on errors and on throttles of every function', () => {
    for (const [name, fn] of stateless.functions) {
      for (const metric of ['Errors', 'Throttles']) {
        const found = find(metric, { Ref: logicalId(fn.function) });
        expect(found, `${name} ${metric}`).toHaveLength(1);
        expect(found[0]).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1 });
      }
    }
  });

  it('alarms at a 2% SES bounce rate and a 0.05% complaint rate, before SES reviews the account', () => {
    expect(SES_BOUNCE_RATE_THRESHOLD).toBe(0.02);
    expect(SES_COMPLAINT_RATE_THRESHOLD).toBe(0.0005);
    expect(find('Reputation.BounceRate')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SES',
        Threshold: 0.02,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ]);
    expect(find('Reputation.ComplaintRate')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SES',
        Threshold: 0.0005,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ]);
  });

  it('alarms on API 5xx responses', () => {
    expect(find('5xx')).toHaveLength(1);
  });

  it('alarms the first time the authorizer refuses every token because the secret is unreadable', () => {
    expect(find('AuthorizerSecretUnavailable')).toEqual([
      expect.objectContaining({
        Namespace: 'PolicyNotify',
        Dimensions: [{ Name: 'service', Value: 'authorizer' }],
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ]);
  });

  it('sends every alarm and its recovery to the encrypted alarm topic', () => {
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, alarm.MetricName).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions, alarm.MetricName).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stateless.topicKey), 'Arn'] },
    });
  });

  it('emails the alarm topic only when alarmEmail is configured', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
    const { alarmEmail: _omit, ...withoutEmail } = testConfig;
    const other = testApp(withoutEmail).statelessTemplate;
    expect(
      Object.values(other.findResources('AWS::SNS::Subscription')).map((s) => s.Properties.Protocol),
    ).toEqual(['lambda']);
  });
});

describe('alarm delivery', () => {
  const policies = resourcesOf(template, 'AWS::SNS::TopicPolicy')
    .map(([, p]) => p.Properties)
    .filter((p) => p.Topics.some((t: Cfn) => t.Ref === topicId));

  it('lets CloudWatch alarms of this account publish to the alarm topic', () => {
    expect(policies).toHaveLength(1);
    const statements = policies[0].PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudwatch:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':alarm:*',
                ],
              ],
            },
          },
        },
      }),
    );
  });

  it('keeps denying publishes that do not use TLS', () => {
    const statements = policies[0].PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('also sends every alarm to an existing topic when alarmTopicArn is configured', () => {
    const existing = 'arn:aws:sns:ap-southeast-1:123456789012:oncall';
    const other = testApp({ ...testConfig, alarmTopicArn: existing }).statelessTemplate;
    const all = resourcesOf(other, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(all.length).toBeGreaterThan(0);
    for (const alarm of all) expect(alarm.AlarmActions).toContainEqual(existing);
  });

  it('refuses a prod stage whose alarms would reach nobody', () => {
    const { alarmEmail: _omit, ...withoutEmail } = testConfig;
    expect(() => testApp({ ...withoutEmail, stage: 'prod' })).toThrow(
      /stage=prod needs somewhere to send alarms: pass -c alarmEmail=\.\.\. and\/or -c alarmTopicArn=\.\.\./,
    );
    expect(() =>
      testApp({ ...withoutEmail, stage: 'prod', alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:oncall' }),
    ).not.toThrow();
  });
});
