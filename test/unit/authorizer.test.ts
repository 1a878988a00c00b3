import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  cachedTokens,
  createAuthorizer,
  METRIC_NAMESPACE,
  NO_ROLE,
  parseTokenSet,
  SECRET_UNAVAILABLE_METRIC,
  secretsManagerTokens,
} from '../../functions/handlers/authorizer';
import type { TokenSet } from '../../functions/http/auth';

const APP = 'app-token-0123456789abcdef';
const PUBLISHER = 'publisher-token-0123456789abcdef';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ApiTokens-AbCdEf';

const secretsManager = mockClient(SecretsManagerClient);

function event(headers: Record<string, string> = {}): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:us-east-1:123456789012:abc/$default/POST/policies/privacy/revisions',
    identitySource: [],
    routeKey: 'POST /policies/{policyId}/revisions',
    rawPath: '/policies/privacy/revisions',
    rawQueryString: '',
    cookies: [],
    headers,
    queryStringParameters: {},
    pathParameters: {},
    stageVariables: {},
    requestContext: {} as APIGatewayRequestAuthorizerEventV2['requestContext'],
  };
}

const secretString = (tokens: Partial<Record<keyof TokenSet, unknown>>) => ({
  SecretString: JSON.stringify(tokens),
});

describe('authorizer', () => {
  beforeEach(() => {
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves(secretString({ app: [APP], publisher: [PUBLISHER] }));
  });

  const authorizer = (ttlMs = 60_000, now?: () => number) =>
    createAuthorizer(
      cachedTokens(secretsManagerTokens(new SecretsManagerClient({}), SECRET_ARN), ttlMs, now),
    );

  describe('token → role', () => {
    it('resolves a publisher token to the publisher role', async () => {
      await expect(authorizer()(event({ authorization: `Bearer ${PUBLISHER}` }))).resolves.toEqual({
        isAuthorized: true,
        context: { role: 'publisher' },
      });
    });

    it('resolves an app token to the app role', async () => {
      const result = await authorizer()(event({ authorization: `Bearer ${APP}` }));
      expect(result.context.role).toBe('app');
    });

    it('reads the Authorization header whatever its case', async () => {
      const result = await authorizer()(event({ Authorization: `bearer ${APP}` }));
      expect(result.context.role).toBe('app');
    });

    it.each([
      ['an unknown token', { authorization: 'Bearer not-a-token' }],
      ['no Authorization header', {}],
      ['a non-bearer scheme', { authorization: `Basic ${APP}` }],
      ['a token with a suffix', { authorization: `Bearer ${APP}x` }],
    ])(
      'gives no role for %s, yet lets the request through so the API answers 401 itself',
      async (_, headers) => {
        await expect(authorizer()(event(headers))).resolves.toEqual({
          isAuthorized: true,
          context: { role: NO_ROLE },
        });
      },
    );

    it('accepts a single string per role and ignores blank entries', async () => {
      secretsManager.on(GetSecretValueCommand).resolves(secretString({ app: APP, publisher: ['', ' '] }));
      const authorize = authorizer();
      expect((await authorize(event({ authorization: `Bearer ${APP}` }))).context.role).toBe('app');
      expect((await authorize(event({ authorization: 'Bearer  ' }))).context.role).toBe(NO_ROLE);
    });
  });

  describe('secret cache', () => {
    it('asks Secrets Manager for the configured secret once while the cache is fresh', async () => {
      let now = 1_000;
      const authorize = authorizer(60_000, () => now);
      await authorize(event({ authorization: `Bearer ${APP}` }));
      now += 59_999;
      await authorize(event({ authorization: `Bearer ${PUBLISHER}` }));
      expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
      expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
    });

    it('reloads after the TTL, so a rotated token takes effect and a removed one stops working', async () => {
      let now = 0;
      const authorize = authorizer(60_000, () => now);
      expect((await authorize(event({ authorization: `Bearer ${APP}` }))).context.role).toBe('app');
      secretsManager
        .on(GetSecretValueCommand)
        .resolves(secretString({ app: ['rotated-app-token'], publisher: [PUBLISHER] }));
      now += 60_000;
      expect((await authorize(event({ authorization: `Bearer ${APP}` }))).context.role).toBe(NO_ROLE);
      expect((await authorize(event({ authorization: 'Bearer rotated-app-token' }))).context.role).toBe(
        'app',
      );
      expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    });

    it('shares one Secrets Manager call between concurrent cold requests', async () => {
      const authorize = authorizer();
      await Promise.all(
        Array.from({ length: 5 }, () => authorize(event({ authorization: `Bearer ${APP}` }))),
      );
      expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    });

    it('refuses every token and emits AuthorizerSecretUnavailable once the cache is older than its TTL and the secret is unreadable (issue 12 finding 8)', async () => {
      let now = 0;
      const lines: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const authorize = createAuthorizer(
        cachedTokens(
          secretsManagerTokens(new SecretsManagerClient({}), SECRET_ARN),
          1_000,
          () => now,
          (line) => lines.push(line),
        ),
      );
      expect((await authorize(event({ authorization: `Bearer ${APP}` }))).context.role).toBe('app');
      secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
      now = 999;
      expect((await authorize(event({ authorization: `Bearer ${APP}` }))).context.role).toBe('app');
      expect(lines).toEqual([]);
      now = 1_000;
      expect((await authorize(event({ authorization: `Bearer ${APP}` }))).context.role).toBe(NO_ROLE);
      expect((await authorize(event({ authorization: `Bearer ${PUBLISHER}` }))).context.role).toBe(NO_ROLE);
      now = 24 * 3600 * 1000;
      expect((await authorize(event({ authorization: `Bearer ${PUBLISHER}` }))).context.role).toBe(NO_ROLE);
      expect(lines).toHaveLength(3);
      const metric = JSON.parse(lines[0]!);
      expect(metric).toMatchObject({
        _aws: {
          Timestamp: 1_000,
          CloudWatchMetrics: [
            {
              Namespace: METRIC_NAMESPACE,
              Metrics: [{ Name: SECRET_UNAVAILABLE_METRIC, Unit: 'Count' }],
              Dimensions: [['service']],
            },
          ],
        },
        service: 'authorizer',
        AuthorizerSecretUnavailable: 1,
      });
      secretsManager.on(GetSecretValueCommand).resolves(secretString({ app: [APP], publisher: [PUBLISHER] }));
      expect((await authorize(event({ authorization: `Bearer ${APP}` }))).context.role).toBe('app');
      expect(lines).toHaveLength(3);
    });

    it("emits the alarm metric in the deployment's namespace when one is configured", async () => {
      const lines: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
      const tokens = cachedTokens(
        secretsManagerTokens(new SecretsManagerClient({}), SECRET_ARN),
        1_000,
        () => 0,
        (line) => lines.push(line),
        'Acme/Policies',
      );
      await expect(tokens()).resolves.toEqual({ app: [], publisher: [] });
      expect(JSON.parse(lines[0]!)._aws.CloudWatchMetrics[0].Namespace).toBe('Acme/Policies');
    });

    it('refuses every token, rather than failing the invocation, when nothing is cached and the secret is unreadable', async () => {
      const lines: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDenied'));
      const authorize = createAuthorizer(
        cachedTokens(
          secretsManagerTokens(new SecretsManagerClient({}), SECRET_ARN),
          60_000,
          () => 5,
          (line) => lines.push(line),
        ),
      );
      await expect(authorize(event({ authorization: `Bearer ${APP}` }))).resolves.toEqual({
        isAuthorized: true,
        context: { role: NO_ROLE },
      });
      expect(lines.map((l) => JSON.parse(l).AuthorizerSecretUnavailable)).toEqual([1]);
    });
  });

  describe('secret parsing', () => {
    it.each([
      ['not JSON', 'app=secret-value', /not JSON/],
      ['a JSON array', '["secret-value"]', /must be a JSON object/],
      ['a number where tokens belong', '{"app": [42], "publisher": []}', /"app" must be a list of strings/],
    ])('rejects %s without echoing the secret', (_, raw, message) => {
      expect(() => parseTokenSet(raw)).toThrow(message);
      try {
        parseTokenSet(raw);
      } catch (e) {
        expect((e as Error).message).not.toContain('secret-value');
      }
    });

    it('reads a role that is absent as having no tokens', () => {
      expect(parseTokenSet('{"publisher": "p"}')).toEqual({ app: [], publisher: ['p'] });
    });
  });

  describe('handler', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.resetModules();
    });

    it('reads the secret named by API_TOKENS_SECRET_ARN, once across invocations', async () => {
      vi.stubEnv('API_TOKENS_SECRET_ARN', SECRET_ARN);
      const { handler } = await import('../../functions/handlers/authorizer');
      expect((await handler(event({ authorization: `Bearer ${PUBLISHER}` }))).context.role).toBe('publisher');
      expect((await handler(event({ authorization: 'Bearer nope' }))).context.role).toBe(NO_ROLE);
      expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
      expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
    });

    it('fails fast naming the missing environment variable', async () => {
      vi.stubEnv('API_TOKENS_SECRET_ARN', '');
      const { handler } = await import('../../functions/handlers/authorizer');
      await expect(handler(event())).rejects.toThrow(
        'environment variable API_TOKENS_SECRET_ARN is required',
      );
    });
  });
});
