/**
 * The one factory of AWS SDK clients. In AWS a client takes the function's region and role; against a
 * local endpoint (the embedded store, DynamoDB Local, the SES emulator) it gets an explicit region and
 * dummy credentials, so the SDK never goes looking for instance metadata. One client per process,
 * reused across warm invocations. In Lambda each client is traced (X-Ray subsegments per SDK call, see
 * adapters/observability.ts `traced`); elsewhere tracing is never loaded.
 */
import { traced } from './tracing';

export interface AwsEndpoint {
  /** Set for a local stand-in; unset in AWS. */
  endpoint?: string | undefined;
  region?: string | undefined;
}

export function createAwsClient<C, Config extends object>(
  Client: new (config: Config) => C,
  where: AwsEndpoint,
  base: Config,
  localRegion = 'us-east-1',
): C {
  const config: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  if (where.endpoint) {
    config.endpoint = where.endpoint;
    config.region = where.region ?? localRegion;
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  } else if (where.region) config.region = where.region;
  return traced(new Client(config as Config));
}
