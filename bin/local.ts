/**
 * `npm start`: the whole service on one machine, no AWS account. Embedded DynamoDB (dynalite, data
 * under DATA_DIR), the SES emulator with its mail viewer, and the API on 127.0.0.1:PORT.
 */

import { configureProcess } from '../functions/composition/process';
import { DEFAULTS } from '../functions/domain/defaults';
import { canonicalTimeZone } from '../functions/domain/email';
import { startLocalService } from './local/runtime';

/** ORG_TIME_ZONE is checked at start: a typo stops here, not in the first email. */
function orgTimeZone(name: string): string {
  const zone = canonicalTimeZone(name);
  if (zone) return zone;
  process.stderr.write(
    `ORG_TIME_ZONE must be an IANA time zone name like Asia/Ho_Chi_Minh or UTC, not ${name}\n`,
  );
  process.exit(2);
}

process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
// Node 20 is supported by the SDK versions pinned here; the SDK's upgrade notice is noise at every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const env = process.env;
configureProcess(env);
const port = Number(env.PORT ?? 3000);
const service = await startLocalService({
  port,
  dataDir: env.DATA_DIR || '.data',
  dynamodbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
  dynamodbPort: Number(env.DYNAMODB_PORT ?? 8006),
  sesEndpoint: env.SES_ENDPOINT || undefined,
  sesPort: Number(env.SES_PORT ?? 8005),
  tokens: {
    app: env.POLICY_APP_TOKEN ? [env.POLICY_APP_TOKEN] : undefined,
    publisher: env.POLICY_PUBLISHER_TOKEN ? [env.POLICY_PUBLISHER_TOKEN] : undefined,
  },
  // Change notifications: see docs/NOTIFICATIONS.md for every variable.
  sesFromAddress: env.SES_FROM_ADDRESS || 'privacy@example.com',
  sesMaxSendRate: Number(env.SES_MAX_SEND_RATE || DEFAULTS.sesMaxSendRate),
  publicBaseUrl: env.PUBLIC_BASE_URL || undefined,
  orgContact: {
    name: env.ORG_NAME || 'Example Co.',
    phone: env.ORG_PHONE || null,
    email: env.ORG_EMAIL || null,
    address: env.ORG_ADDRESS || null,
    website: env.ORG_WEBSITE || null,
  },
  orgTimeZone: orgTimeZone(env.ORG_TIME_ZONE || 'UTC'),
  notifications: {
    // One send in flight: a process killed between SES accepting and the ledger recording can then
    // leave at most one duplicate (docs/NOTIFICATIONS.md, the window).
    // Parsed by the worker's own schema (functions/composition/env.ts), as in Lambda.
    env: {
      NOTIFY_SEND_CONCURRENCY: env.NOTIFY_SEND_CONCURRENCY || '1',
      NOTIFY_LEASE_MS: env.NOTIFY_LEASE_MS,
      SES_QUOTA_REFRESH_MS: env.SES_QUOTA_REFRESH_MS,
    },
    ...(env.NOTIFY_VISIBILITY_TIMEOUT_MS
      ? { visibilityTimeoutMs: Number(env.NOTIFY_VISIBILITY_TIMEOUT_MS) }
      : {}),
  },
});

const lines = [
  'Policy service is running.',
  `  API:          ${service.url}`,
  `  Mail viewer:  ${service.sesEndpoint}/  (sent mail as JSON: ${service.sesEndpoint}/store)`,
  `  Emails:       from ${env.SES_FROM_ADDRESS || 'privacy@example.com'}, at most ${Number(env.SES_MAX_SEND_RATE || DEFAULTS.sesMaxSendRate)}/s`,
  `  DynamoDB:     ${service.dynamodbEndpoint}${env.DYNAMODB_ENDPOINT ? '' : ` (embedded, data in ${env.DATA_DIR || '.data'})`}`,
  `  App token:        ${service.tokens.app}${env.POLICY_APP_TOKEN ? ' (from POLICY_APP_TOKEN)' : ' (generated; set POLICY_APP_TOKEN to fix it)'}`,
  `  Publisher token:  ${service.tokens.publisher}${env.POLICY_PUBLISHER_TOKEN ? ' (from POLICY_PUBLISHER_TOKEN)' : ' (generated; set POLICY_PUBLISHER_TOKEN to fix it)'}`,
  'Press Ctrl-C to stop.',
];
process.stdout.write(`${lines.join('\n')}\n`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: shutting down...\n`);
  await service.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
