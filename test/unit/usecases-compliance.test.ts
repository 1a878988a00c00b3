/**
 * The compliance, comparison and counter-reconciliation use cases on in-memory ports (no DynamoDB):
 * exports, the per-user timeline, receipts that re-verify the stored text and the revision chain, the
 * acknowledgment summary read from the counters, the revision comparison's defaults, a dry run's diff
 * against the latest revision, and the reconciliation's corrections. Expectations are written by hand.
 */
import { describe, expect, it } from 'vitest';
import { DomainError, IntegrityError } from '../../functions/domain/errors';
import type { Revision } from '../../functions/domain/revision';
import type {
  Acknowledgment,
  CounterTotals,
  Customer,
  Notice,
  Page,
  PolicyCounts,
} from '../../functions/ports';
import { RevisionCatalog } from '../../functions/usecases/catalog';
import {
  acknowledgmentReceipt,
  acknowledgmentSummary,
  exportAcknowledgments,
  userTimeline,
} from '../../functions/usecases/compliance';
import { reconcileCounts } from '../../functions/usecases/counts';
import { comparedTexts, compareRevisions, diffAgainstLatest, formatsOf } from '../../functions/usecases/diff';
import { publishRevision } from '../../functions/usecases/publish';
import { MemoryAckStore, MemoryPolicyStore } from '../support/memory-ports';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

class MemoryNotices {
  readonly byUser = new Map<string, Notice[]>();
  async noticesForUser(userId: string) {
    return this.byUser.get(userId) ?? [];
  }
}

/** The counters' answer for any policy, as a test sets it. */
class FixedCounts {
  activeCustomers = 0;
  policy: PolicyCounts = { acknowledgments: {}, activeByNewestVersion: {} };
  async read(_policyId: string) {
    return { activeCustomers: this.activeCustomers, policy: this.policy };
  }
}

function setup() {
  const policies = new MemoryPolicyStore();
  let nowMs = T0;
  const clock = { now: () => new Date(nowMs) };
  let n = 0;
  const deps = {
    policies,
    catalog: new RevisionCatalog(policies, 0),
    clock,
    ids: { next: () => `id-${++n}` },
    acks: new MemoryAckStore(),
    notices: new MemoryNotices(),
    counts: new FixedCounts(),
  };
  const publish = async (
    policyId: string,
    texts: Record<string, string>,
    more: { change?: 'material' | 'minor'; effectiveAt?: string; format?: 'text' | 'markdown' } = {},
  ) => {
    const { revision } = await publishRevision(
      deps,
      policyId,
      { texts, change: more.change ?? 'material', effectiveAt: more.effectiveAt, format: more.format },
      { dryRun: false },
    );
    return revision;
  };
  const at = (ms: number) => {
    nowMs = ms;
  };
  return { deps, publish, at };
}

const ack = (r: Revision, userId: string, at: string, locale = r.defaultLocale): Acknowledgment => ({
  userId,
  policyId: r.policyId,
  version: r.version,
  locale,
  contentHash: r.contentHashes[locale] ?? 'sha256:none',
  acknowledgedAt: at,
  channel: 'web',
  evidence: { ip: '192.0.2.1' },
  receiptId: `receipt-${userId}-${r.version}`,
});

const EN1 = 'Privacy policy\n\nWe keep your data safe.\n';
const EN2 = 'Privacy policy\n\nWe keep your data safe and delete it after a year.\n';
const EN3 = 'Privacy policy\n\nWe keep your data safe and delete it after a month.\n\nAsk us anything.\n';
const VI2 = 'Chính sách\n\nDữ liệu an toàn.\n';

async function notFoundOf(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DomainError);
  expect((e as DomainError).code).toBe('NOT_FOUND');
  return (e as DomainError).message;
}

