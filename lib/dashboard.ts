/**
 * One CloudWatch dashboard for the service: API traffic and errors, campaigns (emails sent / failed /
 * suppressed, revisions published), queues, SES reputation against the alarm thresholds, function
 * errors, and the business counts (acknowledgments, status checks).
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  type IMetric,
  Metric,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BusinessMetric } from '../functions/ports';
import { SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD } from './alarms';
import type { PolicyFunction } from './policy-function';

export interface ServiceDashboardProps {
  dashboardName: string;
  namespace: string;
  api: HttpApi;
  queues: Record<string, IQueue>;
  deadLetterQueues: Record<string, IQueue>;
  functions: ReadonlyMap<string, PolicyFunction>;
}

const FIVE_MINUTES = Duration.minutes(5);

export class ServiceDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const business = (name: BusinessMetric) =>
      new Metric({
        namespace: props.namespace,
        metricName: name,
        dimensionsMap: { service: 'policy-notify' },
        statistic: Stats.SUM,
        period: FIVE_MINUTES,
      });
    const ses = (metricName: string, statistic: string = Stats.SUM) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic, period: Duration.hours(1) });
    const graph = (
      title: string,
      left: IMetric[],
      opts: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {},
    ) => new GraphWidget({ title, left, width: 12, height: 6, ...opts });
    const threshold = (label: string, value: number): HorizontalAnnotation => ({ label, value });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# policy-notify\nAPI, campaigns, queues, SES reputation and errors (docs/DEPLOY.md, Operations).',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('API requests and errors', [
        props.api.metricCount({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        props.api.metricClientError({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        props.api.metricServerError({ statistic: Stats.SUM, period: FIVE_MINUTES }),
      ]),
      graph('API latency (p50, p99)', [
        props.api.metricLatency({ statistic: Stats.p(50), period: FIVE_MINUTES }),
        props.api.metricLatency({ statistic: Stats.p(99), period: FIVE_MINUTES }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Campaigns: emails',
        [business('EmailsSent'), business('EmailsFailed'), business('EmailsSuppressed')],
        {
          right: [business('PublishedRevisions')],
        },
      ),
      graph('Acknowledgments and status checks', [business('Acknowledgments')], {
        right: [business('StatusChecks')],
      }),
    );
    const queueMetrics = (pick: (q: IQueue) => IMetric, queues: Record<string, IQueue>) =>
      Object.values(queues).map(pick);
    this.dashboard.addWidgets(
      graph(
        'Queues: messages waiting',
        queueMetrics(
          (q) => q.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM }),
          props.queues,
        ),
        {
          right: queueMetrics(
            (q) => q.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM }),
            props.deadLetterQueues,
          ),
        },
      ),
      graph(
        'Queues: age of oldest message (s)',
        queueMetrics(
          (q) => q.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM }),
          props.queues,
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'SES reputation',
        [ses('Reputation.BounceRate', Stats.MAXIMUM), ses('Reputation.ComplaintRate', Stats.MAXIMUM)],
        {
          leftAnnotations: [
            threshold('bounce alarm', SES_BOUNCE_RATE_THRESHOLD),
            threshold('complaint alarm', SES_COMPLAINT_RATE_THRESHOLD),
          ],
        },
      ),
      graph('SES sending', [ses('Send'), ses('Delivery'), ses('Bounce'), ses('Complaint'), ses('Reject')]),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        [...props.functions.values()].map((fn) =>
          fn.function.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        ),
      ),
      graph(
        'Function throttles',
        [...props.functions.values()].map((fn) =>
          fn.function.metricThrottles({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        ),
      ),
    );
  }
}
