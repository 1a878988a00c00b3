/**
 * The composition root (functions/composition/): each function's builder uses exactly the tables and
 * queues its declared needs grant (so lib/ grants nothing unused and nothing missing), each Lambda entry
 * builds from exactly the environment the stack gives it, and bad settings fail naming the variable.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import type { TableKey } from '../../functions/adapters/dynamodb/tables';
import { createSesClient } from '../../functions/adapters/ses';
import { systemClock, uuidIds } from '../../functions/adapters/system';
import { acknowledgmentsFromEnv, buildAcknowledgments } from '../../functions/composition/acknowledgments';
import type { Adapters } from '../../functions/composition/adapters';
import { authorizerFromEnv } from '../../functions/composition/authorizer';
import { buildCompliance, complianceFromEnv } from '../../functions/composition/compliance';
import { buildCustomers, customersFromEnv } from '../../functions/composition/customers';
import { type Env, parseSettings } from '../../functions/composition/env';
import { type FunctionName, functionNeeds, type QueueKey } from '../../functions/composition/needs';
import { buildNotifyFanout, notifyFanoutFromEnv } from '../../functions/composition/notify-fanout';
import { buildNotifySweeper, notifySweeperFromEnv } from '../../functions/composition/notify-sweeper';
import { buildNotifyWorker, notifyWorkerFromEnv } from '../../functions/composition/notify-worker';
import { buildPublish, publishFromEnv } from '../../functions/composition/publish';
import { buildRead, readFromEnv } from '../../functions/composition/read';
import { buildReconcileCounts, reconcileCountsFromEnv } from '../../functions/composition/reconcile-counts';
import { buildSesEvents, sesEventsFromEnv } from '../../functions/composition/ses-events';
import { DEFAULTS } from '../../functions/domain/defaults';
import { routes } from '../../functions/http/routes';
import { allFunctionSpecs, grantedEnvVars } from '../../lib/function-specs';

const endpoint = 'http://127.0.0.1:9';
const doc = createDocumentClient(createDynamoClient({ endpoint }));
const settingsEnv: Env = {
  PUBLIC_BASE_URL: 'https://policies.example.com',
  ORG_NAME: 'Example Co.',
  SES_FROM_ADDRESS: 'privacy@example.com',
};
const queue = { sendBatch: async () => {} };
const ses = createSesClient({ endpoint });

/** Builds a function on recording adapters: which tables and queues did its builder take? */
function used(fn: Exclude<FunctionName, 'authorizer'>) {
  const tables = new Set<TableKey>();
  const queues = new Set<QueueKey>();
  const a: Adapters = {
    db: {
      doc,
      tables: { policies: 'P', customers: 'C', acknowledgments: 'A', notifications: 'N' },
      onTable: (key) => tables.add(key),
    },
    clock: systemClock,
    ids: uuidIds,
    queues: { fanout: queue, send: queue },
    onQueue: (key) => queues.add(key),
  };
  const build = {
    read: () => buildRead(a, parseSettings('read', settingsEnv)),
    publish: () => buildPublish(a, parseSettings('publish', settingsEnv)),
    customers: () => buildCustomers(a, parseSettings('customers', settingsEnv)),
    acknowledgments: () => buildAcknowledgments(a, parseSettings('acknowledgments', settingsEnv)),
    compliance: () => buildCompliance(a, parseSettings('compliance', settingsEnv)),
    'notify-fanout': () => buildNotifyFanout(a, parseSettings('notify-fanout', settingsEnv)),
    'notify-worker': () => buildNotifyWorker(a, parseSettings('notify-worker', settingsEnv), { ses }),
    'notify-sweeper': () => buildNotifySweeper(a, parseSettings('notify-sweeper', settingsEnv)),
    'ses-events': () => buildSesEvents(a, parseSettings('ses-events', settingsEnv)),
    'reconcile-counts': () => buildReconcileCounts(a, parseSettings('reconcile-counts', settingsEnv)),
  }[fn];
  build();
  return { tables: [...tables].sort(), queues: [...queues].sort() };
}

const builtFunctions = (Object.keys(functionNeeds) as FunctionName[]).filter(
  (fn): fn is Exclude<FunctionName, 'authorizer'> => fn !== 'authorizer',
);

describe('each builder uses exactly what its function is granted', () => {
  it.each(builtFunctions)('%s', (fn) => {
    const needs = functionNeeds[fn];
    expect(used(fn)).toEqual({
      tables: Object.keys(needs.tables).sort(),
      queues: [...('sendsTo' in needs ? needs.sendsTo : [])].sort(),
    });
  });

  it("gives email (ses:SendEmail) to the send worker only (a dry run's test email goes through it)", () => {
    expect(
      (Object.keys(functionNeeds) as FunctionName[]).filter((fn) => 'sendsEmail' in functionNeeds[fn]),
    ).toEqual(['notify-worker']);
    // Only the worker reads SES's quota (ses:GetSendQuota).
    expect(
      (Object.keys(functionNeeds) as FunctionName[]).filter((fn) => 'readsSendQuota' in functionNeeds[fn]),
    ).toEqual(['notify-worker']);
    const a = {
      db: { doc, tables: { policies: 'P', customers: 'C', notifications: 'N' } },
      clock: systemClock,
      ids: uuidIds,
      queues: { send: queue },
    };
    expect(() => buildNotifyWorker(a, parseSettings('notify-worker', settingsEnv), {})).toThrow(
      'the send worker needs an SES client or a mailer',
    );
  });
});