describe('exportAcknowledgments', () => {
  it('pages the policy’s acknowledgments, oldest first, and 404s an unknown policy', async () => {
    const { deps, publish } = setup();
    const v1 = await publish('privacy', { en: EN1 });
    const other = await publish('terms', { en: 'Terms\n\nBe nice.' });
    await deps.acks.put(ack(v1, 'u1', iso(T0 + 1)));
    await deps.acks.put(ack(other, 'u1', iso(T0 + 2)));
    await deps.acks.put(ack(v1, 'u2', iso(T0 + 3)));
    await deps.acks.put(ack(v1, 'u3', iso(T0 + 4)));
    const first = await exportAcknowledgments(deps, 'privacy', 2, null);
    expect(first.items.map((a) => a.userId)).toEqual(['u1', 'u2']);
    expect(first.nextCursor).toBe('2');
    const second = await exportAcknowledgments(deps, 'privacy', 2, first.nextCursor);
    expect(second).toEqual({ items: [ack(v1, 'u3', iso(T0 + 4))], nextCursor: null });
    expect(await notFoundOf(exportAcknowledgments(deps, 'cookies', 2, null))).toBe(
      'policy cookies does not exist',
    );
  });
});

describe('userTimeline', () => {
  it('merges revisions, their taking effect, notices, deliveries and acknowledgments in time order', async () => {
    const { deps, publish, at } = setup();
    const v1 = await publish('privacy', { en: EN1 });
    at(T0 + 2 * HOUR);
    // Takes effect exactly at the timeline's `now` (counted), v3 only after it (not counted).
    const v2 = await publish('privacy', { en: EN2 }, { change: 'minor', effectiveAt: iso(T0 + 5 * HOUR) });
    const v3 = await publish('privacy', { en: EN3 }, { effectiveAt: iso(T0 + 9 * HOUR) });
    const a1 = ack(v1, 'u1', iso(T0 + HOUR));
    await deps.acks.put(a1);
    await deps.acks.put(ack(v1, 'u2', iso(T0 + HOUR)));
    const sent: Notice = {
      policyId: 'privacy',
      version: 2,
      state: 'sent',
      at: iso(T0 + 3 * HOUR),
      messageId: 'ses-1',
      sentAt: iso(T0 + 3 * HOUR),
      deliveredAt: iso(T0 + 4 * HOUR),
    };
    const deliveredNoId: Notice = {
      policyId: 'privacy',
      version: 3,
      state: 'sent',
      at: iso(T0 + 2 * HOUR + 1),
      deliveredAt: iso(T0 + 2 * HOUR + 2),
    };
    const failed: Notice = {
      policyId: 'privacy',
      version: 3,
      state: 'failed',
      at: iso(T0 + 6 * HOUR),
      reason: 'x',
    };
    deps.notices.byUser.set('u1', [sent, deliveredNoId, failed]);

    const now = new Date(T0 + 5 * HOUR);
    const t = await userTimeline(deps, 'u1', now);
    expect(t.userId).toBe('u1');
    expect(t.generatedAt).toBe('2026-03-01T15:00:00.000Z');
    expect(t.acknowledgments).toEqual([a1]);
    expect(t.notices).toEqual([sent, deliveredNoId, failed]);
    expect(t.revisions).toEqual(
      [v1, v2, v3].map((r) => ({
        policyId: 'privacy',
        version: r.version,
        change: r.change,
        publishedAt: r.publishedAt,
        effectiveAt: r.effectiveAt,
        hash: r.hash,
      })),
    );
    expect(t.events.map((e) => [e.at, e.type, 'version' in e ? e.version : null])).toEqual([
      ['2026-03-01T10:00:00.000Z', 'revision_published', 1],
      ['2026-03-01T10:00:00.000Z', 'revision_effective', 1],
      ['2026-03-01T11:00:00.000Z', 'acknowledgment', 1],
      ['2026-03-01T12:00:00.000Z', 'revision_published', 2],
      ['2026-03-01T12:00:00.000Z', 'revision_published', 3],
      ['2026-03-01T12:00:00.001Z', 'notice', 3],
      ['2026-03-01T12:00:00.002Z', 'notice_delivered', 3],
      ['2026-03-01T13:00:00.000Z', 'notice', 2],
      ['2026-03-01T14:00:00.000Z', 'notice_delivered', 2],
      ['2026-03-01T15:00:00.000Z', 'revision_effective', 2],
      ['2026-03-01T16:00:00.000Z', 'notice', 3],
    ]);
    expect(t.events[0]).toEqual({
      at: v1.publishedAt,
      type: 'revision_published',
      policyId: 'privacy',
      version: 1,
      change: 'material',
      effectiveAt: v1.effectiveAt,
    });
    expect(t.events[1]).toEqual({
      at: v1.effectiveAt,
      type: 'revision_effective',
      policyId: 'privacy',
      version: 1,
      change: 'material',
    });
    expect(t.events[2]).toEqual({ type: 'acknowledgment', ...a1, at: a1.acknowledgedAt });
    expect(t.events[5]).toEqual({ type: 'notice', ...deliveredNoId });
    expect(t.events[6]).toEqual({
      at: '2026-03-01T12:00:00.002Z',
      type: 'notice_delivered',
      policyId: 'privacy',
      version: 3,
    });
    expect(t.events[8]).toEqual({
      at: '2026-03-01T14:00:00.000Z',
      type: 'notice_delivered',
      policyId: 'privacy',
      version: 2,
      messageId: 'ses-1',
    });
  });

  it('covers every policy, and only this user’s acknowledgments and notices', async () => {
    const { deps, publish } = setup();
    await publish('privacy', { en: EN1 });
    const terms = await publish('terms', { en: 'Terms\n\nBe nice.' });
    await deps.acks.put(ack(terms, 'u2', iso(T0 + 1)));
    const t = await userTimeline(deps, 'u1', new Date(T0));
    expect(t.revisions.map((r) => r.policyId)).toEqual(['privacy', 'terms']);
    expect(t.acknowledgments).toEqual([]);
    expect(t.notices).toEqual([]);
    expect(t.events.map((e) => e.type)).toEqual([
      'revision_published',
      'revision_effective',
      'revision_published',
      'revision_effective',
    ]);
  });
});

