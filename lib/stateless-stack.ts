/**
 * Everything that can be destroyed and redeployed without losing data: the functions, the HTTP API, the
 * notification queues, the SES configuration set and its event topic, the sweeper schedule and the
 * alarms. Tables and the token secret come from the stateful stack.
 *
 * Grants are built from lib/function-specs.ts: each function gets exactly the table actions, queues and SES
 * identities its spec lists, on named resources (tables and their own indexes, never `index/*`).
 */

import {
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type TableKey, tableDefs } from '../functions/adapters/dynamodb/tables';
import { RECIPIENTS_PER_BATCH } from '../functions/domain/notification';
import type { Route } from '../functions/http/routes';
import { ServiceAlarms } from './alarms';
import { PolicyApi } from './api-construct';
import { type AppConfig, senderDomain } from './config';
import { consoleBundleCommand } from './console-bundle';
import { ServiceDashboard } from './dashboard';
import {
  apiFunctionSpecs,
  authorizerSpec,
  type ConfigEnvVar,
  type FunctionSpec,
  notificationFunctionSpecs,
  type QueueKey,
  queueEnvVar,
  type TableAccess,
} from './function-specs';
import { PolicyFunction } from './policy-function';
import { hostedZoneOf } from './sender-identity';

/** The SES events the configuration set sends to the ses-events function. */
export const SES_CAPTURED_EVENTS = [
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.REJECT,
] as const;

/** SQS redelivers to the consumer this many times before the message moves to the DLQ. */
export const MAX_RECEIVE_COUNT = { fanout: 5, send: 10 } as const;
/** AWS guidance: a queue's visibility timeout is at least 6× its consumer function's timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Fan-out instances at once (its SQS maximum concurrency and reserved concurrency). */
export const FANOUT_CONCURRENCY = 2;
/** SQS's maximum: a campaign slower than SES's quota must not lose recipients to expiry (docs/DEPLOY.md). */
export const QUEUE_RETENTION_DAYS = 14;
/** Half the retention: a week's warning before the oldest recipient batch would expire unsent. */
export const SEND_QUEUE_AGE_ALARM_DAYS = 7;
/** How long the authorizer keeps the token secret in memory before fetching it again. */
export const TOKEN_CACHE_TTL_MS = 60_000;

/** No Scan for anyone: every read is by key or Query on a named index (DESIGN decision 11). */
const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
const COUNTER_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];
const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** The account's SES rate split across the worker instances SQS may run at once (3 decimals, never 0). */
export const perInstanceSendRate = (config: Pick<AppConfig, 'sesMaxSendRate' | 'workerConcurrency'>) =>
  Math.max(0.001, Math.floor((config.sesMaxSendRate / config.workerConcurrency) * 1000) / 1000);

/**
 * SQS messages per worker invocation: as many recipient batches as the instance can send, at its paced
 * rate, in half its timeout (the other half is headroom for throttling back-off), between 1 and 10.
 * Messages an invocation cannot finish are retried, but each retry burns one of maxReceiveCount.
 */
export const workerBatchSize = (config: Pick<AppConfig, 'sesMaxSendRate' | 'workerConcurrency'>) =>
  Math.min(
    10,
    Math.max(
      1,
      Math.floor(
        (notificationFunctionSpecs.worker.timeoutSeconds * 0.5 * perInstanceSendRate(config)) /
          RECIPIENTS_PER_BATCH,
      ),
    ),
  );

export interface StatelessStackProps extends StackProps {
  config: AppConfig;
  tables: Record<TableKey, ITable>;
  apiTokens: ISecret;
  /** The route table; tests pass their own to check that an unknown `fn` fails synth. */
  routes: readonly Route[];
}

export class StatelessStack extends Stack {
  readonly functions = new Map<string, PolicyFunction>();
  readonly queues: Record<QueueKey, Queue>;
  readonly deadLetterQueues: Record<QueueKey | 'sesEvents', Queue>;
  readonly api: PolicyApi;
  readonly alarms: ServiceAlarms;
  readonly configurationSet: ConfigurationSet;
  readonly sesEventsTopic: Topic;
  readonly topicKey: Key;
  readonly dashboard: ServiceDashboard;

