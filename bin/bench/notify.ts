/**
 * Notification pipeline benchmark: the real handlers (fan-out, worker), the DynamoDB notification store
 * and in-process queues with SQS semantics, against in-memory dynalite (in a child process, as DynamoDB
 * is a separate service), with SES replaced by a request handler under the real SES client, so the SES
 * adapter, its serialisation and its error classification all run.
 *
 * - pipeline: 10,000 customers, SES answering instantly, no pacing: emails per second from campaign
 *   start to completion, and DynamoDB requests per email (an SDK middleware counts every command);
 * - paced: a simulated SES that accepts at most R sends in any one-second window and answers
 *   `Throttling` / "Maximum sending rate exceeded." above it, the worker paced at SES_MAX_SEND_RATE = R:
 *   achieved rate / R, and emails lost or duplicated (both must be 0).
 *
 * Records `notify.pipeline.emailsPerSecond`, `notify.pipeline.dynamodbRequestsPerEmail`,
 * `notify.paced.achievedToLimit`, `notify.paced.lost`, `notify.paced.duplicated`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SESClient } from '@aws-sdk/client-ses';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { systemClock, uuidIds } from '../../functions/adapters/system';
import { unpaced } from '../../functions/adapters/token-bucket';
import { notificationStore, policyStore } from '../../functions/composition/stores';
import { createLogger } from '../../functions/http/log';
import { RevisionCatalog } from '../../functions/usecases/catalog';
import { startCampaign } from '../../functions/usecases/notifications';
import { publishRevision } from '../../functions/usecases/publish';
import { type NotificationOptions, startNotificationPipeline } from '../local/notifications';
import { ensureTables, tableNames } from '../local/stores';
import { type BenchRecord, countDynamoRequests, round } from './common';

const PIPELINE_CUSTOMERS = 10_000;
const PACED_RATE = 50;
const PACED_CUSTOMERS = 600;

/** dynalite, in memory, in its own process (its own core), like the separate service DynamoDB is. */
export async function startDynaliteProcess(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const script =
    "const d=require('dynalite')({createTableMs:0,deleteTableMs:0,updateTableMs:0});" +
    "d.listen(0,'127.0.0.1',()=>process.stdout.write(d.address().port+'\\n'))";
  const child: ChildProcess = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** A simulated SES behind the real client: answers SendEmail itself, instantly or at a limited rate. */
function simulatedSes(limitPerSecond: number | null) {
  const accepted = new Map<string, number>();
  const acceptedAt: number[] = [];
  let throttled = 0;
  let next = 0;
  const respond = (statusCode: number, body: string) => ({
    response: { statusCode, reason: '', headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) },
  });
  const client = new SESClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { body?: unknown }) => {
        const params = new URLSearchParams(String(request.body ?? ''));
        const to = params.get('Destination.ToAddresses.member.1') ?? '';
        const now = performance.now();
        if (limitPerSecond !== null) {
          while (acceptedAt.length > 0 && acceptedAt[0]! <= now - 1000) acceptedAt.shift();
          if (acceptedAt.length >= limitPerSecond) {
            throttled++;
            return respond(
              400,
              '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>' +
                '<Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error>' +
                '<RequestId>bench</RequestId></ErrorResponse>',
            );
          }
          acceptedAt.push(now);
        }
        accepted.set(to, (accepted.get(to) ?? 0) + 1);
        stamps.push(now);
        return respond(
          200,
          '<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendEmailResult>' +
            `<MessageId>bench-${next++}</MessageId></SendEmailResult><ResponseMetadata><RequestId>bench</RequestId>` +
            '</ResponseMetadata></SendEmailResponse>',
        );
      },
    } as never,
  });
  const stamps: number[] = [];
  return { client, accepted, stamps, throttled: () => throttled };
}

async function setUp(endpoint: string, customers: number) {
  const client = createDynamoClient({ endpoint });
  const counter = countDynamoRequests(client);
  const tables = tableNames(`bench${randomBytes(3).toString('hex')}-`);
  await ensureTables(client, tables);
  const doc = createDocumentClient(client);
  const db = { doc, tables };
  const stores = { policies: policyStore(db), notifications: notificationStore(db) };
  const now = new Date().toISOString();
  const items = Array.from({ length: customers }, (_, i) => {
    const userId = `bench-${String(i).padStart(6, '0')}`;
    return {
      PutRequest: {
        Item: {
          pk: `CUSTOMER#${userId}`,
          userId,
          email: `${userId}@bench.example`,
          locale: ['vi', 'en', 'ja'][i % 3],
          name: `Customer ${i}`,
          status: 'active',
          registeredAt: now,
          updatedAt: now,
        },
      },
    };
  });
  const chunks: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let chunk = chunks.pop(); chunk; chunk = chunks.pop()) {
        let pending: Record<string, unknown>[] | undefined = chunk;
        while (pending && pending.length > 0) {
          const out = await doc.send(
            new BatchWriteCommand({ RequestItems: { [tables.customers]: pending as never } }),
          );
          pending = out.UnprocessedItems?.[tables.customers] as Record<string, unknown>[] | undefined;
        }
      }
    }),
  );
  const deps = {
    policies: stores.policies,
    catalog: new RevisionCatalog(stores.policies),
    clock: systemClock,
  };
  const texts = (n: number) => ({
    vi: `1. Phạm vi\n\nMọi dịch vụ.\n\n2. Dữ liệu\n\nLưu ${n} ngày.\n`,
    en: `1. Scope\n\nAll services.\n\n2. Data\n\nKept ${n} days.\n`,
    ja: `1. 範囲\n\nすべてのサービス。\n\n2. データ\n\n${n}日間保存します。\n`,
  });
  await publishRevision(
    deps,
    'privacy',
    { texts: texts(30), change: 'material', notify: false },
    { dryRun: false },
  );
  const { revision } = await publishRevision(
    deps,
    'privacy',
    { texts: texts(60), change: 'material', notify: true, summary: { en: 'Data is kept 60 days.' } },
    { dryRun: false },
  );
  return { client, counter, db, stores, revision };
}

