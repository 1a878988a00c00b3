/**
 * The queue port on SQS: SendMessageBatch, at most 10 entries and 256 KiB per call, failed entries
 * retried with back-off. Throws when some message could not be enqueued: callers are idempotent and
 * rely on their own redelivery, so re-sending the ones that did go through is harmless.
 */
import { SendMessageBatchCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { Queue, QueueMessage } from '../ports';
import { type AwsEndpoint, createAwsClient } from './aws-client';

const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 250 * 1024;
const ATTEMPTS = 5;

export const createSqsClient = (where: AwsEndpoint = {}): SQSClient =>
  createAwsClient(SQSClient, where, { maxAttempts: 5 } satisfies SQSClientConfig);

/** Groups messages into SendMessageBatch calls under both limits. */
export function chunkForSqs(messages: QueueMessage[]): QueueMessage[][] {
  const chunks: QueueMessage[][] = [];
  let current: QueueMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = Buffer.byteLength(m.body, 'utf8');
    if (current.length > 0 && (current.length === MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class SqsQueue implements Queue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async sendBatch(messages: QueueMessage[]): Promise<void> {
    for (const chunk of chunkForSqs(messages)) {
      let pending = chunk.map((m, i) => ({
        Id: `m${i}`,
        MessageBody: m.body,
        ...(m.delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(m.delaySeconds))) } : {}),
      }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await this.sleep(Math.min(2_000, 50 * 2 ** attempt));
        const out = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
        );
        const failed = out.Failed ?? [];
        const fatal = failed.find((f) => f.SenderFault);
        if (fatal) throw new Error(`SQS rejected a message: ${fatal.Code ?? 'unknown'}`);
        if (failed.length > 0 && attempt + 1 >= ATTEMPTS)
          throw new Error(`SQS did not take ${failed.length} message(s) after ${ATTEMPTS} attempts`);
        const ids = new Set(failed.map((f) => f.Id));
        pending = pending.filter((e) => ids.has(e.Id));
      }
    }
  }
}
