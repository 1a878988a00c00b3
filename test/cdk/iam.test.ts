import { describe, expect, it } from 'vitest';
import { type TableKey, tableDefs } from '../../functions/adapters/dynamodb/tables';
import { routes } from '../../functions/http/routes';
import { SOURCE_MAPS_NODE_OPTIONS } from '../../lib/bundling';
import { allFunctionSpecs, type FunctionSpec, grantedEnvVars } from '../../lib/function-specs';
import { type Cfn, logicalId, resourcesOf, testApp, testConfig } from './support';

const { stateless, stateful, statelessTemplate: template } = testApp();
const resources = template.toJSON().Resources as Record<string, Cfn>;
const specs = allFunctionSpecs(routes);

const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Every statement of the policies attached to a function's role. */
function statementsOf(name: string): Cfn[] {
  const roleId = logicalId(stateless.functions.get(name)!.role);
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: Cfn) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

const functionProps = (name: string) =>
  resources[logicalId(stateless.functions.get(name)!.function)].Properties;

/** The stateful stack's export a table ARN import refers to, mapped back to the table key. */
function tableOfArn(resource: Cfn): TableKey | undefined {
  const imported = resource['Fn::ImportValue'] as string | undefined;
  if (!imported) return undefined;
  return (Object.keys(tableDefs) as TableKey[]).find((key) =>
    imported.includes(`FnGetAtt${logicalId(stateful.tables[key])}Arn`),
  );
}

