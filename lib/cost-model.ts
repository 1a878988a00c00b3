/**
 * The standing (fixed) monthly cost of a deployment, from what the template holds: docs/DEPLOY.md prints
 * these rows, and test/cdk/cost.test.ts recomputes them from the synthesized template so the document
 * cannot drift from the stacks. Plain data, no CDK import.
 *
 * List prices, us-east-1, before free tiers, as checked on 2026-12-01 (PRICES_AS_OF).
 */
export const PRICES_AS_OF = '2026-12-01';

export const PRICES = {
  alarmMonth: 0.1,
  dashboardMonth: 3.0,
  kmsKeyMonth: 1.0,
  secretMonth: 0.4,
  customMetricMonth: 0.3,
  lambdaPerMillionRequests: 0.2,
  lambdaArmGbSecond: 0.0000133334,
  sqsPerMillionRequests: 0.4,
} as const;

const DAYS_PER_MONTH = 30;
/** Lambda's SQS pollers long-poll an idle queue about 3 times a minute each, with 5 pollers to start. */
export const IDLE_SQS_REQUESTS_PER_QUEUE_MONTH = 5 * 3 * 60 * 24 * DAYS_PER_MONTH;

export interface TemplateCounts {
  alarms: number;
  dashboards: number;
  kmsKeys: number;
  secrets: number;
  /** Distinct business metrics the dashboard reads in the service's namespace (one dimension set each). */
  customMetrics: number;
  /** Queues polled by a Lambda event source mapping. */
  polledQueues: number;
  /** The sweeper schedule: invocations a month, its memory (MB); each run takes about 100 ms. */
  sweeper: { perMonth: number; memoryMb: number };
}

/** `rate(1 minute)` → 43,200 runs in 30 days. */
export function runsPerMonth(scheduleExpression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(scheduleExpression);
  if (!m) throw new Error(`unsupported schedule ${scheduleExpression}`);
  const minutes =
    { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 }[m[2]!]! * Number(m[1]);
  return (DAYS_PER_MONTH * 24 * 60) / minutes;
}

const dollars = (n: number) => `$${n.toFixed(2)}`;
const int = (n: number) => n.toLocaleString('en-US');

/** The fixed-cost rows exactly as docs/DEPLOY.md prints them: `| item | arithmetic | cost |`. */
export function fixedCostRows(c: TemplateCounts): { rows: string[]; total: number } {
  const sweeperGbS = c.sweeper.perMonth * 0.1 * (c.sweeper.memoryMb / 1024);
  const sweeper =
    (c.sweeper.perMonth / 1_000_000) * PRICES.lambdaPerMillionRequests +
    sweeperGbS * PRICES.lambdaArmGbSecond;
  const idleSqs =
    ((c.polledQueues * IDLE_SQS_REQUESTS_PER_QUEUE_MONTH) / 1_000_000) * PRICES.sqsPerMillionRequests;
  const items: Array<[string, string, number]> = [
    ['CloudWatch alarms', `${c.alarms} × $0.10`, c.alarms * PRICES.alarmMonth],
    ['CloudWatch dashboard', `${c.dashboards} × $3.00`, c.dashboards * PRICES.dashboardMonth],
    [
      'Business metrics (EMF)',
      `${c.customMetrics} metrics × $0.30`,
      c.customMetrics * PRICES.customMetricMonth,
    ],
    ['KMS key (SNS topics)', `${c.kmsKeys} × $1.00`, c.kmsKeys * PRICES.kmsKeyMonth],
    ['Secrets Manager (API tokens)', `${c.secrets} × $0.40`, c.secrets * PRICES.secretMonth],
    [
      'Sweeper (every minute)',
      `${int(c.sweeper.perMonth)} runs × ($0.20/M + 0.1 s × ${c.sweeper.memoryMb / 1024} GB × $0.0000133334)`,
      sweeper,
    ],
    [
      'Idle SQS long polling',
      `${c.polledQueues} queues × ${int(IDLE_SQS_REQUESTS_PER_QUEUE_MONTH)} requests × $0.40/M`,
      idleSqs,
    ],
  ];
  const rounded = items.map(([label, how, cost]) => [label, how, Math.round(cost * 100) / 100] as const);
  const total = rounded.reduce((sum, [, , cost]) => sum + cost, 0);
  return {
    rows: [
      ...rounded.map(([label, how, cost]) => `| ${label} | ${how} | ${dollars(cost)} |`),
      `| **Fixed total** | | **${dollars(total)}** |`,
    ],
    total,
  };
}
