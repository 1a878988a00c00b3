/**
 * The queue port in one process (local mode, tests, benchmarks), with the SQS + Lambda event source
 * semantics the handlers rely on: messages are delivered as `SQSEvent` records (messageId, body,
 * attributes.ApproximateReceiveCount) to the very handler Lambda runs; a message reported in
 * `batchItemFailures` (or every message of an invocation that threw or ran past its timeout) becomes
 * visible again when its visibility timeout ends; after `maxReceiveCount` failed receives it moves to
 * the dead-letter list. At-least-once like SQS: `duplicate` re-enqueues a message to test that.
 *
 * Unlike Lambda, an invocation that runs past its timeout is abandoned, not killed: code that never
 * resumes (a hung send) behaves like a dead worker, which is what the fault tests use.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Queue, QueueMessage } from '../ports';

export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export type SqsHandler = (
  event: SQSEvent,
  context: InvocationContext,
) => Promise<SQSBatchResponse | undefined>;

export interface InProcessQueueOptions {
  /** Like SQS's: how long a received message stays invisible. */
  visibilityTimeoutMs?: number;
  /** Receives before a failing message goes to the dead-letter list. */
  maxReceiveCount?: number;
  /** Records per invocation (the event source's batch size). */
  batchSize?: number;
  /** Concurrent invocations (the event source's maximum concurrency). */
  concurrency?: number;
  /** The function timeout: an invocation still running after it counts as failed. Default: the visibility timeout. */
  invocationTimeoutMs?: number;
  /** Reports handler errors (the handler's own logging already happened). */
  onError?: (error: unknown) => void;
}

interface StoredMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt: number | null;
  visibleAt: number;
  inFlight: boolean;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
}

export class InProcessQueue implements Queue {
  private readonly messages = new Map<string, StoredMessage>();
  readonly deadLetters: DeadLetter[] = [];
  private handler: SqsHandler | null = null;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private waiters: (() => void)[] = [];
  private readonly opts: Required<Omit<InProcessQueueOptions, 'onError' | 'invocationTimeoutMs'>> & {
    invocationTimeoutMs: number;
    onError: (error: unknown) => void;
  };

  constructor(
    readonly name: string,
    opts: InProcessQueueOptions = {},
  ) {
    const visibilityTimeoutMs = opts.visibilityTimeoutMs ?? 30_000;
    this.opts = {
      visibilityTimeoutMs,
      maxReceiveCount: opts.maxReceiveCount ?? 5,
      batchSize: opts.batchSize ?? 10,
      concurrency: opts.concurrency ?? 1,
      invocationTimeoutMs: opts.invocationTimeoutMs ?? visibilityTimeoutMs,
      onError: opts.onError ?? (() => {}),
    };
  }

  /** Attaches the consumer (the event source mapping). */
  consume(handler: SqsHandler): void {
    this.handler = handler;
    this.pump();
  }

  async sendBatch(messages: QueueMessage[]): Promise<void> {
    if (this.stopped) throw new Error(`queue ${this.name} is stopped`);
    const now = Date.now();
    for (const m of messages) {
      const messageId = randomUUID();
      this.messages.set(messageId, {
        messageId,
        body: m.body,
        sentAt: now,
        receiveCount: 0,
        firstReceivedAt: null,
        visibleAt: now + Math.max(0, m.delaySeconds ?? 0) * 1000,
        inFlight: false,
      });
    }
    this.pump();
  }

  /** Messages not yet deleted (visible, in flight or waiting out a visibility timeout). */
  get depth(): number {
    return this.messages.size;
  }

  get idle(): boolean {
    return this.messages.size === 0 && this.running === 0;
  }

  /** Resolves once the queue holds no message and no invocation runs. */
  drain(): Promise<void> {
    if (this.idle || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops delivering; in-flight invocations finish on their own. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.waiters.splice(0)) w();
  }

  private pump(): void {
    if (this.stopped || !this.handler) return;
    const now = Date.now();
    while (this.running < this.opts.concurrency) {
      const batch: StoredMessage[] = [];
      for (const m of this.messages.values()) {
        if (!m.inFlight && m.visibleAt <= now) batch.push(m);
        if (batch.length === this.opts.batchSize) break;
      }
      if (batch.length === 0) break;
      for (const m of batch) {
        m.inFlight = true;
        m.receiveCount += 1;
        m.firstReceivedAt ??= now;
        m.visibleAt = now + this.opts.visibilityTimeoutMs;
      }
      this.running++;
      void this.invoke(batch).finally(() => {
        this.running--;
        this.pump();
        this.notify();
      });
    }
    this.armTimer();
  }

  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    let next = Number.POSITIVE_INFINITY;
    for (const m of this.messages.values()) if (!m.inFlight) next = Math.min(next, m.visibleAt);
    if (next === Number.POSITIVE_INFINITY || this.running >= this.opts.concurrency) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private async invoke(batch: StoredMessage[]): Promise<void> {
    const deadline = Date.now() + this.opts.invocationTimeoutMs;
    const event: SQSEvent = { Records: batch.map((m) => this.toRecord(m)) };
    let failed: Set<string>;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`invocation timed out after ${this.opts.invocationTimeoutMs} ms`)),
          this.opts.invocationTimeoutMs,
        );
      });
      const response = await Promise.race([
        this.handler!(event, { getRemainingTimeInMillis: () => deadline - Date.now() }),
        timeout,
      ]);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (e) {
      this.opts.onError(e);
      failed = new Set(batch.map((m) => m.messageId));
    } finally {
      clearTimeout(timer);
    }
    for (const m of batch) {
      if (!failed.has(m.messageId)) {
        this.messages.delete(m.messageId);
        continue;
      }
      m.inFlight = false;
      if (m.receiveCount >= this.opts.maxReceiveCount) {
        this.messages.delete(m.messageId);
        this.deadLetters.push({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount });
      }
      // Otherwise it stays invisible until the visibility timeout set at receive ends (as in SQS).
    }
  }

  private toRecord(m: StoredMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}:${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.name}`,
      awsRegion: 'local',
    };
  }

  private notify(): void {
    if (!this.idle) return;
    for (const w of this.waiters.splice(0)) w();
  }
}

/**
 * Waits until every queue is idle at the same moment (a fan-out step enqueues sends, so one queue
 * draining is not enough). Rejects after `timeoutMs` naming what is left, so a stuck test fails fast.
 */
export async function drainQueues(queues: InProcessQueue[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (queues.every((q) => q.idle)) return;
    const left = deadline - Date.now();
    if (left <= 0)
      throw new Error(`queues not drained: ${queues.map((q) => `${q.name}=${q.depth}`).join(', ')}`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(queues.map((q) => q.drain())),
      new Promise((r) => {
        timer = setTimeout(r, Math.min(left, 1_000));
      }),
    ]);
    clearTimeout(timer);
  }
}