describe('IAM: least privilege per function', () => {
  it('deploys one function per spec, each with its own role', () => {
    expect([...stateless.functions.keys()].sort()).toEqual(specs.map((s) => s.name).sort());
    expect(resourcesOf(template, 'AWS::Lambda::Function')).toHaveLength(specs.length);
  });

  it('grants no "*" action anywhere and "*" resources only for X-Ray and ses:GetSendQuota (no resource-level permissions)', () => {
    for (const [id, policy] of resourcesOf(template, 'AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = asList<string>(statement.Action);
        for (const action of actions) expect(action, `${id} ${action}`).not.toContain('*');
        if (asList(statement.Resource).some((r) => typeof r === 'string' && r.includes('*'))) {
          expect(
            actions.every((a) => a.startsWith('xray:') || a === 'ses:GetSendQuota'),
            `${id} ${JSON.stringify(statement)}`,
          ).toBe(true);
        }
      }
    }
  });

  it('grants dynamodb:Scan to no function', () => {
    const statements = resourcesOf(template, 'AWS::IAM::Policy').flatMap(
      ([, p]) => p.Properties.PolicyDocument.Statement,
    );
    expect(
      statements.filter((s: Cfn) => asList<string>(s.Action).some((a) => a.startsWith('dynamodb:'))).length,
    ).toBeGreaterThan(5);
    for (const statement of statements) expect(asList(statement.Action)).not.toContain('dynamodb:Scan');
  });

  it('lets the customer registry and ses-events update the counters, by key only', () => {
    for (const name of ['customers', 'ses-events']) {
      const onAcks = statementsOf(name).filter((s) => s.Sid === 'AcknowledgmentsCounters');
      expect(onAcks, name).toHaveLength(1);
      expect(asList(onAcks[0].Action).sort()).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]);
    }
  });

  it('attaches no managed policies to function roles', () => {
    for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it.each(specs.map((s) => [s.name, s] as [string, FunctionSpec]))(
    '%s gets exactly the table access its declared needs list, on the table and its own indexes',
    (name, spec) => {
      const dynamo = statementsOf(name).filter((s) =>
        asList<string>(s.Action).some((a) => a.startsWith('dynamodb:')),
      );
      const granted = new Map<TableKey, string[]>();
      for (const statement of dynamo) {
        const [tableArn, ...indexArns] = asList(statement.Resource);
        const key = tableOfArn(tableArn);
        expect(key, JSON.stringify(tableArn)).toBeDefined();
        const actions = asList<string>(statement.Action);
        granted.set(key!, actions);
        // Counter access is by key only: no index, no Query, no delete.
        const counters = !actions.includes('dynamodb:Query');
        expect(indexArns.map((arn: Cfn) => arn['Fn::Join'][1][1])).toEqual(
          counters ? [] : tableDefs[key!].indexes.map((i) => `/index/${i.name}`),
        );
      }
      const level = (actions: string[]) =>
        !actions.includes('dynamodb:Query')
          ? 'counters'
          : actions.includes('dynamodb:PutItem')
            ? 'readWrite'
            : 'read';
      expect(Object.fromEntries([...granted].map(([k, actions]) => [k, level(actions)]))).toEqual(
        spec.tables,
      );
      for (const [key, actions] of granted) {
        if (spec.tables[key] === 'counters')
          expect(actions.sort(), `${name} on ${key}`).toEqual([
            'dynamodb:BatchGetItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
          ]);
      }
      for (const [key, actions] of granted) {
        if (spec.tables[key] === 'read') {
          expect(
            actions.filter((a) => /Put|Update|Delete|Write/.test(a)),
            `${name} on ${key}`,
          ).toEqual([]);
        }
      }
    },
  );

  it.each(specs.map((s) => [s.name, s] as [string, FunctionSpec]))(
    '%s sees in its environment the tables, queues and settings its entry lists, and nothing else',
    (name, spec) => {
      const env = functionProps(name).Environment.Variables as Record<string, unknown>;
      const defaults = [
        'AWS_NODEJS_CONNECTION_REUSE_ENABLED',
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_METRICS_NAMESPACE',
      ];
      const authorizerOnly = spec.readsApiTokens ? ['API_TOKENS_SECRET_ARN', 'TOKEN_CACHE_TTL_MS'] : [];
      expect(Object.keys(env).sort()).toEqual(
        [...defaults, ...authorizerOnly, ...grantedEnvVars(spec)].sort(),
      );
    },
  );

  it('lets only the functions that enqueue send to a queue, and only to their queues (or their own DLQ)', () => {
    for (const spec of specs) {
      const sends = statementsOf(spec.name).filter((s) => asList(s.Action).includes('sqs:SendMessage'));
      const queues = sends.flatMap((s) => asList(s.Resource)).map((r: Cfn) => r['Fn::GetAtt'][0]);
      const asyncDlq = functionProps(spec.name).DeadLetterConfig?.TargetArn['Fn::GetAtt'][0];
      const expected = [
        ...(spec.sendsTo ?? []).map((q) => logicalId(stateless.queues[q])),
        ...(asyncDlq ? [asyncDlq] : []),
      ];
      expect(queues.sort(), spec.name).toEqual(expected.sort());
    }
  });

  it("lets only the worker send email (a dry run's test email too), as the sender identity and through the configuration set", () => {
    for (const spec of specs) {
      const ses = statementsOf(spec.name).filter((s) =>
        asList<string>(s.Action).some((a) => a.startsWith('ses:')),
      );
      if (spec.name !== 'notify-worker') {
        expect(ses, spec.name).toEqual([]);
        continue;
      }
      expect(ses).toHaveLength(2);
      // Reading the account's quota (pacing) cannot be scoped to a resource.
      expect(ses[1]).toMatchObject({ Action: 'ses:GetSendQuota', Resource: '*', Effect: 'Allow' });
      expect(ses[0].Action).toBe('ses:SendEmail');
      expect(ses[0].Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'privacy@example.com' } });
      const arns = asList(ses[0].Resource).map((r: Cfn) => JSON.stringify(r));
      expect(arns).toHaveLength(3);
      expect(arns[0]).toContain(':identity/privacy@example.com');
      expect(arns[1]).toContain(':identity/example.com"');
      expect(arns[2]).toContain(':configuration-set/');
      expect(arns[2]).toContain(logicalId(stateless.configurationSet));
    }
  });

  it('adds verified recipients to the SES resources only when sandboxRecipients is set (SES sandbox)', () => {
    const sandbox = testApp({
      ...testConfig,
      sandboxRecipients: 'tester@example.org, success@simulator.amazonses.com',
    });
    const policies = JSON.stringify(sandbox.statelessTemplate.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':identity/tester@example.org"');
    expect(policies).toContain(':identity/success@simulator.amazonses.com"');
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('simulator');
  });

  it('lets only the authorizer read the token secret, and nothing else from Secrets Manager', () => {
    for (const spec of specs) {
      const secrets = statementsOf(spec.name).filter((s) =>
        asList<string>(s.Action).some((a) => a.startsWith('secretsmanager:')),
      );
      if (spec.name !== 'authorizer') {
        expect(secrets, spec.name).toEqual([]);
        continue;
      }
      expect(secrets).toHaveLength(1);
      expect(secrets[0].Action).toBe('secretsmanager:GetSecretValue');
      expect(secrets[0].Resource['Fn::ImportValue']).toContain(logicalId(stateful.apiTokens));
    }
  });

  it('lets each function write logs only to its own log group', () => {
    for (const spec of specs) {
      const logs = statementsOf(spec.name).filter((s) =>
        asList<string>(s.Action).some((a) => a.startsWith('logs:')),
      );
      expect(logs).toHaveLength(1);
      expect(logs[0].Resource).toEqual({
        'Fn::GetAtt': [logicalId(stateless.functions.get(spec.name)!.logGroup), 'Arn'],
      });
    }
  });
});

/**
 * The grants each function must have, written out here rather than read from lib/function-specs.ts or
 * functions/composition/needs.ts (the stack's own input): a grant added there without changing this
 * table fails, and so does one removed. Keys: the table (DynamoDB), `queue:<name>` (SQS), `ses:send`
 * (the sender identity and configuration set), `ses:quota` (resource "*"), `secret:apiTokens`,
 * `consume:<queue>` (an SQS event source). Logs,
 * X-Ray and a function's own asynchronous-invocation DLQ are checked by the tests above.
 */
const READ = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const READ_WRITE = [
  ...READ,
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
].sort();
const COUNTERS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const SEND = ['sqs:SendMessage'];
/** The event source mapping's: receive, delete, extend the visibility of the queue's messages. */
const CONSUME = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];

