/**
 * The acknowledgment summary at 10,000 customers: how many DynamoDB requests one
 * `GET /policies/{id}/acknowledgments/summary` costs (goal ≤ 10, whatever the number of customers), and
 * that the answer matches the data (every customer active, half of them acknowledged).
 */
import { BatchWriteCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { buildReconcileCounts } from '../../functions/composition/reconcile-counts';
import { reconcileCounts } from '../../functions/usecases/counts';
import { startLocalService } from '../local/runtime';
import { type BenchRecord, countDynamoRequests, throughput } from './common';

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const TOKENS = { app: 'bench-app', publisher: 'bench-publisher' };
export const SUMMARY_BENCH_CUSTOMERS = 10_000;

export async function runComplianceBench(customers = SUMMARY_BENCH_CUSTOMERS): Promise<BenchRecord[]> {
  let counter = { count: 0 };
  const service = await startLocalService({
    tokens: { app: [TOKENS.app], publisher: [TOKENS.publisher] },
    onDynamoClient: (client) => {
      counter = countDynamoRequests(client);
    },
  });
  // Data goes in through the stores (with their counter hooks) on a client of its own, uncounted.
  const client = createDynamoClient({ endpoint: service.dynamodbEndpoint });
  try {
    const res = await fetch(`${service.url}/policies/privacy/revisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.publisher}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        texts: { en: 'Privacy policy, version one.' },
        change: 'material',
        notify: false,
      }),
    });
    if (res.status !== 201) throw new Error(`publish failed with ${res.status}`);
    const published = (await res.json()) as { version: number; contentHashes: Record<string, string> };

    // The tables are filled in bulk and the counters computed by reconciliation, as after a migration:
    // counting through the stores' hooks is the integration test's job (test/integration/counts.test.ts).
    const doc = createDocumentClient(client);
    const reconcileDeps = buildReconcileCounts({ db: { doc, tables: service.tables } }, {});
    const at = new Date().toISOString();
    const customerItems = Array.from({ length: customers }, (_, i) => ({
      pk: `CUSTOMER#bench-${i}`,
      userId: `bench-${i}`,
      email: `bench-${i}@example.com`,
      locale: 'en',
      status: 'active',
      registeredAt: at,
      updatedAt: at,
    }));
    const ackItems = customerItems
      .filter((_, i) => i % 2 === 0)
      .map((c, i) => ({
        pk: `USER#${c.userId}`,
        sk: `ACK#privacy#${String(published.version).padStart(10, '0')}`,
        gsi1pk: 'POLICY#privacy',
        gsi1sk: `${at}#${c.userId}#${String(published.version).padStart(10, '0')}`,
        userId: c.userId,
        policyId: 'privacy',
        version: published.version,
        locale: 'en',
        contentHash: published.contentHashes.en!,
        acknowledgedAt: at,
        channel: 'bench',
        evidence: {},
        receiptId: `r-${i}`,
      }));
    const batches = [
      ...chunks(customerItems, 25).map((items) => ({ table: service.tables.customers, items })),
      ...chunks(ackItems, 25).map((items) => ({ table: service.tables.acknowledgments, items })),
    ];
    await throughput(batches.length, 8, async (i) => {
      const { table, items } = batches[i]!;
      let pending: Record<string, unknown>[] | undefined = items.map((Item) => ({ PutRequest: { Item } }));
      while (pending && pending.length > 0) {
        const out: BatchWriteCommandOutput = await doc.send(
          new BatchWriteCommand({ RequestItems: { [table]: pending as never } }),
        );
        pending = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
      }
    });
    const reconcile = () => reconcileCounts(reconcileDeps);
    await reconcile();

    const summary = async () => {
      const before = counter.count;
      const r = await fetch(`${service.url}/policies/privacy/acknowledgments/summary`, {
        headers: { authorization: `Bearer ${TOKENS.publisher}` },
      });
      if (r.status !== 200) throw new Error(`summary failed with ${r.status}`);
      const body = (await r.json()) as { activeCustomers: number; acknowledgedRequired: number };
      return { requests: counter.count - before, body };
    };
    const first = await summary();
    const second = await summary();
    if (first.body.activeCustomers !== customers || first.body.acknowledgedRequired !== customers / 2)
      throw new Error(`summary is wrong: ${JSON.stringify(first.body)}`);
    const report = await reconcile();
    // A second reconciliation right after the first must find nothing left to correct.
    const drift = report.corrections.filter((c) => c.status !== 'exact').length;
    return [
      { name: 'compliance.summaryCustomers', value: customers, unit: 'customers' },
      {
        name: 'compliance.summaryDynamodbRequests',
        value: Math.max(first.requests, second.requests),
        unit: 'requests',
      },
      { name: 'compliance.countersNeedingCorrection', value: drift, unit: 'counters' },
    ];
  } finally {
    client.destroy();
    await service.stop();
  }
}
