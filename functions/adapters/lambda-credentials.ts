/**
 * Stands in for `@aws-sdk/credential-provider-node` (the SDK's default credential chain) in the Lambda
 * bundles only, by an esbuild alias (lib/bundling.ts). Lambda hands every function its execution role's
 * credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, which is the chain's
 * first provider anyway; the others (SSO, shared INI files, credential_process, web identity, container
 * and instance metadata) and the STS and SSO clients they carry would be parsed at every cold start for
 * nothing: about 120 KB of each bundle and 15-20 ms of its import (`npm run bench`, bundle figures).
 *
 * Code run unbundled (`npm start`, the tests, the CLI) keeps the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
