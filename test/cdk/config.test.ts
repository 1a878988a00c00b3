import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../lib/config';
import { testApp, testConfig } from './support';

const required = ['senderEmail', 'publicBaseUrl', 'orgName', 'orgPhone', 'orgEmail'] as const;

describe('deployment configuration from CDK context', () => {
  it('applies defaults for the optional keys', () => {
    const { alarmEmail: _a, stage: _s, sesMaxSendRate: _r, ...minimal } = testConfig;
    expect(parseConfig(minimal)).toMatchObject({
      stage: 'dev',
      sesMaxSendRate: 1,
      workerConcurrency: 2,
      logRetentionDays: 30,
      alarmEmail: undefined,
      sourceMapsAtRuntime: false,
    });
  });

  it('reads sourceMapsAtRuntime from `-c sourceMapsAtRuntime=true` or a cdk.json boolean', () => {
    expect(parseConfig({ ...testConfig, sourceMapsAtRuntime: 'true' }).sourceMapsAtRuntime).toBe(true);
    expect(parseConfig({ ...testConfig, sourceMapsAtRuntime: true }).sourceMapsAtRuntime).toBe(true);
    expect(parseConfig({ ...testConfig, sourceMapsAtRuntime: 'false' }).sourceMapsAtRuntime).toBe(false);
    expect(() => parseConfig({ ...testConfig, sourceMapsAtRuntime: 'yes' })).toThrow(/sourceMapsAtRuntime/);
  });

  it('turns the strings `-c key=value` passes into numbers and trims the base URL', () => {
    const config = parseConfig({
      ...testConfig,
      sesMaxSendRate: '14',
      workerConcurrency: '4',
      publicBaseUrl: 'https://p.example.com/',
    });
    expect(config).toMatchObject({
      sesMaxSendRate: 14,
      workerConcurrency: 4,
      publicBaseUrl: 'https://p.example.com',
    });
  });

  it('reads sandboxRecipients as a comma-separated list of addresses', () => {
    expect(
      parseConfig({ ...testConfig, sandboxRecipients: ' a@example.org, b@example.org ,' }).sandboxRecipients,
    ).toEqual(['a@example.org', 'b@example.org']);
    expect(() => parseConfig({ ...testConfig, sandboxRecipients: 'a@example.org,nope' })).toThrow(
      /sandboxRecipients/,
    );
  });

  it('names every missing key and how to pass it', () => {
    const error = (() => {
      try {
        parseConfig({});
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    for (const key of required) expect(error?.message).toContain(`${key} is required (pass -c ${key}=...)`);
  });

  it.each([
    ['senderEmail', 'not-an-address', /senderEmail: must be an email address/],
    ['publicBaseUrl', 'ftp://example.com', /publicBaseUrl: must be an http\(s\) URL/],
    ['sesMaxSendRate', '-3', /sesMaxSendRate: .*\(got "-3"\)/],
    ['workerConcurrency', '1', /workerConcurrency: .*\(got "1"\)/],
    ['logRetentionDays', '31', /logRetentionDays: must be one of 1, 3, 5/],
    ['stage', 'Prod!', /stage: must be 1-20 characters/],
    ['alarmEmail', 'ops', /alarmEmail: must be an email address/],
  ])('rejects an invalid %s with the key, the reason and the value', (key, value, message) => {
    expect(() => parseConfig({ ...testConfig, [key]: value })).toThrow(message);
  });

  it('stops the CDK app before any stack is built', () => {
    const { orgName: _omit, ...withoutOrgName } = testConfig;
    expect(() => testApp(withoutOrgName)).toThrow(/orgName is required \(pass -c orgName=\.\.\.\)/);
  });
});
