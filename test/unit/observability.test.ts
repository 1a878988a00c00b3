import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricsFromEnv, PowertoolsMetrics } from '../../functions/adapters/metrics';
import { beginInvocation, endInvocation } from '../../functions/adapters/observability';
import { traced } from '../../functions/adapters/tracing';
import { parseProcessSettings } from '../../functions/composition/env';
import { configureProcess } from '../../functions/composition/process';
import { createLogger, logSink } from '../../functions/http/log';
import type { MetricsSink } from '../../functions/ports';
import { recordEmailOutcomes } from '../../functions/usecases/email-metrics';

const lambdaContext = {
  awsRequestId: 'req-123',
  functionName: 'policy-notify-acknowledgments',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:x',
  memoryLimitInMB: '1024',
  getRemainingTimeInMillis: () => 1000,
};

/** Every JSON line written to stdout or stderr (Powertools writes warnings to stderr) while `fn` runs. */
function captureStdout(fn: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    }),
  );
  try {
    fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l));
}

describe('business metrics', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('publishes the counts of an invocation as one EMF line in the configured namespace', () => {
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'PolicyNotifyTest');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'policy-notify');
    const metrics = new PowertoolsMetrics();
    metrics.count('Acknowledgments');
    metrics.count('Acknowledgments');
    metrics.count('StatusChecks', 3);
    const [line, ...more] = captureStdout(() => metrics.flush());
    expect(more).toEqual([]);
    expect(line).toMatchObject({ Acknowledgments: 2, StatusChecks: 3 });
    const directive = (line!._aws as { CloudWatchMetrics: Array<{ Namespace: string; Metrics: unknown[] }> })
      .CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('PolicyNotifyTest');
    expect(directive.Metrics).toEqual(
      expect.arrayContaining([
        { Name: 'Acknowledgments', Unit: 'Count' },
        { Name: 'StatusChecks', Unit: 'Count' },
      ]),
    );
  });

  it('publishes the process metrics at the end of each invocation, once', () => {
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'PolicyNotifyTest');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'policy-notify');
    metricsFromEnv().count('PublishedRevisions');
    const [line, ...more] = captureStdout(() => endInvocation());
    expect(more).toEqual([]);
    expect(line).toMatchObject({ PublishedRevisions: 1 });
    expect(captureStdout(() => endInvocation())).toEqual([]);
  });

  it('writes nothing when nothing was counted', () => {
    expect(captureStdout(() => new PowertoolsMetrics().flush())).toEqual([]);
  });

  it('counts each email outcome under its own metric, leaving out zeros', () => {
    const counted: Array<[string, number | undefined]> = [];
    const sink: MetricsSink = { count: (name, value) => counted.push([name, value]) };
    recordEmailOutcomes(sink, { sent: 48, failed: 0, suppressed: 2 });
    expect(counted).toEqual([
      ['EmailsSent', 48],
      ['EmailsSuppressed', 2],
    ]);
  });
});

describe('Lambda logs through Powertools Logger', () => {
  afterEach(() => {
    logSink.emit = undefined;
  });

  it('adds the request id, cold start and the API request id as correlation id to every log line', () => {
    const lines = captureStdout(() => {
      beginInvocation({ requestContext: { requestId: 'api-req-9' } }, lambdaContext);
      createLogger('acknowledgments').warn('acknowledged', { policyId: 'privacy' });
      endInvocation();
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'WARN',
      message: 'acknowledged',
      component: 'acknowledgments',
      policyId: 'privacy',
      function_request_id: 'req-123',
      cold_start: expect.any(Boolean),
      correlation_id: 'api-req-9',
    });
  });

  it('keeps plain JSON lines outside Lambda (no context, no sink)', () => {
    beginInvocation({}, undefined);
    const lines = captureStdout(() => createLogger('local').warn('hello'));
    expect(lines[0]).toMatchObject({ level: 'warn', service: 'local', message: 'hello' });
    expect(metricsFromEnv()).toBe(metricsFromEnv());
  });
});

