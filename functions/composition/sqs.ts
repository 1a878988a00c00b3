import { createSqsClient, SqsQueue } from '../adapters/sqs';
import type { Locations } from './env';
import type { QueueKey } from './needs';

let sqs: ReturnType<typeof createSqsClient> | undefined;

/** The function's queues on SQS (their URLs from the variables its needs declare). */
export function lambdaQueues(locations: Locations): Partial<Record<QueueKey, SqsQueue>> {
  sqs ??= createSqsClient({ endpoint: locations.sqsEndpoint, region: locations.region });
  const client = sqs;
  return Object.fromEntries(
    Object.entries(locations.queueUrls).map(([key, url]) => [key, new SqsQueue(client, url)]),
  );
}