describe('acknowledgmentReceipt', () => {
  async function twoVersions() {
    const s = setup();
    const v1 = await s.publish('privacy', { en: EN1 });
    const v2 = await s.publish('privacy', { en: EN2, vi: VI2 });
    return { ...s, v1, v2 };
  }

  it('re-verifies the stored text, the acknowledged hash and the chain, and finds the version’s notice', async () => {
    const { deps, v1, v2 } = await twoVersions();
    const a = ack(v2, 'u1', iso(T0 + HOUR), 'vi');
    await deps.acks.put(ack(v1, 'u1', iso(T0)));
    await deps.acks.put(a);
    const notice: Notice = {
      policyId: 'privacy',
      version: 2,
      state: 'sent',
      at: iso(T0 + 1),
      messageId: 'm',
    };
    deps.notices.byUser.set('u1', [
      { policyId: 'terms', version: 2, state: 'sent', at: iso(T0) },
      { policyId: 'privacy', version: 1, state: 'sent', at: iso(T0) },
      notice,
    ]);
    const r = await acknowledgmentReceipt(deps, 'u1', 'privacy', 2);
    expect(r.acknowledgment).toEqual(a);
    expect(r.revision).toEqual(v2);
    expect(r.text).toBe(VI2);
    expect(r.verified).toBe(true);
    expect(r.notice).toEqual(notice);
    expect(r.checks).toEqual([
      {
        name: 'stored_text_matches_revision',
        ok: true,
        detail: `stored text hashes to ${v2.contentHashes.vi}; revision records ${v2.contentHashes.vi}`,
      },
      {
        name: 'acknowledged_hash_matches_revision',
        ok: true,
        detail: `acknowledged ${v2.contentHashes.vi}; revision records ${v2.contentHashes.vi}`,
      },
      { name: 'revision_chain_intact', ok: true, detail: `versions 1..2 chain to ${v2.hash}` },
    ]);
    const first = await acknowledgmentReceipt(deps, 'u1', 'privacy', 1);
    expect(first.text).toBe(EN1);
    expect(first.notice).toEqual({ policyId: 'privacy', version: 1, state: 'sent', at: iso(T0) });
    expect(first.checks[2]).toEqual({
      name: 'revision_chain_intact',
      ok: true,
      detail: `versions 1..1 chain to ${v1.hash}`,
    });
  });

  it('404s a version the user did not acknowledge, and an acknowledged version that is not stored', async () => {
    const { deps, v2 } = await twoVersions();
    await deps.acks.put(ack(v2, 'u1', iso(T0)));
    expect(await notFoundOf(acknowledgmentReceipt(deps, 'u1', 'privacy', 1))).toBe(
      'u1 has not acknowledged version 1 of privacy',
    );
    expect(await notFoundOf(acknowledgmentReceipt(deps, 'u2', 'privacy', 2))).toBe(
      'u2 has not acknowledged version 2 of privacy',
    );
    await deps.acks.put({ ...ack(v2, 'u1', iso(T0)), version: 7 });
    expect(await notFoundOf(acknowledgmentReceipt(deps, 'u1', 'privacy', 7))).toBe(
      'version 7 of privacy does not exist',
    );
  });

  it('fails the text check when the stored text differs, is missing or fails its integrity check', async () => {
    const { deps, v2 } = await twoVersions();
    const a = ack(v2, 'u1', iso(T0));
    await deps.acks.put(a);
    const hash = v2.contentHashes.en!;
    deps.policies.texts.set(`privacy/${hash}`, 'Privacy policy\n\nWe sell your data.');
    const tampered = await acknowledgmentReceipt(deps, 'u1', 'privacy', 2);
    expect(tampered.verified).toBe(false);
    expect(tampered.text).toBe('Privacy policy\n\nWe sell your data.');
    expect(tampered.checks[0]!.ok).toBe(false);
    expect(tampered.checks[0]!.detail).toMatch(
      new RegExp(`^stored text hashes to sha256:\\w+; revision records ${hash}$`),
    );
    expect(tampered.checks[0]!.detail).not.toContain(`hashes to ${hash}`);
    expect(tampered.checks.slice(1).map((c) => c.ok)).toEqual([true, true]);

    deps.policies.texts.delete(`privacy/${hash}`);
    const missing = await acknowledgmentReceipt(deps, 'u1', 'privacy', 2);
    expect(missing.verified).toBe(false);
    expect(missing.text).toBe('');
    expect(missing.checks[0]).toEqual({
      name: 'stored_text_matches_revision',
      ok: false,
      detail: 'the stored text is missing',
    });

    deps.policies.getText = async () => {
      throw new IntegrityError('chunk 2 of the text does not match its hash');
    };
    const corrupt = await acknowledgmentReceipt(deps, 'u1', 'privacy', 2);
    expect(corrupt.verified).toBe(false);
    expect(corrupt.text).toBe('');
    expect(corrupt.checks[0]).toEqual({
      name: 'stored_text_matches_revision',
      ok: false,
      detail: 'chunk 2 of the text does not match its hash',
    });

    deps.policies.getText = async () => {
      throw new Error('network down');
    };
    await expect(acknowledgmentReceipt(deps, 'u1', 'privacy', 2)).rejects.toThrow('network down');
  });

  it('reports an acknowledged hash that is not the revision’s, and a locale without a text', async () => {
    const { deps, v1, v2 } = await twoVersions();
    await deps.acks.put({ ...ack(v2, 'u1', iso(T0)), contentHash: v1.contentHashes.en! });
    const wrong = await acknowledgmentReceipt(deps, 'u1', 'privacy', 2);
    expect(wrong.verified).toBe(false);
    expect(wrong.checks.map((c) => c.ok)).toEqual([true, false, true]);
    expect(wrong.checks[1]!.detail).toBe(
      `acknowledged ${v1.contentHashes.en}; revision records ${v2.contentHashes.en}`,
    );

    await deps.acks.put(ack(v1, 'u2', iso(T0), 'vi'));
    const noText = await acknowledgmentReceipt(deps, 'u2', 'privacy', 1);
    expect(noText.verified).toBe(false);
    expect(noText.text).toBe('');
    expect(noText.checks).toEqual([
      { name: 'stored_text_matches_revision', ok: false, detail: 'the stored text is missing' },
      {
        name: 'acknowledged_hash_matches_revision',
        ok: false,
        detail: 'acknowledged sha256:none; revision records no text in this locale',
      },
      { name: 'revision_chain_intact', ok: true, detail: `versions 1..1 chain to ${v1.hash}` },
    ]);
  });

  it('fails the chain check on a tampered revision up to the version, not after it', async () => {
    const { deps, publish, v1, v2 } = await twoVersions();
    await publish('privacy', { en: EN3, vi: VI2 });
    await deps.acks.put(ack(v1, 'u1', iso(T0)));
    await deps.acks.put(ack(v2, 'u1', iso(T0)));
    // v2's change rewritten after the fact: its hash no longer covers it.
    deps.policies.revisionsById.get('privacy')![1] = { ...v2, change: 'minor' };
    const r2 = await acknowledgmentReceipt(deps, 'u1', 'privacy', 2);
    expect(r2.verified).toBe(false);
    expect(r2.checks.map((c) => c.ok)).toEqual([true, true, false]);
    expect(r2.checks[2]!.detail).toBe('version 2: hash mismatch');
    const r1 = await acknowledgmentReceipt(deps, 'u1', 'privacy', 1);
    expect(r1.verified).toBe(true);
  });
});

