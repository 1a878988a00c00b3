/**
 * Alarms that say something needs a human: a message gave up (DLQ not empty), a function failed or was
 * throttled, the API answered 5xx, or SES reputation is heading for an account review. All go to one
 * encrypted SNS topic, with an optional email subscription.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PolicyFunction } from './policy-function';

/**
 * SES puts an account under review at a 5% bounce rate or a 0.1% complaint rate: alarm well before,
 * at 2% and 0.05%, while there is still time to clean the list.
 */
export const SES_BOUNCE_RATE_THRESHOLD = 0.02;
export const SES_COMPLAINT_RATE_THRESHOLD = 0.0005;

export interface ServiceAlarmsProps {
  masterKey: IKey;
  alarmEmail?: string;
  /** An existing topic (e.g. the on-call team's) that also receives every alarm and recovery. */
  alarmTopicArn?: string;
}

export class ServiceAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  /** Where every alarm and recovery goes: the service's topic, and the existing one when configured. */
  private readonly targets: ITopic[];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'policy-notify alarms',
      masterKey: props.masterKey,
      enforceSSL: true,
    });
    // enforceSSL writes a topic policy holding only its Deny, and a topic policy replaces SNS's default
    // one: without this statement CloudWatch may not publish and no alarm is ever delivered.
    const { account, region, partition } = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.targets = [
      this.topic,
      ...(props.alarmTopicArn ? [Topic.fromTopicArn(this, 'ExistingTopic', props.alarmTopicArn)] : []),
    ];

    const sesMetric = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: Stats.MAXIMUM, period: Duration.hours(1) });
    this.add('SesBounceRate', sesMetric('Reputation.BounceRate'), SES_BOUNCE_RATE_THRESHOLD, {
      description: `SES bounce rate reached ${SES_BOUNCE_RATE_THRESHOLD * 100}% (SES reviews the account at 5%). Check the ses-events function and the customer list.`,
    });
    this.add('SesComplaintRate', sesMetric('Reputation.ComplaintRate'), SES_COMPLAINT_RATE_THRESHOLD, {
      description: `SES complaint rate reached ${SES_COMPLAINT_RATE_THRESHOLD * 100}% (SES reviews the account at 0.1%).`,
    });
  }

  /** A dead-letter queue holding any message means a message was given up on. */
  addDeadLetterQueue(name: string, dlq: IQueue): void {
    this.add(
      `${name}DlqNotEmpty`,
      dlq.metricApproximateNumberOfMessagesVisible({
        statistic: Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      1,
      { description: `${name} dead-letter queue is not empty: messages failed every retry.` },
    );
  }

  /**
   * The oldest message waiting longer than `maxAge`: a campaign is running slower than SES's quota allows
   * for (or the worker is stuck), and its recipients would expire from the queue at the retention period.
   */
  addQueueAge(name: string, queue: IQueue, maxAge: Duration): void {
    this.add(
      `${name}QueueOldestMessageAge`,
      queue.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, period: Duration.minutes(5) }),
      maxAge.toSeconds(),
      {
        description: `${name} queue holds a message older than ${maxAge.toDays()} days: raise the SES quota or fix the worker before messages expire (docs/DEPLOY.md, campaign sizing).`,
      },
    );
  }

  addFunction(name: string, fn: PolicyFunction): void {
    const period = Duration.minutes(5);
    this.add(`${name}Errors`, fn.function.metricErrors({ statistic: Stats.SUM, period }), 1, {
      description: `${name} function invocations failed.`,
    });
    this.add(`${name}Throttles`, fn.function.metricThrottles({ statistic: Stats.SUM, period }), 1, {
      description: `${name} function invocations were throttled.`,
    });
  }

  /**
   * The authorizer failing closed: it could not read the token secret past its cache's TTL, so every
   * protected request gets 401 (functions/handlers/authorizer.ts emits the metric on each refusal).
   */
  addAuthorizerSecretUnavailable(namespace: string): void {
    this.add(
      'AuthorizerSecretUnavailable',
      new Metric({
        namespace,
        metricName: 'AuthorizerSecretUnavailable',
        dimensionsMap: { service: 'authorizer' },
        statistic: Stats.SUM,
        period: Duration.minutes(1),
      }),
      1,
      {
        description:
          'The authorizer cannot read the API token secret and refuses every token (401 on every protected route). Check the secret and the authorizer role.',
      },
    );
  }

  /** API functions turn faults into 500 responses rather than invocation errors: watch the API too. */
  addHttpApi(name: string, api: HttpApi): void {
    this.add(
      `${name}ServerErrors`,
      api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      1,
      {
        description: `${name} answered 5xx responses.`,
      },
    );
  }

  private add(id: string, metric: IMetric, threshold: number, opts: { description: string }): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: opts.description,
    });
    for (const topic of this.targets) {
      const action = new SnsAction(topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.alarms.push(alarm);
    return alarm;
  }
}
