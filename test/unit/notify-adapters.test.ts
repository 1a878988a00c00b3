import { SESClient, SESServiceException, SendEmailCommand } from '@aws-sdk/client-ses';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueues, InProcessQueue } from '../../functions/adapters/in-process-queue';
import { classifySesError, SesMailer } from '../../functions/adapters/ses';
import { chunkForSqs, SqsQueue } from '../../functions/adapters/sqs';
import { TokenBucket } from '../../functions/adapters/token-bucket';
import { MailSendError } from '../../functions/domain/notification';

const sesError = (name: string, message = name) =>
  new SESServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });

describe('SesMailer', () => {
  const ses = mockClient(SESClient);
  const mailer = new SesMailer(new SESClient({ region: 'us-east-1' }), { configurationSet: 'notices' });
  const email = {
    from: 'privacy@example.com',
    to: 'lan@example.vn',
    subject: 'S',
    text: 'T',
    html: '<p>H</p>',
  };

  beforeEach(() => ses.reset());

  it('sends one v1 SendEmail with UTF-8 subject, text and HTML, and nothing else', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await expect(mailer.send(email)).resolves.toEqual({ messageId: 'm-1' });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ses.calls()).toHaveLength(1);
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      Source: 'privacy@example.com',
      Destination: { ToAddresses: ['lan@example.vn'] },
      ConfigurationSetName: 'notices',
      Message: {
        Subject: { Data: 'S', Charset: 'UTF-8' },
        Body: { Text: { Data: 'T', Charset: 'UTF-8' }, Html: { Data: '<p>H</p>', Charset: 'UTF-8' } },
      },
    });
  });

  it.each([
    ['Throttling', 'Maximum sending rate exceeded.', 'throttled'],
    ['ThrottlingException', 'Rate exceeded', 'throttled'],
    ['TooManyRequestsException', 'Too many requests', 'throttled'],
    ['SomeProxyError', 'Maximum send rate exceeded', 'throttled'],
    ['MessageRejected', 'Email address is not verified.', 'rejected'],
    ['InvalidParameterValue', 'Missing final @domain', 'rejected'],
    ['ServiceUnavailable', 'try later', 'transient'],
  ])('classifies %s as %s', async (name, message, kind) => {
    ses.on(SendEmailCommand).rejects(sesError(name, message));
    const error = await mailer.send(email).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailSendError);
    expect((error as MailSendError).kind).toBe(kind);
    expect((error as MailSendError).code).toBe(name);
  });

  it('treats a network failure as transient', () => {
    expect(classifySesError(new Error('socket hang up')).kind).toBe('transient');
  });
});

describe('SqsQueue', () => {
  const sqs = mockClient(SQSClient);
  const queue = new SqsQueue(new SQSClient({ region: 'us-east-1' }), 'https://sqs.example/q', async () => {});
  const messages = (n: number, size = 10) =>
    Array.from({ length: n }, (_, i) => ({ id: `m${i}`, body: 'x'.repeat(size) }));

  beforeEach(() => sqs.reset());

  it('sends at most 10 entries per SendMessageBatch', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await queue.sendBatch(messages(23));
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 10, 3,
    ]);
  });

  it('keeps each call under 256 KiB', () => {
    expect(chunkForSqs(messages(5, 100 * 1024)).map((c) => c.length)).toEqual([2, 2, 1]);
  });

  it('retries only the entries SQS failed', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: 'm1', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Failed: [] });
    await queue.sendBatch(messages(3));
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.Entries).toEqual([{ Id: 'm1', MessageBody: 'xxxxxxxxxx' }]);
  });

  it('throws on a sender fault and after repeated failures', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: 'm0', Code: 'InvalidMessageContents', SenderFault: true }] });
    await expect(queue.sendBatch(messages(1))).rejects.toThrow(/InvalidMessageContents/);
    sqs.reset();
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: 'm0', Code: 'InternalError', SenderFault: false }] });
    await expect(queue.sendBatch(messages(1))).rejects.toThrow(/after 5 attempts/);
  });
});

