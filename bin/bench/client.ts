/**
 * What the typed client (client/) adds to the login-time status check: `client.mustAcknowledge` next to
 * a raw `fetch` of the same route, against the same local service, interleaved call by call so machine
 * load hits both alike. Both use the global fetch; the client's share is building the request from the
 * route table, the retry loop and parsing the answer.
 *
 * Run alone with `npx tsx bin/bench/client.ts`, or through `npm run bench`.
 */
import { PolicyClient } from '../../client';
import { configureProcess } from '../../functions/composition/process';
import { startLocalService } from '../local/runtime';
import { type BenchRecord, percentile, round } from './common';

const TOKENS = { app: 'bench-app', publisher: 'bench-publisher' };
const CALLS = 400;
const WARMUP = 50;

export async function runClientBench(): Promise<BenchRecord[]> {
  const service = await startLocalService({ tokens: { app: [TOKENS.app], publisher: [TOKENS.publisher] } });
  try {
    const published = await fetch(`${service.url}/policies/bench/revisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.publisher}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        texts: { vi: '1. Phạm vi\n\nChính sách này áp dụng cho dịch vụ.\n' },
        change: 'material',
      }),
    });
    if (published.status !== 201) throw new Error(`publish failed with ${published.status}`);
    const client = new PolicyClient({ baseUrl: service.url, token: TOKENS.app });
    await client.acknowledge('bench-user', { policyId: 'bench', version: 1 });

    const url = `${service.url}/users/bench-user/policies/bench/status`;
    const raw = async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${TOKENS.app}` } });
      if (res.status !== 200) throw new Error(`status check failed with ${res.status}`);
      const body = (await res.json()) as { mustAcknowledge: boolean };
      return body.mustAcknowledge;
    };
    const typed = async () => (await client.mustAcknowledge('bench-user', 'bench')).mustAcknowledge;

    const rawMs: number[] = [];
    const clientMs: number[] = [];
    for (let i = 0; i < WARMUP + CALLS; i++) {
      // Alternate which goes first, so neither always runs on the warmer connection.
      const order = i % 2 === 0 ? ([raw, typed] as const) : ([typed, raw] as const);
      for (const fn of order) {
        const started = performance.now();
        const answer = await fn();
        const ms = performance.now() - started;
        if (answer !== false) throw new Error('unexpected status answer');
        if (i >= WARMUP) (fn === raw ? rawMs : clientMs).push(ms);
      }
    }
    rawMs.sort((a, b) => a - b);
    clientMs.sort((a, b) => a - b);
    const rawP50 = percentile(rawMs, 50);
    const clientP50 = percentile(clientMs, 50);
    return [
      { name: 'client.mustAcknowledgeMs', value: round(clientP50, 3), unit: 'ms (p50)' },
      { name: 'client.rawFetchMs', value: round(rawP50, 3), unit: 'ms (p50)' },
      { name: 'client.overheadMs', value: round(clientP50 - rawP50, 3), unit: 'ms (p50 difference)' },
      { name: 'client.mustAcknowledgeP99Ms', value: round(percentile(clientMs, 99), 3), unit: 'ms' },
      { name: 'client.rawFetchP99Ms', value: round(percentile(rawMs, 99), 3), unit: 'ms' },
    ];
  } finally {
    await service.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.LOG_LEVEL ??= 'error';
  configureProcess(process.env);
  for (const r of await runClientBench()) console.log(`${r.name}  ${r.value}  ${r.unit}`);
}
