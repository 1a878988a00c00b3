/**
 * The storage contract: one suite, run against every implementation of the DynamoDB API we support
 * (dynalite, DynamoDB Local). Each port method is exercised for the behaviour the use cases rely on.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '../../functions/adapters/dynamodb/client';
import { CHUNK_BYTES, splitUtf8 } from '../../functions/adapters/dynamodb/text-chunks';
import { DomainError, IntegrityError, ItemExistsError } from '../../functions/domain/errors';
import { prepareRevision } from '../../functions/domain/prepare-revision';
import { type Revision, verifyChain } from '../../functions/domain/revision';
import { contentHash, MAX_TEXT_BYTES, utf8Bytes } from '../../functions/domain/text';
import type { Acknowledgment, Customer } from '../../functions/ports';
import type { Stores } from '../support/stores';

const now = new Date('2026-12-01T00:00:00.000Z');

function revisionChain(policyId: string, count: number, format?: 'markdown' | 'text'): Revision[] {
  const out: Revision[] = [];
  for (let i = 1; i <= count; i++) {
    const { revision } = prepareRevision({
      policyId,
      input: {
        texts: { vi: `phiên bản ${i}\n`, en: `version ${i}\n` },
        change: i % 2 ? 'material' : 'minor',
        ...(format ? { format } : {}),
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
  timeZone: null,
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

/** Counts PutItem calls sent through the stores' client until `stop()`. */
function countWrites(s: Stores) {
  const name = `countPuts${Math.random()}`;
  const counter = {
    puts: 0,
    stop: () => {
      s.client.middlewareStack.remove(name);
    },
  };
  s.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutItemCommand') counter.puts++;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return counter;
}