async function runCampaign(
  endpoint: string,
  customers: number,
  ses: ReturnType<typeof simulatedSes>,
  options: Partial<NotificationOptions>,
) {
  const { client, counter, db, stores, revision } = await setUp(endpoint, customers);
  const logger = createLogger('bench', 'error');
  const pipeline = startNotificationPipeline(
    { db, clock: systemClock, ids: uuidIds },
    {
      from: 'privacy@bench.example',
      publicBaseUrl: 'https://policies.bench.example',
      org: { name: 'Bench Co.', phone: null, email: null },
      sesMaxSendRate: PACED_RATE,
      sesClient: ses.client,
      sweepIntervalMs: 0,
      // The pipeline's own requests; recording SES Delivery events is one more write per email, made by
      // the ses-events function (docs/NOTIFICATIONS.md, cost).
      simulateSesEvents: false,
      logger,
      ...options,
    },
  );
  try {
    const before = counter.count;
    const started = performance.now();
    await startCampaign(
      { notifications: stores.notifications, fanoutQueue: pipeline.fanoutQueue, clock: systemClock },
      revision,
    );
    await pipeline.drain(600_000);
    const seconds = (performance.now() - started) / 1000;
    const campaign = await stores.notifications.getCampaign('privacy', revision.version);
    if (campaign?.status !== 'completed') throw new Error('the benchmark campaign did not complete');
    return { seconds, requests: counter.count - before, campaign };
  } finally {
    await pipeline.stop();
    client.destroy();
  }
}

/** 10,000 customers, SES answering at once, nothing paced: what is left is the pipeline and DynamoDB. */
export async function pipelineRun(endpoint: string): Promise<BenchRecord[]> {
  const instant = simulatedSes(null);
  const run = await runCampaign(endpoint, PIPELINE_CUSTOMERS, instant, {
    pacer: unpaced,
    sendConcurrency: 16,
    workerConcurrency: 4,
    workerBatchSize: 4,
  });
  const sent = run.campaign.sent;
  if (sent !== PIPELINE_CUSTOMERS || instant.accepted.size !== PIPELINE_CUSTOMERS)
    throw new Error(`pipeline run sent ${sent} of ${PIPELINE_CUSTOMERS}`);
  process.stderr.write(`  pipeline: ${sent} emails in ${run.seconds.toFixed(1)} s\n`);
  return [
    { name: 'notify.pipeline.emailsPerSecond', value: round(sent / run.seconds, 1), unit: 'emails/s' },
    {
      name: 'notify.pipeline.dynamodbRequestsPerEmail',
      value: round(run.requests / sent, 3),
      unit: 'requests/email',
    },
  ];
}

/** SES limited to R sends in any one-second window, the worker told SES_MAX_SEND_RATE = R. */
export async function pacedRun(endpoint: string): Promise<BenchRecord[]> {
  const limited = simulatedSes(PACED_RATE);
  await runCampaign(endpoint, PACED_CUSTOMERS, limited, {
    sesMaxSendRate: PACED_RATE,
    sendConcurrency: 16,
    retryBaseMs: 100,
    retryMaxMs: 2_000,
  });
  const stamps = limited.stamps;
  // Sends per second over the run's whole seconds from the first send: unbiased whether the pacer sends
  // evenly or in per-window bursts (counting (n - 1) / span would credit a final burst with no time).
  const first = stamps[0]!;
  const seconds = Math.max(1, Math.floor((stamps[stamps.length - 1]! - first) / 1000));
  const achieved = stamps.filter((t) => t < first + seconds * 1000).length / seconds;
  let lost = 0;
  let duplicated = 0;
  for (let i = 0; i < PACED_CUSTOMERS; i++) {
    const n = limited.accepted.get(`bench-${String(i).padStart(6, '0')}@bench.example`) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicated += n - 1;
  }
  process.stderr.write(
    `  paced: ${stamps.length} accepted at ${achieved.toFixed(1)}/s, ${limited.throttled()} throttled\n`,
  );
  return [
    { name: 'notify.paced.achievedToLimit', value: round(achieved / PACED_RATE, 3), unit: 'ratio' },
    { name: 'notify.paced.lost', value: lost, unit: 'emails' },
    { name: 'notify.paced.duplicated', value: duplicated, unit: 'emails' },
  ];
}

export async function runNotifyBench(): Promise<BenchRecord[]> {
  const dynalite = await startDynaliteProcess();
  try {
    return [...(await pipelineRun(dynalite.endpoint)), ...(await pacedRun(dynalite.endpoint))];
  } finally {
    await dynalite.stop();
  }
}