  private readonly config: AppConfig;
  private readonly tables: Record<TableKey, ITable>;
  private readonly logRetention: RetentionDays;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export / ImportValue): CloudFormation itself refuses to delete a table or the
    // token secret while this stack still uses it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    this.config = props.config;
    this.tables = props.tables;
    this.logRetention = props.config.logRetentionDays as RetentionDays;
    const specs = notificationFunctionSpecs;

    // One customer managed key for the SNS topics: SES and CloudWatch can publish to an encrypted topic
    // only through a key whose policy lets them, which AWS managed keys do not.
    const topicKey = new Key(this, 'TopicKey', {
      description: 'Encrypts the SES event and alarm topics of policy-notify',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowSesAndCloudWatchToPublishToEncryptedTopics',
        principals: [
          new ServicePrincipal('ses.amazonaws.com'),
          new ServicePrincipal('cloudwatch.amazonaws.com'),
        ],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.topicKey = topicKey;
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      masterKey: topicKey,
      alarmEmail: props.config.alarmEmail,
      alarmTopicArn: props.config.alarmTopicArn,
    });

    // --- Queues: publish → fan-out queue → fan-out function → send queue → worker → SES
    const fanout = this.queueWithDlq('Fanout', specs.fanout.timeoutSeconds, MAX_RECEIVE_COUNT.fanout);
    const send = this.queueWithDlq('Send', specs.worker.timeoutSeconds, MAX_RECEIVE_COUNT.send);
    const sesEventsDlq = this.deadLetterQueue('SesEventsDlq');
    this.queues = { fanout: fanout.queue, send: send.queue };
    this.deadLetterQueues = { fanout: fanout.dlq, send: send.dlq, sesEvents: sesEventsDlq };

    // --- SES: configuration set whose bounces and complaints feed ses-events through an encrypted topic
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.sesEventsTopic = new Topic(this, 'SesEvents', {
      displayName: 'policy-notify SES delivery, bounce, complaint and reject events',
      masterKey: topicKey,
      enforceSSL: true,
    });
    // Delivery events are the proof a customer was told; rejects and bounces say they were not.
    this.configurationSet.addEventDestination('SendingEvents', {
      destination: EventDestination.snsTopic(this.sesEventsTopic),
      events: [...SES_CAPTURED_EVENTS],
    });

    // --- API functions, one per distinct route-table fn, and the authorizer
    for (const spec of apiFunctionSpecs(props.routes)) this.addFunction(spec, `API ${spec.name} routes`);
    const authorizer = this.addFunction(authorizerSpec, 'Bearer token → role for protected API routes', {
      API_TOKENS_SECRET_ARN: props.apiTokens.secretArn,
      TOKEN_CACHE_TTL_MS: String(TOKEN_CACHE_TTL_MS),
    });
    authorizer.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadApiTokens',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.apiTokens.secretArn],
      }),
    );

    const apiFunctions = new Map(
      apiFunctionSpecs(props.routes).map((s) => [s.name, this.functions.get(s.name)!]),
    );
    this.api = new PolicyApi(this, 'Api', {
      routes: props.routes,
      functions: apiFunctions,
      authorizer,
      logRetention: this.logRetention,
      rateLimit: props.config.apiRateLimit,
      burstLimit: props.config.apiBurstLimit,
      authorizerCacheTtl: Duration.seconds(props.config.authorizerCacheTtlSeconds),
      customDomain: props.config.apiDomainName
        ? {
            domainName: props.config.apiDomainName,
            certificateArn: props.config.apiCertificateArn,
            zone: hostedZoneOf(this, senderDomain(props.config.senderEmail), props.config.hostedZoneId),
          }
        : undefined,
    });

    // --- Notification functions
    // Reserved concurrency on the queue consumers: a campaign's workers can never take the concurrency the
    // API functions need, and SQS's maximum concurrency never exceeds what is reserved.
    const fanoutFn = this.addFunction(
      specs.fanout,
      'Pages through customers and enqueues recipient batches',
      {},
      undefined,
      FANOUT_CONCURRENCY,
    );
    fanoutFn.function.addEventSource(
      new SqsEventSource(fanout.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: FANOUT_CONCURRENCY,
      }),
    );

    const workerFn = this.addFunction(
      specs.worker,
      'Sends change emails with SES, paced to the send rate',
      {},
      undefined,
      props.config.workerConcurrency,
    );
    workerFn.function.addEventSource(
      new SqsEventSource(send.queue, {
        batchSize: workerBatchSize(props.config),
        reportBatchItemFailures: true,
        maxConcurrency: props.config.workerConcurrency,
      }),
    );

    const sweeperFn = this.addFunction(specs.sweeper, 'Re-enqueues notification campaigns that stalled');
    new Rule(this, 'SweeperSchedule', {
      description: 'Runs notify-sweeper every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      // The next run a minute later is the retry.
      targets: [new LambdaFunction(sweeperFn.function, { retryAttempts: 0 })],
    });

    // One run at a time: two would each see the other's corrections as concurrent changes.
    const reconcileFn = this.addFunction(
      specs.reconcileCounts,
      'Recomputes the acknowledgment and customer counters from the tables',
      {},
      undefined,
      1,
    );
    new Rule(this, 'ReconcileCountsSchedule', {
      description: `Runs reconcile-counts every ${props.config.countsReconcileHours} h`,
      schedule: Schedule.rate(Duration.hours(props.config.countsReconcileHours)),
      // The next run is the retry; a run meanwhile would only be reported busy.
      targets: [new LambdaFunction(reconcileFn.function, { retryAttempts: 0 })],
    });

    const sesEventsFn = this.addFunction(
      specs.sesEvents,
      'Suppresses customers whose address bounced or complained',
      {},
      sesEventsDlq,
    );
    this.sesEventsTopic.addSubscription(new LambdaSubscription(sesEventsFn.function));

    // --- Alarms
    this.alarms.addDeadLetterQueue('Fanout', fanout.dlq);
    this.alarms.addDeadLetterQueue('Send', send.dlq);
    this.alarms.addDeadLetterQueue('SesEvents', sesEventsDlq);
    this.alarms.addQueueAge('Send', send.queue, Duration.days(SEND_QUEUE_AGE_ALARM_DAYS));
    for (const [name, fn] of this.functions) this.alarms.addFunction(name, fn);
    this.alarms.addHttpApi('Api', this.api.httpApi);
    this.alarms.addAuthorizerSecretUnavailable(props.config.metricsNamespace);

    this.dashboard = new ServiceDashboard(this, 'Dashboard', {
      dashboardName: `policy-notify-${props.config.stage}`,
      namespace: props.config.metricsNamespace,
      api: this.api.httpApi,
      queues: { fanout: fanout.queue, send: send.queue },
      deadLetterQueues: this.deadLetterQueues,
      functions: this.functions,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'ConfigurationSetName', {
      value: this.configurationSet.configurationSetName,
      description: 'SES configuration set every change email is sent through',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarms.topic.topicArn,
      description: 'SNS topic of all alarms (subscribe more endpoints here)',
    });
  }

  private addFunction(
    spec: FunctionSpec,
    description: string,
    extraEnv: Record<string, string> = {},
    deadLetterQueue?: Queue,
    reservedConcurrency?: number,
  ): PolicyFunction {
    if (this.functions.has(spec.name)) throw new Error(`function "${spec.name}" is defined twice`);
    const fn = new PolicyFunction(this, `Fn-${spec.name}`, {
      entry: spec.entry,
      description: `policy-notify ${spec.name}: ${description}`,
      timeout: Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMb,
      logRetention: this.logRetention,
      deadLetterQueue,
      reservedConcurrency,
      allowRecursiveLoop: spec.recursiveByDesign,
      sourceMapsAtRuntime: this.config.sourceMapsAtRuntime,
      metricsNamespace: this.config.metricsNamespace,
      environment: extraEnv,
      afterBundling: spec.shipsConsole
        ? (inputDir, outputDir) => [consoleBundleCommand(inputDir, outputDir)]
        : undefined,
    });

    for (const [key, access] of Object.entries(spec.tables) as Array<[TableKey, TableAccess]>) {
      const def = tableDefs[key];
      const table = this.tables[key];
      const grant = {
        read: { sid: 'Read', actions: TABLE_READ_ACTIONS },
        readWrite: { sid: 'ReadWrite', actions: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS] },
        // Items by key only: no index is needed.
        counters: { sid: 'Counters', actions: COUNTER_ACTIONS },
      }[access];
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: `${def.id}${grant.sid}`,
          actions: grant.actions,
          resources: [
            table.tableArn,
            ...(access === 'counters' ? [] : def.indexes.map((i) => `${table.tableArn}/index/${i.name}`)),
          ],
        }),
      );
      fn.addEnvironment(def.envVar, table.tableName);
    }
    const settings = this.configEnvValues();
    for (const name of spec.configEnv ?? []) fn.addEnvironment(name, settings[name]);
    for (const key of spec.sendsTo ?? []) {
      const queue = this.queues[key];
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: `SendTo${key[0]!.toUpperCase()}${key.slice(1)}Queue`,
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
        }),
      );
      fn.addEnvironment(queueEnvVar[key], queue.queueUrl);
    }
    if (spec.sendsEmail) {
      // SendEmail only: the worker uses the SES v1 SendEmail API (functions/adapters/ses.ts), never raw MIME.
      // SES authorizes against the identity the From address resolves to (the address if it is verified
      // itself, else its domain) and the configuration set: name exactly those, nothing else.
      const identities = [
        ...new Set([
          this.config.senderEmail.toLowerCase(),
          senderDomain(this.config.senderEmail),
          // SES sandbox only (empty in production): verified recipients, which the sandbox also authorizes.
          ...this.config.sandboxRecipients.map((a) => a.toLowerCase()),
        ]),
      ];
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'SendEmailAsSenderIdentity',
          actions: ['ses:SendEmail'],
          // Whatever the code asks for, SES refuses any From address but the configured sender.
          conditions: { StringEquals: { 'ses:FromAddress': this.config.senderEmail } },
          resources: [
            ...identities.map((identity) =>
              this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
            ),
            this.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: this.configurationSet.configurationSetName,
            }),
          ],
        }),
      );
    }
    if (spec.readsSendQuota) {
      // The worker paces to SES's own limits; GetSendQuota has no resource-level permissions.
      fn.addToRolePolicy(
        new PolicyStatement({ sid: 'ReadSendQuota', actions: ['ses:GetSendQuota'], resources: ['*'] }),
      );
    }
    this.functions.set(spec.name, fn);
    return fn;
  }

  private configEnvValues(): Record<ConfigEnvVar, string> {
    const c = this.config;
    return {
      PUBLIC_BASE_URL: c.publicBaseUrl,
      ORG_NAME: c.orgName,
      ORG_PHONE: c.orgPhone,
      ORG_EMAIL: c.orgEmail,
      // Optional ones are empty when unset: the functions read an empty variable as unset.
      ORG_ADDRESS: c.orgAddress ?? '',
      ORG_WEBSITE: c.orgWebsite ?? '',
      ORG_TIME_ZONE: c.orgTimeZone,
      SES_FROM_ADDRESS: c.senderEmail,
      SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
      // Per instance: each worker paces itself, and up to workerConcurrency instances share the account rate.
      SES_MAX_SEND_RATE: String(perInstanceSendRate(c)),
    };
  }

  private deadLetterQueue(id: string): Queue {
    return new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(QUEUE_RETENTION_DAYS),
    });
  }

  private queueWithDlq(id: string, consumerTimeoutSeconds: number, maxReceiveCount: number) {
    const dlq = this.deadLetterQueue(`${id}Dlq`);
    const queue = new Queue(this, `${id}Queue`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(consumerTimeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
      retentionPeriod: Duration.days(QUEUE_RETENTION_DAYS),
      deadLetterQueue: { queue: dlq, maxReceiveCount },
    });
    return { queue, dlq };
  }
}
