/**
 * The storage contract: one suite, run against every implementation of the DynamoDB API we support
 * (dynalite, DynamoDB Local). Each port method is exercised for the behaviour the use cases rely on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError, ItemExistsError } from '../../functions/domain/errors';
import { prepareRevision, type Revision } from '../../functions/domain/revision';
import { contentHash } from '../../functions/domain/text';
import type { Acknowledgment, Customer } from '../../functions/ports';
import type { Stores } from '../support/stores';

const now = new Date('2026-12-01T00:00:00.000Z');

function revisionChain(policyId: string, count: number): Revision[] {
  const out: Revision[] = [];
  for (let i = 1; i <= count; i++) {
    const { revision } = prepareRevision({
      policyId,
      input: {
        texts: { vi: `phiên bản ${i}\n`, en: `version ${i}\n` },
        change: i % 2 ? 'material' : 'minor',
        summary: { vi: `tóm tắt ${i}` },
      },
      latest: out[out.length - 1] ?? null,
      now,
    });
    out.push(revision);
  }
  return out;
}

const customer = (userId: string, over: Partial<Customer> = {}): Customer => ({
  userId,
  email: `${userId}@example.com`,
  locale: 'vi',
  name: `Người dùng ${userId}`,
  status: 'active',
  registeredAt: now.toISOString(),
  updatedAt: now.toISOString(),
  ...over,
});

const ack = (userId: string, policyId: string, version: number, at: string): Acknowledgment => ({
  userId,
  policyId,
  version,
  locale: 'vi',
  contentHash: contentHash(`v${version}\n`),
  acknowledgedAt: at,
  channel: 'web',
  evidence: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
  receiptId: `r-${userId}-${version}`,
});

export function storeContract(name: string, open: () => Promise<Stores>) {
  describe(`storage contract: ${name}`, () => {
    let s: Stores;
    beforeAll(async () => {
      s = await open();
    });

    describe('PolicyStore', () => {
      it('stores revisions write-once and lists them ascending', async () => {
        const chain = revisionChain('contract-a', 3);
        for (const r of chain) await s.policies.putRevision(r);
        await expect(s.policies.putRevision({ ...chain[1]!, change: 'material' })).rejects.toBeInstanceOf(
          ItemExistsError,
        );
        expect(await s.policies.listRevisions('contract-a')).toEqual(chain);
        expect(await s.policies.getRevision('contract-a', 2)).toEqual(chain[1]);
        expect(await s.policies.getRevision('contract-a', 9)).toBeNull();
        expect(await s.policies.latestRevision('contract-a')).toEqual(chain[2]);
        expect(await s.policies.latestRevision('contract-none')).toBeNull();
        expect(await s.policies.listRevisions('contract-none')).toEqual([]);
      });

      it('pages revisions newest first with a cursor', async () => {
        const chain = revisionChain('contract-b', 5);
        for (const r of chain) await s.policies.putRevision(r);
        const first = await s.policies.pageRevisions('contract-b', 2, null);
        expect(first.items.map((r) => r.version)).toEqual([5, 4]);
        const second = await s.policies.pageRevisions('contract-b', 2, first.nextCursor);
        expect(second.items.map((r) => r.version)).toEqual([3, 2]);
        const third = await s.policies.pageRevisions('contract-b', 2, second.nextCursor);
        expect(third.items.map((r) => r.version)).toEqual([1]);
        expect(third.nextCursor).toBeNull();
      });

      it('keeps texts content-addressed and separate from revisions', async () => {
        const text = 'Chính sách bảo mật\n'.repeat(12_000); // ~240 KB: near the per-locale limit
        const hash = contentHash(text);
        await s.policies.putText('contract-c', hash, text);
        await s.policies.putText('contract-c', hash, text);
        expect(await s.policies.getText('contract-c', hash)).toBe(text);
        expect(await s.policies.getText('contract-c', contentHash('other'))).toBeNull();
        const [r1] = revisionChain('contract-c', 1);
        await s.policies.putRevision(r1!);
        expect(await s.policies.listRevisions('contract-c')).toEqual([r1]);
      });

      it('registers policies idempotently', async () => {
        await s.policies.registerPolicy('contract-d', now.toISOString());
        await s.policies.registerPolicy('contract-d', now.toISOString());
        await s.policies.registerPolicy('contract-e', now.toISOString());
        const ids = await s.policies.listPolicyIds();
        expect(ids.filter((id) => id === 'contract-d')).toHaveLength(1);
        expect(ids).toContain('contract-e');
      });
    });

    describe('CustomerStore', () => {
      it('creates, replaces, reads and erases customers', async () => {
        expect(await s.customers.put(customer('c1'))).toEqual({ created: true });
        expect(await s.customers.put(customer('c1', { locale: 'en' }))).toEqual({ created: false });
        expect(await s.customers.get('c1')).toEqual(customer('c1', { locale: 'en' }));
        expect(await s.customers.delete('c1')).toBe(true);
        expect(await s.customers.get('c1')).toBeNull();
        expect(await s.customers.delete('c1')).toBe(false);
      });

      it('stores absent locale and name as null', async () => {
        await s.customers.put(customer('c2', { locale: null, name: null }));
        expect(await s.customers.get('c2')).toMatchObject({ locale: null, name: null });
      });

      it('suppresses every customer with a bounced address and only while they keep it', async () => {
        await s.customers.put(customer('c3', { email: 'shared@example.com' }));
        await s.customers.put(customer('c4', { email: 'shared@example.com' }));
        await s.customers.put(customer('c5', { email: 'other@example.com' }));
        expect(await s.customers.suppressByEmail('shared@example.com', 'bounce', now.toISOString())).toBe(2);
        expect((await s.customers.get('c3'))?.status).toBe('suppressed');
        expect((await s.customers.get('c4'))?.suppressedReason).toBe('bounce');
        expect((await s.customers.get('c5'))?.status).toBe('active');
        expect(await s.customers.suppressByEmail('nobody@example.com', 'bounce', now.toISOString())).toBe(0);
      });

      it('pages through active customers only, every one exactly once', async () => {
        const ids = Array.from({ length: 45 }, (_, i) => `page-${i}`);
        for (const id of ids)
          await s.customers.put(customer(id, id.endsWith('7') ? { status: 'suppressed' } : {}));
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await s.customers.pageActive(10, cursor);
          expect(page.items.length).toBeLessThanOrEqual(10);
          seen.push(...page.items.map((c) => c.userId));
          cursor = page.nextCursor;
        } while (cursor);
        const expected = ids.filter((id) => !id.endsWith('7'));
        expect(seen.filter((id) => id.startsWith('page-')).sort()).toEqual(expected.sort());
        expect(seen.every((id) => !id.endsWith('7') || !id.startsWith('page-'))).toBe(true);
      });

      it('reads many customers at once, skipping unknown ids', async () => {
        const ids = Array.from({ length: 130 }, (_, i) => `many-${i}`);
        for (const id of ids) await s.customers.put(customer(id));
        const got = await s.customers.getMany([...ids, 'many-missing']);
        expect(got.map((c) => c.userId).sort()).toEqual([...ids].sort());
      });
    });

    describe('AcknowledgmentStore', () => {
      it('is append-only: the same user, policy and version returns the first record', async () => {
        const first = ack('a1', 'privacy', 1, '2026-12-01T00:00:00.000Z');
        expect(await s.acks.put(first)).toEqual({ created: true, record: first });
        const again = { ...first, acknowledgedAt: '2026-12-02T00:00:00.000Z', receiptId: 'other' };
        expect(await s.acks.put(again)).toEqual({ created: false, record: first });
      });

      it('answers the newest acknowledgment of one policy in one query', async () => {
        await s.acks.put(ack('a2', 'privacy', 1, '2026-12-01T00:00:00.000Z'));
        await s.acks.put(ack('a2', 'privacy', 10, '2026-12-03T00:00:00.000Z'));
        await s.acks.put(ack('a2', 'privacy', 2, '2026-12-02T00:00:00.000Z'));
        await s.acks.put(ack('a2', 'privacy-2', 99, '2026-12-04T00:00:00.000Z'));
        expect((await s.acks.newest('a2', 'privacy'))?.version).toBe(10);
        expect((await s.acks.newest('a2', 'privacy-2'))?.version).toBe(99);
        expect(await s.acks.newest('a2', 'terms')).toBeNull();
        expect((await s.acks.listForUser('a2', 'privacy')).map((a) => a.version)).toEqual([10, 2, 1]);
        expect((await s.acks.listForUser('a2')).map((a) => `${a.policyId}:${a.version}`)).toEqual([
          'privacy-2:99',
          'privacy:10',
          'privacy:2',
          'privacy:1',
        ]);
      });

      it('pages every acknowledgment of a policy and rejects a cursor of another policy', async () => {
        for (let i = 0; i < 7; i++)
          await s.acks.put(ack(`exp-${i}`, 'export', 1, `2026-12-0${1 + (i % 5)}T00:00:00.000Z`));
        await s.acks.put(ack('exp-x', 'export-other', 1, '2026-12-01T00:00:00.000Z'));
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await s.acks.pageForPolicy('export', 3, cursor);
          seen.push(...page.items.map((a) => a.userId));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `exp-${i}`));
        const first = await s.acks.pageForPolicy('export', 3, null);
        await expect(s.acks.pageForPolicy('export-other', 3, first.nextCursor)).rejects.toBeInstanceOf(
          DomainError,
        );
      });
    });
  });
}
