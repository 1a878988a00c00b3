/** The API authorizer: bearer tokens from the Secrets Manager secret, cached. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAwsClient } from '../adapters/aws-client';
import { cachedTokens, createAuthorizer, secretsManagerTokens } from '../handlers/authorizer';
import { authorizerSettings, parseProcessSettings } from './env';
import { environmentOf } from './lambda';

export function authorizerFromEnv() {
  const { settings, locations } = environmentOf('authorizer', authorizerSettings);
  const secrets = createAwsClient(SecretsManagerClient, { region: locations.region }, {});
  return createAuthorizer(
    cachedTokens(
      secretsManagerTokens(secrets, settings.secretId),
      settings.tokenCacheTtlMs,
      undefined,
      undefined,
      parseProcessSettings(process.env).metricsNamespace,
    ),
  );
}