describe('each Lambda entry builds from exactly the environment the stack sets', () => {
  afterEach(() => vi.unstubAllEnvs());
  const fromEnv: Record<FunctionName, () => unknown> = {
    read: readFromEnv,
    publish: publishFromEnv,
    customers: customersFromEnv,
    acknowledgments: acknowledgmentsFromEnv,
    compliance: complianceFromEnv,
    'notify-fanout': notifyFanoutFromEnv,
    'notify-worker': notifyWorkerFromEnv,
    'notify-sweeper': notifySweeperFromEnv,
    'ses-events': sesEventsFromEnv,
    'reconcile-counts': reconcileCountsFromEnv,
    authorizer: authorizerFromEnv,
  };
  const specs = allFunctionSpecs(routes);

  it.each(specs.map((s) => [s.name, s] as const))('%s', (name, spec) => {
    const values: Record<string, string> = {
      ...settingsEnv,
      FANOUT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/fanout',
      SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/send',
      API_TOKENS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:tokens',
      SES_MAX_SEND_RATE: '7',
      ORG_WEBSITE: 'https://www.example.com',
      ORG_TIME_ZONE: 'Asia/Tokyo',
    };
    const stackEnv = [...grantedEnvVars(spec), ...(spec.readsApiTokens ? ['API_TOKENS_SECRET_ARN'] : [])];
    for (const variable of stackEnv)
      vi.stubEnv(variable, values[variable] ?? `${variable.toLowerCase()}-value`);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    expect(fromEnv[name as FunctionName]()).toBeDefined();
    // Each granted variable is needed: without it the function fails at cold start, naming it.
    for (const variable of grantedEnvVars(spec).filter(
      (v) => v.endsWith('_TABLE') || v.endsWith('_QUEUE_URL'),
    )) {
      vi.stubEnv(variable, '');
      expect(() => fromEnv[name as FunctionName](), variable).toThrow(
        `environment variable ${variable} is required`,
      );
      vi.stubEnv(variable, values[variable] ?? `${variable.toLowerCase()}-value`);
    }
  });
});

describe('settings', () => {
  it('take the one defaults table when unset or empty', () => {
    const worker = parseSettings('notify-worker', { ...settingsEnv, NOTIFY_LEASE_MS: '' });
    expect(worker).toMatchObject({
      leaseMs: DEFAULTS.claimLeaseMs,
      sendConcurrency: DEFAULTS.sendConcurrency,
      sesMaxSendRate: DEFAULTS.sesMaxSendRate,
      quotaRefreshMs: DEFAULTS.sesQuotaRefreshMs,
    });
    expect(DEFAULTS.claimLeaseMs).toBe(300_000);
    expect(DEFAULTS.fanoutLeaseMs).toBe(120_000);
    expect(parseSettings('notify-sweeper', {}).stallMs).toBe(DEFAULTS.stallMs);
    expect(parseSettings('read', settingsEnv).revisionCacheTtlMs).toBe(DEFAULTS.revisionCacheTtlMs);
  });

  it('read what is set', () => {
    expect(
      parseSettings('notify-worker', { ...settingsEnv, NOTIFY_LEASE_MS: '60000', SES_MAX_SEND_RATE: '0.5' }),
    ).toMatchObject({ leaseMs: 60_000, sesMaxSendRate: 0.5 });
  });

  it.each([
    ['NOTIFY_LEASE_MS', 'soon', 'environment variable NOTIFY_LEASE_MS must be a whole number'],
    ['NOTIFY_LEASE_MS', '-1', 'environment variable NOTIFY_LEASE_MS must be a whole number'],
    ['NOTIFY_SEND_CONCURRENCY', '0', 'environment variable NOTIFY_SEND_CONCURRENCY must be a whole number'],
    ['SES_MAX_SEND_RATE', '0', 'environment variable SES_MAX_SEND_RATE must be a positive number'],
    [
      'SES_FROM_ADDRESS',
      'Org <a@b.example>',
      'environment variable SES_FROM_ADDRESS must be a bare email address',
    ],
  ])('reject %s=%s naming the variable', (variable, value, message) => {
    expect(() => parseSettings('notify-worker', { ...settingsEnv, [variable]: value })).toThrow(message);
  });

  it('require what has no default', () => {
    expect(() => parseSettings('read', { PUBLIC_BASE_URL: 'https://x.example' })).toThrow(
      'environment variable ORG_NAME is required',
    );
  });
});