/** Every text item (heads and chunks) of a policy. */
const textItems = (s: Stores, policyId: string) =>
  queryAll(s.doc, {
    TableName: s.tables.policies,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
    ExpressionAttributeValues: { ':pk': `POLICY#${policyId}`, ':t': 'TEXT#' },
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
        const text = 'Chính sách bảo mật\n'.repeat(12_000); // ~250 KB
        const hash = contentHash(text);
        await s.policies.putText('contract-c', hash, text);
        await s.policies.putText('contract-c', hash, text);
        expect(await s.policies.getText('contract-c', hash)).toBe(text);
        expect(await s.policies.getText('contract-c', contentHash('other'))).toBeNull();
        const [r1] = revisionChain('contract-c', 1);
        await s.policies.putRevision(r1!);
        expect(await s.policies.listRevisions('contract-c')).toEqual([r1]);
      });

      it('round-trips a 2 MiB text of multi-byte characters in chunks, verified against its hash', async () => {
        // 3- and 4-byte characters (Vietnamese, emoji as surrogate pairs) so chunk cuts fall inside them.
        const line = 'Điều khoản bảo mật 🔒 dữ liệu cá nhân — quyền của bạn.\n';
        let text = line.repeat(Math.floor(MAX_TEXT_BYTES / utf8Bytes(line)));
        text += 'x'.repeat(MAX_TEXT_BYTES - utf8Bytes(text) - 1) + '\n';
        expect(utf8Bytes(text)).toBe(MAX_TEXT_BYTES);
        const hash = contentHash(text);
        const writes = countWrites(s);
        await s.policies.putText('contract-big', hash, text);
        const chunkItems = Math.ceil(MAX_TEXT_BYTES / CHUNK_BYTES);
        expect(writes.puts).toBeGreaterThanOrEqual(chunkItems + 1);
        const got = await s.policies.getText('contract-big', hash);
        expect(got?.length).toBe(text.length);
        expect(got === text).toBe(true);
        expect(contentHash(got!)).toBe(hash);
        const items = await textItems(s, 'contract-big');
        expect(items.length).toBe(writes.puts);
        for (const item of items) expect(utf8Bytes(JSON.stringify(item))).toBeLessThan(360_000);
        writes.stop();
      });

      it('stores a text once: writing it again (an unchanged locale) reads one item and writes none', async () => {
        const text = 'Mục 1. Không đổi\n'.repeat(30_000); // ~550 KB: two chunks
        const hash = contentHash(text);
        await s.policies.putText('contract-once', hash, text);
        const before = await textItems(s, 'contract-once');
        const writes = countWrites(s);
        await s.policies.putText('contract-once', hash, text);
        writes.stop();
        expect(writes.puts).toBe(0);
        expect(await textItems(s, 'contract-once')).toEqual(before);
        expect(before.length).toBe(3);
      });

      it('refuses to serve a text whose chunk was tampered with, or lost', async () => {
        const text = 'Quyền riêng tư\n'.repeat(50_000); // ~800 KB: three chunks
        const hash = contentHash(text);
        await s.policies.putText('contract-tamper', hash, text);
        const chunks = (await textItems(s, 'contract-tamper')).filter((i) => i.sk !== `TEXT#${hash}`);
        const victim = chunks[1]!;
        const tampered = String(victim.chunk).replace('Quyền', 'Quyen');
        await s.doc.send(
          new PutCommand({ TableName: s.tables.policies, Item: { ...victim, chunk: tampered } }),
        );
        await expect(s.policies.getText('contract-tamper', hash)).rejects.toThrow(
          new IntegrityError(
            `text ${hash} of contract-tamper fails verification: its stored content hashes differently`,
          ),
        );
        await s.doc.send(
          new DeleteCommand({ TableName: s.tables.policies, Key: { pk: victim.pk, sk: victim.sk } }),
        );
        await expect(s.policies.getText('contract-tamper', hash)).rejects.toThrow(/2 of 3 chunks stored/);
      });

      it('ignores the chunks of a publish that failed before its text was complete', async () => {
        const text = 'Điều 1\n'.repeat(100_000); // ~800 KB
        const hash = contentHash(text);
        // What a crash after the first chunk leaves behind: a chunk, no head item.
        const [first] = splitUtf8(text);
        await s.doc.send(
          new PutCommand({
            TableName: s.tables.policies,
            Item: { pk: 'POLICY#contract-orphan', sk: `TEXT#${hash}#0000`, chunk: first },
          }),
        );
        expect(await s.policies.getText('contract-orphan', hash)).toBeNull();
        await s.policies.putText('contract-orphan', hash, text);
        expect(await s.policies.getText('contract-orphan', hash)).toBe(text);
      });

      it('reads a text stored whole in one item before texts were chunked', async () => {
        const text = 'Chính sách cũ\n';
        const hash = contentHash(text);
        await s.doc.send(
          new PutCommand({
            TableName: s.tables.policies,
            Item: { pk: 'POLICY#contract-legacy', sk: `TEXT#${hash}`, text },
          }),
        );
        expect(await s.policies.getText('contract-legacy', hash)).toBe(text);
      });

      it('reads revisions stored before formats existed as text', async () => {
        const [r1] = revisionChain('contract-format', 1);
        const { format: _format, ...legacy } = r1!;
        await s.doc.send(
          new PutCommand({
            TableName: s.tables.policies,
            Item: { pk: 'POLICY#contract-format', sk: 'REV#0000000001', ...legacy },
          }),
        );
        const read = await s.policies.getRevision('contract-format', 1);
        expect(read).toEqual({ ...legacy, format: 'text' });
        expect(verifyChain([read!])).toEqual({ ok: true });
        const [m1] = revisionChain('contract-format-md', 1, 'markdown');
        await s.policies.putRevision(m1!);
        expect((await s.policies.latestRevision('contract-format-md'))?.format).toBe('markdown');
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

    describe('PolicyStore changes (what a revision changed, for its emails)', () => {
      it('stores them write-once under the revision hash, beside the revisions without disturbing them', async () => {
        const chain = revisionChain('contract-changes', 2);
        const changes = {
          en: { titles: ['Data we keep', 'Contact'], more: 3, anchor: 's-data-we-keep' },
          vi: { titles: [], more: 0, anchor: null },
        };
        expect(await s.policies.getChanges('contract-changes', chain[1]!.hash)).toBeNull();
        await s.policies.putChanges('contract-changes', chain[1]!.hash, changes);
        for (const r of chain) await s.policies.putRevision(r);
        // Write-once: a second write (a retried publish) keeps the first.
        await s.policies.putChanges('contract-changes', chain[1]!.hash, {
          en: { titles: [], more: 0, anchor: null },
        });
        expect(await s.policies.getChanges('contract-changes', chain[1]!.hash)).toEqual(changes);
        expect(await s.policies.getChanges('contract-changes', chain[0]!.hash)).toBeNull();
        expect(await s.policies.getChanges('another-policy', chain[1]!.hash)).toBeNull();
        expect(await s.policies.listRevisions('contract-changes')).toEqual(chain);
        expect(await s.policies.latestRevision('contract-changes')).toEqual(chain[1]);
      });
    });

    describe('PolicyStore settings', () => {
      it('stores settings beside the revisions without disturbing their listing', async () => {
        expect(await s.policies.getSettings('contract-settings')).toBeNull();
        const chain = revisionChain('contract-settings', 2);
        for (const r of chain) await s.policies.putRevision(r);
        await s.policies.putSettings('contract-settings', {
          noticePeriodDays: 30,
          updatedAt: '2026-12-01T00:00:00.000Z',
        });
        await s.policies.putSettings('contract-settings', {
          noticePeriodDays: 14,
          updatedAt: '2026-12-02T00:00:00.000Z',
        });
        expect(await s.policies.getSettings('contract-settings')).toEqual({
          noticePeriodDays: 14,
          updatedAt: '2026-12-02T00:00:00.000Z',
        });
        expect(await s.policies.listRevisions('contract-settings')).toEqual(chain);
        expect((await s.policies.pageRevisions('contract-settings', 10, null)).items).toEqual(
          [...chain].reverse(),
        );
        expect(await s.policies.latestRevision('contract-settings')).toEqual(chain[1]);
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

      it('pages through suppressed customers only (the reconciliation of the suppressed counter)', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await s.customers.pageSuppressed(3, cursor);
          seen.push(...page.items.map((c) => c.userId));
          cursor = page.nextCursor;
        } while (cursor);
        const paged = seen.filter((id) => id.startsWith('page-')).sort();
        expect(paged).toEqual(['page-17', 'page-27', 'page-37', 'page-7']);
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