const expectedGrants: Record<string, Record<string, string[]>> = {
  read: { Policies: READ },
  // The retry route re-queues failed recipients (send queue); a dry run reads the counters
  // (Acknowledgments) for its recipients and puts its test email on the send queue (no SES grant).
  publish: {
    Policies: READ_WRITE,
    Notifications: READ_WRITE,
    Acknowledgments: READ,
    'queue:fanout': SEND,
    'queue:send': SEND,
  },
  customers: { Customers: READ_WRITE, Acknowledgments: COUNTERS },
  acknowledgments: { Policies: READ, Acknowledgments: READ_WRITE },
  compliance: { Policies: READ, Acknowledgments: READ, Notifications: READ },
  'notify-fanout': {
    Customers: READ,
    Notifications: READ_WRITE,
    'queue:send': SEND,
    'queue:fanout': SEND,
    'consume:fanout': CONSUME,
  },
  'notify-worker': {
    Customers: READ,
    Policies: READ,
    Notifications: READ_WRITE,
    'queue:send': SEND,
    'consume:send': CONSUME,
    'ses:send': ['ses:SendEmail'],
    'ses:quota': ['ses:GetSendQuota'],
  },
  'notify-sweeper': { Policies: READ, Notifications: READ_WRITE, 'queue:fanout': SEND, 'queue:send': SEND },
  'ses-events': { Customers: READ_WRITE, Notifications: READ_WRITE, Acknowledgments: COUNTERS },
  'reconcile-counts': { Policies: READ, Customers: READ, Acknowledgments: READ_WRITE },
  authorizer: { 'secret:apiTokens': ['secretsmanager:GetSecretValue'] },
};

/** A function's grants as the table above writes them, read from the synthesized template. */
function grantsOf(name: string): Record<string, string[]> {
  const asyncDlq = functionProps(name).DeadLetterConfig?.TargetArn['Fn::GetAtt'][0];
  const queueNames = new Map(
    (Object.keys(stateless.queues) as (keyof typeof stateless.queues)[]).map((q) => [
      logicalId(stateless.queues[q]),
      q,
    ]),
  );
  const grants: Record<string, string[]> = {};
  for (const statement of statementsOf(name)) {
    const actions = asList<string>(statement.Action);
    if (actions.every((a) => a.startsWith('logs:') || a.startsWith('xray:'))) continue;
    const [resource] = asList<Cfn>(statement.Resource);
    let key: string;
    if (actions.some((a) => a.startsWith('dynamodb:'))) key = tableDefs[tableOfArn(resource)!].id;
    else if (actions.includes('sqs:ReceiveMessage'))
      key = `consume:${queueNames.get(resource['Fn::GetAtt'][0]) ?? JSON.stringify(resource)}`;
    else if (actions.includes('sqs:SendMessage')) {
      const queueId = resource['Fn::GetAtt'][0];
      if (queueId === asyncDlq) continue;
      key = `queue:${queueNames.get(queueId) ?? queueId}`;
    } else if (actions.includes('ses:SendEmail')) key = 'ses:send';
    else if (actions.includes('ses:GetSendQuota')) key = 'ses:quota';
    else if (actions.some((a) => a.startsWith('secretsmanager:'))) key = 'secret:apiTokens';
    else key = JSON.stringify(resource);
    grants[key] = [...(grants[key] ?? []), ...actions].sort();
  }
  return grants;
}

describe('IAM: the grants of each function, written out', () => {
  it('covers every deployed function', () => {
    expect(Object.keys(expectedGrants).sort()).toEqual(specs.map((s) => s.name).sort());
  });

  it.each(Object.entries(expectedGrants))('%s has exactly these grants', (name, expected) => {
    expect(grantsOf(name)).toEqual(expected);
  });
});

describe('function defaults (lib/policy-function.ts)', () => {
  it.each(specs.map((s) => [s.name]))(
    '%s: Node 24 on ARM64, JSON logs to a retained-for-30-days group, no runtime source-map cost by default',
    (name) => {
      const props = functionProps(name);
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.Handler).toBe('index.handler');
      expect(props.TracingConfig).toEqual({ Mode: 'Active' });
      expect(props.LoggingConfig).toEqual({
        LogFormat: 'JSON',
        LogGroup: { Ref: logicalId(stateless.functions.get(name)!.logGroup) },
      });
      expect(props.Environment.Variables.NODE_OPTIONS).toBeUndefined();
      expect(props.FunctionName).toBeUndefined();
      expect(resources[logicalId(stateless.functions.get(name)!.logGroup)].Properties.RetentionInDays).toBe(
        30,
      );
    },
  );

  it('sets NODE_OPTIONS=--enable-source-maps on every function when sourceMapsAtRuntime is on', () => {
    const mapped = testApp({ ...testConfig, sourceMapsAtRuntime: 'true' });
    const fns = resourcesOf(mapped.statelessTemplate, 'AWS::Lambda::Function').filter(
      ([, f]) => f.Properties.Runtime === 'nodejs24.x',
    );
    expect(fns.length).toBe(specs.length);
    for (const [id, f] of fns)
      expect(f.Properties.Environment.Variables.NODE_OPTIONS, id).toBe(SOURCE_MAPS_NODE_OPTIONS);
  });
});