describe('acknowledgmentSummary', () => {
  it('counts who acknowledged the required version or a later one, from the counters', async () => {
    const { deps, publish, at } = setup();
    await publish('privacy', { en: EN1 });
    at(T0 + HOUR);
    await publish('privacy', { en: EN2 });
    await publish('privacy', { en: EN3 }, { change: 'minor' });
    deps.counts.activeCustomers = 10;
    deps.counts.policy = {
      acknowledgments: { 1: 8, 2: 5, 3: 1 },
      activeByNewestVersion: { 1: 3, 2: 4, 3: 1 },
    };
    expect(await acknowledgmentSummary(deps, 'privacy', new Date(T0 + HOUR))).toEqual({
      policyId: 'privacy',
      requiredVersion: 2,
      activeCustomers: 10,
      acknowledgedRequired: 5,
      pending: 5,
      acknowledgmentsByVersion: { 1: 8, 2: 5, 3: 1 },
    });
    expect(await notFoundOf(acknowledgmentSummary(deps, 'terms', new Date(T0)))).toBe(
      'policy terms does not exist',
    );
  });

  it('has nothing pending while no revision is in effect', async () => {
    const { deps, publish } = setup();
    await publish('privacy', { en: EN1 }, { effectiveAt: iso(T0 + 24 * HOUR) });
    deps.counts.activeCustomers = 4;
    deps.counts.policy = { acknowledgments: { 1: 2 }, activeByNewestVersion: { 1: 2 } };
    expect(await acknowledgmentSummary(deps, 'privacy', new Date(T0 + HOUR))).toEqual({
      policyId: 'privacy',
      requiredVersion: null,
      activeCustomers: 4,
      acknowledgedRequired: 4,
      pending: 0,
      acknowledgmentsByVersion: { 1: 2 },
    });
  });
});