describe('TokenBucket', () => {
  /** A bucket on a fake clock whose sleeps move time forward; returns when each take was let through. */
  const fake = (rate: number) => {
    const clock = { now: 0 };
    const bucket = new TokenBucket(
      rate,
      0,
      () => clock.now,
      async (ms) => {
        clock.now += ms;
      },
    );
    const admitted: number[] = [];
    const take = async () => {
      await bucket.take();
      admitted.push(clock.now);
    };
    return { clock, bucket, admitted, take };
  };
  /** The most sends let through in any window of `ms`. */
  const peak = (stamps: number[], ms: number) =>
    Math.max(...stamps.map((t) => stamps.filter((u) => u > t - ms && u <= t).length));

  it('lets at most `rate` sends through in any one-second window, concurrent callers included', async () => {
    const { admitted, take } = fake(10);
    await Promise.all(Array.from({ length: 35 }, () => take()));
    expect(peak(admitted, 1000)).toBe(10);
    expect(admitted[34]).toBe(3000); // 35 sends at 10/s: the last one goes out after 3 s
  });

  it('paces fractional rates', async () => {
    const { admitted, take } = fake(0.5);
    for (let i = 0; i < 3; i++) await take();
    expect(admitted).toEqual([0, 2000, 4000]);
  });

  it('slows the whole instance down after throttles, then climbs back to the rate', async () => {
    const { bucket, admitted, take } = fake(10);
    for (let i = 0; i < 10; i++) await take();
    bucket.throttled();
    bucket.throttled();
    expect(bucket.currentRate).toBeCloseTo(8.1);
    for (let i = 0; i < 8; i++) await take();
    // The window is full (10 sends at 0); at 8.1/s the next send waits for a window of 8 / 8.1 s.
    expect(admitted[10]).toBeCloseTo(8000 / 8.1, 0);
    expect(peak(admitted.slice(10), 1000)).toBeLessThan(10);
    for (let i = 0; i < 20; i++) await take();
    expect(bucket.currentRate).toBe(10);
  });

  it('paces on when sends go out once senders say so, so a slow sender cannot put two windows in one second', async () => {
    const { clock, bucket } = fake(2);
    const [first, second] = await Promise.all([bucket.take(), bucket.take()]); // both let through at 0
    first.sending(); // goes out at once
    clock.now = 300;
    second.sending(); // held up 300 ms (a read, rendering) before it went out
    second.sending(); // said twice, counted once
    const third = await bucket.take();
    expect(clock.now).toBe(1000); // the window of the send at 0 is over
    third.sending();
    await bucket.take();
    // Measured on when they were let through this would be 1000 too; the send that went out at 300
    // fills the window until 1300.
    expect(clock.now).toBe(1300);
  });

  it('keeps the time a send was let through when it never goes out, for one window', async () => {
    const { clock, bucket } = fake(1);
    await bucket.take(); // at 0; its recipient turns out erased: no send
    const next = await bucket.take();
    expect(clock.now).toBe(1000);
    clock.now = 1200;
    next.sending(); // its own stamp moves from 1000 to 1200
    await bucket.take();
    expect(clock.now).toBe(2200);
  });

  it('keeps a real run under the rate', async () => {
    const bucket = new TokenBucket(100);
    const stamps: number[] = [];
    for (let i = 0; i < 150; i++) {
      await bucket.take();
      stamps.push(performance.now());
    }
    expect(peak(stamps, 1000)).toBeLessThanOrEqual(100);
    expect(stamps[149]! - stamps[0]!).toBeGreaterThanOrEqual(1000);
  });
});

describe('InProcessQueue', () => {
  let queue: InProcessQueue;
  afterEach(() => queue.stop());

  it('delivers SQS-shaped records and deletes the ones that succeed', async () => {
    queue = new InProcessQueue('q', { batchSize: 10 });
    const seen: SQSEvent[] = [];
    queue.consume(async (event) => {
      seen.push(event);
      return { batchItemFailures: [] };
    });
    await queue.sendBatch([
      { id: 'a', body: '{"n":1}' },
      { id: 'b', body: '{"n":2}' },
    ]);
    await drainQueues([queue], 2_000);
    expect(seen).toHaveLength(1);
    const [record] = seen[0]!.Records;
    expect(record).toMatchObject({
      body: '{"n":1}',
      eventSource: 'aws:sqs',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(record!.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(queue.depth).toBe(0);
  });

  it('redelivers reported failures after the visibility timeout with a growing receive count', async () => {
    queue = new InProcessQueue('q', { visibilityTimeoutMs: 40, maxReceiveCount: 5 });
    const deliveries: { at: number; count: string }[] = [];
    const start = Date.now();
    queue.consume(async (event) => {
      const record = event.Records[0]!;
      deliveries.push({ at: Date.now() - start, count: record.attributes.ApproximateReceiveCount });
      return { batchItemFailures: deliveries.length < 3 ? [{ itemIdentifier: record.messageId }] : [] };
    });
    await queue.sendBatch([{ id: 'a', body: 'x' }]);
    await drainQueues([queue], 2_000);
    expect(deliveries.map((d) => d.count)).toEqual(['1', '2', '3']);
    expect(deliveries[2]!.at).toBeGreaterThanOrEqual(75);
  });

  it('moves a message that keeps failing to the dead-letter list after maxReceiveCount', async () => {
    queue = new InProcessQueue('q', { visibilityTimeoutMs: 5, maxReceiveCount: 3 });
    let calls = 0;
    queue.consume(async () => {
      calls++;
      throw new Error('boom');
    });
    await queue.sendBatch([{ id: 'a', body: 'poison' }]);
    await drainQueues([queue], 2_000);
    expect(calls).toBe(3);
    expect(queue.deadLetters).toEqual([expect.objectContaining({ body: 'poison', receiveCount: 3 })]);
  });

  it('treats an invocation that outlives its timeout as failed (a dead worker)', async () => {
    queue = new InProcessQueue('q', { visibilityTimeoutMs: 30, invocationTimeoutMs: 20 });
    let calls = 0;
    queue.consume(async () => {
      calls++;
      if (calls === 1) await new Promise(() => {}); // never returns
      return { batchItemFailures: [] };
    });
    await queue.sendBatch([{ id: 'a', body: 'x' }]);
    await drainQueues([queue], 2_000);
    expect(calls).toBe(2);
  });

  it('runs at most `concurrency` invocations at once', async () => {
    queue = new InProcessQueue('q', { batchSize: 1, concurrency: 2 });
    let running = 0;
    let peak = 0;
    queue.consume(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return { batchItemFailures: [] };
    });
    await queue.sendBatch(Array.from({ length: 6 }, (_, i) => ({ id: String(i), body: 'x' })));
    await drainQueues([queue], 2_000);
    expect(peak).toBe(2);
  });
});
