import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { verifyChain } from '../../functions/domain/revision';
import { call, dumpTables, startTestService, TOKENS } from '../support/service';

let service: LocalService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => service?.stop());

describe('concurrency', () => {
  it('turns 20 concurrent publishes of different content into versions 1..20 with an unbroken chain', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(service, 'POST', '/policies/race/revisions', {
          token: TOKENS.publisher,
          body: { texts: { vi: `Chính sách, bản nháp số ${i}\n` }, change: 'material', notify: false },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const versions = results.map((r) => r.json.version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    const listed = await call(service, 'GET', '/policies/race/revisions?limit=100');
    const ascending = [...listed.json.revisions].reverse();
    expect(ascending.map((r: { version: number }) => r.version)).toEqual(versions);
    expect(verifyChain(ascending)).toEqual({ ok: true });
  });

  it('gives 409 VERSION_CONFLICT to all but one of concurrent publishes pinned to the same baseVersion', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(service, 'POST', '/policies/race/revisions', {
          token: TOKENS.publisher,
          body: { texts: { vi: `Bản ghim ${i}\n` }, change: 'minor', baseVersion: 20 },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.json.error.code === 'VERSION_CONFLICT')).toHaveLength(
      7,
    );
    expect((await call(service, 'GET', '/policies/race')).json.latestVersion).toBe(21);
  });

  it('keeps one history record for 20 concurrent identical acknowledgments', async () => {
    const body = { policyId: 'race', version: 3, channel: 'web', evidence: { ip: '198.51.100.1' } };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(service, 'POST', '/users/racer/acknowledgments', { token: TOKENS.app, body }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    const receipts = new Set(results.map((r) => r.json.receiptId));
    expect(receipts.size).toBe(1);
    const history = await call(service, 'GET', '/users/racer/acknowledgments', { token: TOKENS.app });
    expect(history.json.acknowledgments).toHaveLength(1);
    const items = (await dumpTables(service)).acknowledgments ?? [];
    // One acknowledgment record (the user's count state item, sk COUNTED, is not a record).
    const records = items.map((i) => JSON.stringify(i)).filter((i) => i.includes('"USER#racer"'));
    expect(records.filter((i) => i.includes('"ACK#race#'))).toHaveLength(1);
    expect(records).toHaveLength(2);
  });
});