describe('tracing switch', () => {
  it('traces in Lambda unless POWERTOOLS_TRACE_ENABLED is false, never outside Lambda', () => {
    const lambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' };
    const tracingWanted = (env: Record<string, string>) => parseProcessSettings(env).tracing;
    expect(tracingWanted(lambda)).toBe(true);
    expect(tracingWanted({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'true' })).toBe(true);
    expect(tracingWanted({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'false' })).toBe(false);
    expect(tracingWanted({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'FALSE' })).toBe(false);
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ AWS_EXECUTION_ENV: '' })).toBe(false);
    expect(tracingWanted({ POWERTOOLS_TRACE_ENABLED: 'true' })).toBe(false);
  });

  it('reads LOG_LEVEL (anything unknown is info) and the metrics namespace once, for the whole process', () => {
    expect(parseProcessSettings({})).toEqual({
      logLevel: 'info',
      tracing: false,
      metricsNamespace: undefined,
    });
    expect(parseProcessSettings({ LOG_LEVEL: ' WARN ' }).logLevel).toBe('warn');
    expect(parseProcessSettings({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(parseProcessSettings({ LOG_LEVEL: 'verbose' }).logLevel).toBe('info');
    expect(parseProcessSettings({ POWERTOOLS_METRICS_NAMESPACE: 'Acme/Policies' }).metricsNamespace).toBe(
      'Acme/Policies',
    );
    expect(parseProcessSettings({ POWERTOOLS_METRICS_NAMESPACE: '' }).metricsNamespace).toBeUndefined();
    try {
      configureProcess({ LOG_LEVEL: 'error' });
      expect(captureStdout(() => createLogger('quiet').warn('dropped'))).toEqual([]);
      expect(captureStdout(() => createLogger('loud', 'warn').warn('kept'))).toHaveLength(1);
      configureProcess({ LOG_LEVEL: 'debug' });
      expect(captureStdout(() => createLogger('quiet').debug('kept'))).toHaveLength(1);
    } finally {
      configureProcess(process.env);
    }
  });

  it('hands clients back untouched in this (non-Lambda) process', () => {
    const client = { middlewareStack: { use: () => expect.unreachable('no middleware outside Lambda') } };
    expect(traced(client)).toBe(client);
  });

  it('in Lambda, instruments a client at its first call of a sampled invocation (Tracer loads then, not at init), and every call after', async () => {
    // What Powertools reads to decide it runs in Lambda (the Tracer itself reads process.env).
    const lambdaVars = {
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    };
    const saved = Object.fromEntries(Object.keys(lambdaVars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, lambdaVars);
    try {
      const env: NodeJS.ProcessEnv = {
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0',
      };
      const { SQSClient } = await import('@aws-sdk/client-sqs');
      const client = new SQSClient({ region: 'us-east-1' });
      const calls: unknown[] = [];
      client.send = (async (command: unknown) => {
        calls.push(command);
        return {};
      }) as typeof client.send;
      const xray = () => client.middlewareStack.identify().some((m) => m.includes('XRaySDKInstrumentation'));
      configureProcess(env);
      expect(traced(client)).toBe(client);
      expect(xray()).toBe(false);
      await client.send('unsampled' as never);
      expect(xray(), 'an unsampled invocation loads no tracer').toBe(false);
      env._X_AMZN_TRACE_ID = env._X_AMZN_TRACE_ID!.replace('Sampled=0', 'Sampled=1');
      await Promise.all([client.send('sampled-1' as never), client.send('sampled-2' as never)]);
      expect(xray(), 'instrumented before the sampled calls were sent').toBe(true);
      expect(
        client.middlewareStack.identify().filter((m) => m.includes('XRaySDKInstrumentation')),
      ).toHaveLength(1);
      env._X_AMZN_TRACE_ID = env._X_AMZN_TRACE_ID!.replace('Sampled=1', 'Sampled=0');
      await client.send('later' as never);
      expect(calls).toEqual(['unsampled', 'sampled-1', 'sampled-2', 'later']);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      configureProcess(process.env);
    }
  });
});