describe('comparedTexts and compareRevisions', () => {
  async function threeVersions() {
    const s = setup();
    const v1 = await s.publish('privacy', { en: EN1 });
    const v2 = await s.publish('privacy', { en: EN2, vi: VI2 });
    const v3 = await s.publish('privacy', { en: EN3, vi: VI2 }, { change: 'minor' });
    return { ...s, v1, v2, v3 };
  }

  it('compares the latest revision with the one before it, in the default locale', async () => {
    const { deps, v2, v3 } = await threeVersions();
    const c = await compareRevisions(deps, 'privacy', {});
    expect(c.from).toEqual(v2);
    expect(c.to).toEqual(v3);
    expect(c.locale).toBe('en');
    expect(c.oldText).toBe(EN2);
    expect(c.newText).toBe(EN3);
    expect(c.diff.stats).toEqual({ linesAdded: 3, linesRemoved: 1, sectionsChanged: 1 });
  });

  it('takes the versions and locale asked for; a locale the older revision lacks is an empty text', async () => {
    const { deps, v1, v2 } = await threeVersions();
    const c = await comparedTexts(deps, 'privacy', { from: 1, to: 2, locale: 'vi' });
    expect([c.from.version, c.to.version, c.locale, c.oldText, c.newText]).toEqual([1, 2, 'vi', '', VI2]);
    const cmp = await compareRevisions(deps, 'privacy', { from: 1, to: 2, locale: 'vi' });
    expect(cmp.diff.stats.linesRemoved).toBe(0);
    expect(cmp.diff.stats).toEqual({ linesAdded: 2, linesRemoved: 0, sectionsChanged: 1 });
    // A locale neither revision has falls back to the newer one's default.
    const fr = await comparedTexts(deps, 'privacy', { from: 1, to: 2, locale: 'fr' });
    expect([fr.locale, fr.oldText, fr.newText]).toEqual(['en', EN1, EN2]);
    expect(formatsOf({ from: v1, to: v2 })).toEqual({ old: 'text', new: 'text' });
  });

  it('compares the first revision with itself when there is no earlier one', async () => {
    const { deps, publish } = setup();
    await publish('privacy', { en: EN1 });
    const c = await compareRevisions(deps, 'privacy', {});
    expect([c.from.version, c.to.version, c.oldText, c.newText]).toEqual([1, 1, EN1, EN1]);
    expect(c.diff.stats).toEqual({ linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 });
    const same = await comparedTexts(deps, 'privacy', { from: 1, to: 1 });
    expect([same.oldText, same.newText]).toEqual([EN1, EN1]);
  });

  it('404s a version that does not exist, and fails loudly on a text the store lost', async () => {
    const { deps, v2 } = await threeVersions();
    expect(await notFoundOf(comparedTexts(deps, 'privacy', { from: 9 }))).toBe(
      'version 9 of privacy does not exist',
    );
    expect(await notFoundOf(comparedTexts(deps, 'cookies', {}))).toBe('policy cookies does not exist');
    deps.policies.texts.delete(`privacy/${v2.contentHashes.en}`);
    await expect(comparedTexts(deps, 'privacy', { from: 2, to: 3 })).rejects.toThrow(
      `text ${v2.contentHashes.en} of privacy v2 is missing`,
    );
  });

  it('reads each revision in its own format', async () => {
    const s = setup();
    const v1 = await s.publish('privacy', { en: '# Privacy\n\nSafe.' }, { format: 'markdown' });
    const v2 = await s.publish('privacy', { en: 'Privacy\n\nSafe.' });
    expect(formatsOf({ from: v1, to: v2 })).toEqual({ old: 'markdown', new: 'text' });
  });
});

