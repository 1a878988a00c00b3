/**
 * The login-time status check and publish latency, through the local HTTP server, next to the same
 * single-item read straight against the same store in the same run.
 */

import { readFileSync } from 'node:fs';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { acknowledgmentStore } from '../../functions/composition/stores';
import { normalizeText } from '../../functions/domain/text';
import { startLocalService } from '../local/runtime';
import { type BenchRecord, countDynamoRequests, percentile, round, throughput } from './common';

const fixture = readFileSync(new URL('../../examples/privacy-policy.vi.txt', import.meta.url), 'utf8');
const TOKENS = { app: 'bench-app', publisher: 'bench-publisher' };

export async function runStatusBench(): Promise<BenchRecord[]> {
  let counter = { count: 0 };
  const service = await startLocalService({
    tokens: { app: [TOKENS.app], publisher: [TOKENS.publisher] },
    onDynamoClient: (client) => {
      counter = countDynamoRequests(client);
    },
  });
  const base = service.url;
  const post = (path: string, token: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  try {
    // Publish latency: the fixture policy, a new sentence per revision, one at a time.
    const latencies: number[] = [];
    for (let i = 0; i < 60; i++) {
      const started = performance.now();
      const res = await post('/policies/privacy/revisions', TOKENS.publisher, {
        texts: { vi: `${fixture}\nPhụ lục ${i}: cập nhật điều khoản.\n` },
        change: i % 5 === 0 ? 'material' : 'minor',
        notify: false,
      });
      if (res.status !== 201) throw new Error(`publish failed with ${res.status}`);
      await res.arrayBuffer();
      if (i >= 10) latencies.push(performance.now() - started); // the first ones warm up the JIT
    }
    latencies.sort((a, b) => a - b);

    const users = Array.from({ length: 200 }, (_, i) => `bench-user-${i}`);
    for (const [i, userId] of users.entries()) {
      if (i % 2 === 0)
        await post(`/users/${userId}/acknowledgments`, TOKENS.app, {
          policyId: 'privacy',
          version: 1 + (i % 50),
        });
    }
    const check = async (i: number) => {
      const res = await fetch(`${base}/users/${users[i % users.length]}/policies/privacy/status`, {
        headers: { authorization: `Bearer ${TOKENS.app}` },
      });
      if (res.status !== 200) throw new Error(`status check failed with ${res.status}`);
      await res.arrayBuffer();
    };

    // Warm: the revision catalog is loaded by the first check; then count what a warm check costs.
    await check(0);
    const before = counter.count;
    const sample = 200;
    for (let i = 0; i < sample; i++) await check(i);
    const requestsPerCheck = (counter.count - before) / sample;

    const rawClient = createDynamoClient({ endpoint: service.dynamodbEndpoint });
    const acks = acknowledgmentStore(
      { doc: createDocumentClient(rawClient), tables: service.tables },
      { counting: false },
    );
    const raw = (i: number) => acks.newest(users[i % users.length]!, 'privacy');
    const total = 3000;
    const concurrency = 16;
    await throughput(300, concurrency, raw);
    await throughput(300, concurrency, check);
    // Interleave two rounds each so drift on a shared machine hits both sides alike.
    const rawRates = [await throughput(total, concurrency, raw)];
    const checkRates = [await throughput(total, concurrency, check)];
    rawRates.push(await throughput(total, concurrency, raw));
    checkRates.push(await throughput(total, concurrency, check));
    rawClient.destroy();
    const rawPerSecond = Math.max(...rawRates);
    const checksPerSecond = Math.max(...checkRates);

    return [
      { name: 'status.dynamodbRequestsPerCheck', value: round(requestsPerCheck, 3), unit: 'requests' },
      { name: 'status.checksPerSecond', value: round(checksPerSecond, 0), unit: 'checks/s' },
      { name: 'status.rawReadsPerSecond', value: round(rawPerSecond, 0), unit: 'reads/s' },
      { name: 'status.ratioToRawRead', value: round(checksPerSecond / rawPerSecond, 3), unit: 'ratio' },
      { name: 'publish.p50Ms', value: round(percentile(latencies, 50)), unit: 'ms' },
      { name: 'publish.p99Ms', value: round(percentile(latencies, 99)), unit: 'ms' },
      { name: 'publish.fixtureBytes', value: Buffer.byteLength(normalizeText(fixture)), unit: 'bytes' },
    ];
  } finally {
    await service.stop();
  }
}
