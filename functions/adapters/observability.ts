/**
 * Powertools for AWS Lambda (TypeScript) behind the service's own ports: Logger receives every log event
 * of functions/http/log.ts (adding request id, cold start, X-Ray trace id and a correlation id), the
 * business counts of adapters/metrics.ts (Powertools Metrics, loaded only by the functions that count
 * something) are published at the end of each invocation. Tracer (SDK calls as X-Ray subsegments) is in
 * ./tracing.ts, which every SDK client factory imports: apart, so that a process that only makes SDK
 * calls (the CLI, `npm start`) never loads Logger. Logger and Metrics are bundled into each function;
 * Tracer comes from the Powertools layer (./powertools.ts).
 * Only the Lambda entry points (functions/composition/handler.ts) import this module.
 *
 * The service name comes from POWERTOOLS_SERVICE_NAME (set by the stack); outside Lambda nothing here is
 * used and logs stay plain JSON lines.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { logSink } from '../http/log';
import { flushAtInvocationEnd } from './invocation-end';

let logger: Logger | undefined;

const isLambdaContext = (c: unknown): c is Context =>
  typeof c === 'object' && c !== null && 'awsRequestId' in c && 'functionName' in c;

/** API Gateway's request id (what the access log shows), else none: the key that joins the two logs. */
function correlationIdOf(event: unknown): string | undefined {
  const id = (event as { requestContext?: { requestId?: unknown } } | null)?.requestContext?.requestId;
  return typeof id === 'string' ? id : undefined;
}

/** Called before each Lambda invocation: routes logs through Powertools Logger with this request's keys. */
export function beginInvocation(event: unknown, context: unknown): void {
  if (!isLambdaContext(context)) return;
  if (!logger) {
    const root = new Logger();
    logger = root;
    logSink.emit = (level, service, message, fields) =>
      root[level](message, { component: service, ...fields });
  }
  logger.addContext(context);
  logger.removeKeys(['correlation_id']);
  const correlationId = correlationIdOf(event);
  if (correlationId) logger.appendKeys({ correlation_id: correlationId });
}

/** Called after each invocation, whatever its outcome. */
export function endInvocation(): void {
  flushAtInvocationEnd();
}
