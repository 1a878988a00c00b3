import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RECIPIENTS_PER_BATCH } from '../../functions/domain/notification';
import { notificationFunctionSpecs } from '../../lib/function-specs';
import {
  MAX_RECEIVE_COUNT,
  perInstanceSendRate,
  VISIBILITY_TIMEOUT_FACTOR,
  workerBatchSize,
} from '../../lib/stateless-stack';
import { type Cfn, logicalId, resourcesOf, testApp, testConfig } from './support';

const { stateless, config, statelessTemplate: template } = testApp();
const resources = template.toJSON().Resources as Record<string, Cfn>;
const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);
const queueId = (key: 'fanout' | 'send') => logicalId(stateless.queues[key]);
const functionId = (name: string) => logicalId(stateless.functions.get(name)!.function);

describe('notification queues', () => {
  it.each([
    ['fanout', 'notify-fanout'],
    ['send', 'notify-worker'],
  ] as const)('the %s queue feeds %s, with a DLQ after ≥ 5 receives', (key, fn) => {
    const queue = resources[queueId(key)].Properties;
    expect(queue.RedrivePolicy.maxReceiveCount).toBe(MAX_RECEIVE_COUNT[key]);
    expect(queue.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
    expect(queue.RedrivePolicy.deadLetterTargetArn).toEqual({
      'Fn::GetAtt': [logicalId(stateless.deadLetterQueues[key]), 'Arn'],
    });
    const mapping = mappings.find((m) => m.EventSourceArn['Fn::GetAtt'][0] === queueId(key));
    expect(mapping.FunctionName).toEqual({ Ref: functionId(fn) });
  });

  it('gives every queue a visibility timeout of at least 6× its consumer function timeout', () => {
    for (const mapping of mappings) {
      const queue = resources[mapping.EventSourceArn['Fn::GetAtt'][0]].Properties;
      const timeout = resources[mapping.FunctionName.Ref].Properties.Timeout;
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * timeout);
    }
  });

  it('encrypts every queue and refuses non-TLS requests', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(5);
    for (const [id, queue] of queues) expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
    const policies = resourcesOf(template, 'AWS::SQS::QueuePolicy');
    for (const [id] of queues) {
      const policy = policies.find(([, p]) => p.Properties.Queues.some((q: Cfn) => q.Ref === id));
      expect(policy?.[1].Properties.PolicyDocument.Statement, id).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('reports batch item failures and caps concurrency on every SQS event source', () => {
    expect(mappings).toHaveLength(2);
    for (const mapping of mappings) {
      expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
    }
    const worker = mappings.find((m) => m.FunctionName.Ref === functionId('notify-worker'));
    expect(worker.ScalingConfig.MaximumConcurrency).toBe(config.workerConcurrency);
  });

  it('lets only the fan-out, which feeds its own queue step by step, past recursive loop detection', () => {
    for (const [name, fn] of stateless.functions) {
      const expected = name === 'notify-fanout' ? 'Allow' : 'Terminate';
      expect(resources[logicalId(fn.function)].Properties.RecursiveLoop, name).toBe(expected);
    }
  });

  it('gives the worker no more recipient batches per invocation than it can send in half its timeout', () => {
    const mapping = mappings.find((m) => m.EventSourceArn['Fn::GetAtt'][0] === queueId('send'));
    expect(mapping.BatchSize).toBe(workerBatchSize(config));
    const { timeoutSeconds } = notificationFunctionSpecs.worker;
    for (const c of [
      config,
      { sesMaxSendRate: 1, workerConcurrency: 2 },
      { sesMaxSendRate: 200, workerConcurrency: 10 },
    ]) {
      const size = workerBatchSize(c);
      expect(size).toBeGreaterThanOrEqual(1);
      expect(size).toBeLessThanOrEqual(10);
      // Even the minimum batch fits in the timeout at the slowest rate configured here (sandbox: 1/s).
      expect((size * RECIPIENTS_PER_BATCH) / perInstanceSendRate(c)).toBeLessThanOrEqual(timeoutSeconds);
    }
  });

  it('paces each worker instance to its share of the SES send rate', () => {
    const env = resources[functionId('notify-worker')].Properties.Environment.Variables;
    expect(env.SES_MAX_SEND_RATE).toBe('7');
    expect(perInstanceSendRate({ sesMaxSendRate: 1, workerConcurrency: 3 })).toBe(0.333);
    expect(env).toMatchObject({
      SES_FROM_ADDRESS: 'privacy@example.com',
      SES_CONFIGURATION_SET: { Ref: logicalId(stateless.configurationSet) },
      PUBLIC_BASE_URL: 'https://policies.example.com',
      ORG_NAME: 'Example Co.',
      ORG_PHONE: '+84 28 0000 0000',
      ORG_EMAIL: 'dpo@example.com',
    });
  });
});

describe('SES events and the sweeper', () => {
  it('publishes delivery, bounce, complaint and reject events of the configuration set to an encrypted topic', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalId(stateless.configurationSet) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['delivery', 'bounce', 'complaint', 'reject'],
        SnsDestination: { TopicARN: { Ref: logicalId(stateless.sesEventsTopic) } },
      },
    });
    expect(resources[logicalId(stateless.sesEventsTopic)].Properties.KmsMasterKeyId).toBeDefined();
  });

  it('lets SES publish to the topic only for this account and configuration set', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: logicalId(stateless.sesEventsTopic) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: { StringEquals: Match.objectLike({ 'AWS:SourceAccount': Match.anyValue() }) },
          }),
        ]),
      },
    });
  });

  it('subscribes ses-events to the topic and gives it a DLQ for failed invocations', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: logicalId(stateless.sesEventsTopic) },
      Endpoint: { 'Fn::GetAtt': [functionId('ses-events'), 'Arn'] },
    });
    expect(resources[functionId('ses-events')].Properties.DeadLetterConfig.TargetArn).toEqual({
      'Fn::GetAtt': [logicalId(stateless.deadLetterQueues.sesEvents), 'Arn'],
    });
  });

  it('runs the sweeper every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('notify-sweeper'), 'Arn'] } })],
    });
  });
});