describe('diffAgainstLatest', () => {
  it('diffs each would-be text against the latest revision’s text in that locale', async () => {
    const { deps, publish } = setup();
    const v1 = await publish('privacy', { en: EN1 });
    const heard: Array<[string, number]> = [];
    const out = await diffAgainstLatest(deps, v1, { en: EN2, vi: VI2 }, 'text', (locale, diff) =>
      heard.push([locale, diff.sections.length]),
    );
    expect(Object.keys(out)).toEqual(['en', 'vi']);
    expect(out.en!.stats).toEqual({ linesAdded: 1, linesRemoved: 1, sectionsChanged: 1 });
    expect(out.en!.truncated).toBe(false);
    expect(out.vi!.stats).toEqual({ linesAdded: 2, linesRemoved: 0, sectionsChanged: 1 });
    expect(heard).toEqual([
      ['en', 1],
      ['vi', 1],
    ]);
  });

  it('diffs against empty texts for a first revision, and runs without a listener', async () => {
    const { deps } = setup();
    const out = await diffAgainstLatest(deps, null, { en: EN1 }, 'text');
    expect(out.en!.stats).toEqual({ linesAdded: 2, linesRemoved: 0, sectionsChanged: 1 });
    expect(out.en!.sections[0]!.changes).toContainEqual({ op: 'insert', text: EN1 });
    expect(out.en!.window).toEqual({
      offset: 0,
      shown: 1,
      total: 1,
      nextOffset: null,
      omitted: { added: 0, removed: 0, modified: 0, unchanged: 0 },
      cutSections: [],
    });
  });
});