describe('campaigns sized to SES', () => {
  it('keeps messages 14 days (1,209,600 s) in every queue', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(5);
    for (const [id, queue] of queues) expect(queue.Properties.MessageRetentionPeriod, id).toBe(1_209_600);
  });

  it('alarms when the send queue holds a message older than 7 days', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 604_800,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId('send'), 'QueueName'] } }],
    });
  });
});

describe('reserved concurrency and the counters reconciliation', () => {
  const fnProps = (name: string) => resources[functionId(name)].Properties;

  it('reserves the workers their concurrency, capped at what SQS may run, so a campaign cannot starve the API', () => {
    expect(fnProps('notify-worker').ReservedConcurrentExecutions).toBe(2);
    expect(fnProps('notify-fanout').ReservedConcurrentExecutions).toBe(2);
    expect(fnProps('reconcile-counts').ReservedConcurrentExecutions).toBe(1);
    for (const name of ['read', 'publish', 'customers', 'acknowledgments', 'compliance', 'authorizer'])
      expect(fnProps(name).ReservedConcurrentExecutions, name).toBeUndefined();
    const worker = testApp({ ...testConfig, workerConcurrency: '8' }).statelessTemplate;
    worker.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('notify-worker'),
      ReservedConcurrentExecutions: 8,
    });
  });

  it('runs reconcile-counts every 6 hours from EventBridge', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .filter((r) => r.Targets[0].Arn['Fn::GetAtt'][0] === functionId('reconcile-counts'));
    expect(rules).toHaveLength(1);
    expect(rules[0].ScheduleExpression).toBe('rate(6 hours)');
  });
});