describe('reconcileCounts', () => {
  const customer = (userId: string, locale: string | null, status: Customer['status'] = 'active'): Customer =>
    ({ userId, email: `${userId}@example.com`, locale, status }) as Customer;

  function paged<T>(items: T[], calls: number[]) {
    return async (limit: number, cursor: string | null): Promise<Page<T>> => {
      calls.push(limit);
      const start = cursor === null ? 0 : Number(cursor);
      const end = start + limit;
      return { items: items.slice(start, end), nextCursor: end < items.length ? String(end) : null };
    };
  }

  function fixture(totals: CounterTotals[], pageSize?: number) {
    const active = [customer('a', 'en'), customer('b', 'vi'), customer('c', null), customer('d', 'en')];
    const suppressed = [customer('s1', 'en', 'suppressed'), customer('s2', null, 'suppressed')];
    const a = (userId: string, policyId: string, version: number) =>
      ({ userId, policyId, version }) as Acknowledgment;
    // a's newer acknowledgment comes first in the page: the newest version counts, not the last read.
    const acks = [
      a('a', 'privacy', 2),
      a('a', 'privacy', 1),
      a('b', 'privacy', 1),
      a('d', 'privacy', 1),
      a('gone', 'privacy', 2),
      a('c', 'terms', 1),
    ];
    const limits: number[] = [];
    const corrected: Array<[unknown, Record<string, number>]> = [];
    let read = 0;
    const deps = {
      policies: { listPolicyIds: async () => ['privacy', 'terms', 'cookies'] },
      customers: { pageActive: paged(active, limits), pageSuppressed: paged(suppressed, limits) },
      acks: {
        pageForPolicy: (policyId: string, limit: number, cursor: string | null) =>
          paged(
            acks.filter((x) => x.policyId === policyId),
            limits,
          )(limit, cursor),
      },
      counts: {
        totals: async (ids: string[]) => {
          expect(ids).toEqual(['privacy', 'terms', 'cookies']);
          return totals[read++]!;
        },
        correct: async (target: unknown, deltas: Record<string, number>) => {
          corrected.push([target, deltas]);
        },
      },
      ...(pageSize ? { pageSize } : {}),
    };
    return { deps, limits, corrected };
  }

  const exactCustomers = { active: 4, 'loc#en': 2, 'loc#vi': 1, 'loc#-': 1, suppressed: 2 };
  const exactPrivacy = { 'ack#1': 3, 'ack#2': 2, 'cur#2': 1, 'cur#1': 2 };
  const exactTerms = { 'ack#1': 1, 'cur#1': 1 };

  it('leaves exact counters alone, reading every page', async () => {
    const exact = { customers: exactCustomers, policies: { privacy: exactPrivacy, terms: exactTerms } };
    const { deps, limits, corrected } = fixture([exact, exact], 1);
    const report = await reconcileCounts(deps);
    expect(report).toEqual({
      activeCustomers: 4,
      corrections: [
        { counter: 'customers', status: 'exact', deltas: {} },
        { counter: 'policy privacy', status: 'exact', deltas: {} },
        { counter: 'policy terms', status: 'exact', deltas: {} },
        { counter: 'policy cookies', status: 'exact', deltas: {} },
      ],
    });
    expect(corrected).toEqual([]);
    // 4 active + 2 suppressed + 5 privacy + 1 terms + 1 (empty) cookies page, one item each.
    expect(limits).toEqual(Array(13).fill(1));
  });

  it('adds truth − stored to a wrong counter, dropping the zero differences', async () => {
    const stored = {
      customers: { active: 5, 'loc#en': 2, 'loc#vi': 1, 'loc#fr': 1, suppressed: 2 },
      policies: { privacy: { 'ack#1': 3, 'ack#2': 2, 'cur#2': 1, 'cur#1': 4 }, cookies: { 'ack#1': 1 } },
    };
    const { deps, limits, corrected } = fixture([stored, stored]);
    const report = await reconcileCounts(deps);
    expect(report.corrections).toEqual([
      { counter: 'customers', status: 'corrected', deltas: { active: -1, 'loc#-': 1, 'loc#fr': -1 } },
      { counter: 'policy privacy', status: 'corrected', deltas: { 'cur#1': -2 } },
      { counter: 'policy terms', status: 'corrected', deltas: { 'ack#1': 1, 'cur#1': 1 } },
      { counter: 'policy cookies', status: 'corrected', deltas: { 'ack#1': -1 } },
    ]);
    expect(corrected).toEqual([
      ['customers', { active: -1, 'loc#-': 1, 'loc#fr': -1 }],
      [{ policyId: 'privacy' }, { 'cur#1': -2 }],
      [{ policyId: 'terms' }, { 'ack#1': 1, 'cur#1': 1 }],
      [{ policyId: 'cookies' }, { 'ack#1': -1 }],
    ]);
    expect(new Set(limits)).toEqual(new Set([1000]));
  });

  it('reports a counter that changed during the run as busy and does not touch it', async () => {
    const before = { customers: { active: 1 }, policies: { privacy: { 'ack#1': 1 }, terms: exactTerms } };
    const after = { customers: { active: 2 }, policies: { privacy: { 'ack#1': 2 }, terms: exactTerms } };
    const { deps, corrected } = fixture([before, after]);
    const report = await reconcileCounts(deps);
    expect(report.corrections).toEqual([
      { counter: 'customers', status: 'busy', deltas: {} },
      { counter: 'policy privacy', status: 'busy', deltas: {} },
      { counter: 'policy terms', status: 'exact', deltas: {} },
      { counter: 'policy cookies', status: 'exact', deltas: {} },
    ]);
    expect(corrected).toEqual([]);
  });
});
