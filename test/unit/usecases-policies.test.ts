/**
 * The policy, acknowledgment and customer use cases on in-memory ports, with a fixed clock: every rule
 * they add on top of the domain (publish retries and conflicts, aliases, locale fallback, idempotent
 * acknowledgments, suppression kept across re-registration, the revision cache) checked exactly.
 */
import { describe, expect, it, vi } from 'vitest';
import { DomainError, ItemExistsError } from '../../functions/domain/errors';
import type { Revision } from '../../functions/domain/revision';
import type { Customer, CustomerStore, Page } from '../../functions/ports';
import { acknowledge, checkStatus, listAcknowledgments } from '../../functions/usecases/acknowledgments';
import { DEFAULT_REVISION_CACHE_TTL_MS, RevisionCatalog } from '../../functions/usecases/catalog';
import { eraseCustomer, getCustomer, registerCustomer } from '../../functions/usecases/customers';
import {
  findRevision,
  getPolicyView,
  listPolicyViews,
  pageRevisions,
  revisionText,
} from '../../functions/usecases/policies';
import { MAX_PUBLISH_ATTEMPTS, publishRevision } from '../../functions/usecases/publish';
import { MemoryAckStore, MemoryPolicyStore } from '../support/memory-ports';

class MemoryCustomerStore implements CustomerStore {
  readonly byId = new Map<string, Customer>();
  async get(userId: string) {
    return this.byId.get(userId) ?? null;
  }
  async put(customer: Customer) {
    const created = !this.byId.has(customer.userId);
    this.byId.set(customer.userId, customer);
    return { created };
  }
  async delete(userId: string) {
    return this.byId.delete(userId);
  }
  async pageSuppressed(limit: number, cursor: string | null) {
    const suppressed = [...this.byId.values()].filter((c) => c.status === 'suppressed');
    const start = cursor === null ? 0 : Number(cursor);
    const end = start + limit;
    return { items: suppressed.slice(start, end), nextCursor: end < suppressed.length ? String(end) : null };
  }
  async suppressByEmail() {
    return 0;
  }
  async pageActive(): Promise<Page<Customer>> {
    return { items: [], nextCursor: null };
  }
  async getMany() {
    return [];
  }
}

const T0 = new Date('2026-03-01T10:00:00.000Z');

function setup(now = T0) {
  const policies = new MemoryPolicyStore();
  const clock = { now: () => now };
  let n = 0;
  const ids = { next: () => `receipt-${++n}` };
  const deps = {
    policies,
    catalog: new RevisionCatalog(policies, 0),
    clock,
    ids,
    acks: new MemoryAckStore(),
  };
  return deps;
}

const textV1 = { en: 'Privacy policy\n\nWe keep your data safe.', vi: 'Chính sách\n\nDữ liệu an toàn.' };
const textV2 = { en: 'Privacy policy\n\nWe keep your data safe and delete it after a year.', vi: textV1.vi };
const textV3 = { ...textV2, vi: 'Chính sách\n\nDữ liệu an toàn, xoá sau một năm.' };

describe('publishRevision', () => {
  it('publishes v1 with its texts and registers the policy once', async () => {
    const deps = setup();
    const putText = vi.spyOn(deps.policies, 'putText');
    const onPublished = vi.fn(async () => {});
    const result = await publishRevision(
      { ...deps, onPublished },
      'privacy',
      { texts: textV1, change: 'material' },
      { dryRun: false },
    );
    expect(result.latest).toBeNull();
    expect(result.revision.version).toBe(1);
    expect(result.revision.locales).toEqual(['en', 'vi']);
    expect(deps.policies.registered).toEqual(['privacy']);
    expect(deps.policies.texts.size).toBe(2);
    expect(onPublished).toHaveBeenCalledTimes(1);
    expect(onPublished).toHaveBeenCalledWith(result.revision);

    const v2 = await publishRevision(
      { ...deps, onPublished },
      'privacy',
      { texts: textV2, change: 'minor' },
      { dryRun: false },
    );
    expect(v2.revision.version).toBe(2);
    expect(v2.latest).toEqual(result.revision);
    expect(deps.policies.registered).toEqual(['privacy']);
    // Only the changed locale's text is stored again.
    expect(deps.policies.texts.size).toBe(3);
    expect(putText).toHaveBeenCalledTimes(3);
  });

  it('stores what a notified revision changed, per locale, before the revision itself', async () => {
    const deps = setup();
    const order: string[] = [];
    const storeChanges = deps.policies.putChanges.bind(deps.policies);
    const putChanges = vi.spyOn(deps.policies, 'putChanges').mockImplementation(async (...args) => {
      order.push('changes');
      return storeChanges(...args);
    });
    const putRevision = deps.policies.putRevision.bind(deps.policies);
    vi.spyOn(deps.policies, 'putRevision').mockImplementation(async (r) => {
      order.push(`revision ${r.version}`);
      return putRevision(r);
    });
    const md = {
      en: '# Data\n\nWe keep your email.\n\n# Contact\n\nWrite to us.\n',
      vi: '# Dữ liệu\n\nEmail.\n',
    };
    await publishRevision(
      deps,
      'privacy',
      { texts: md, change: 'material', format: 'markdown' },
      { dryRun: false },
    );
    const v2 = await publishRevision(
      deps,
      'privacy',
      {
        texts: { ...md, en: md.en.replace('your email', 'your email and language') },
        change: 'material',
        format: 'markdown',
      },
      { dryRun: false },
    );
    // Not for v1 (nothing to compare with); for v2 before its revision item.
    expect(order).toEqual(['revision 1', 'changes', 'revision 2']);
    expect(await deps.policies.getChanges('privacy', v2.revision.hash)).toEqual({
      en: { titles: ['Data'], more: 0, anchor: expect.stringMatching(/^s-/) },
      vi: { titles: [], more: 0, anchor: null },
    });
    // A revision published without notification has no campaign, hence nothing to store.
    const quiet = await publishRevision(
      deps,
      'privacy',
      {
        texts: { ...md, vi: '# Dữ liệu\n\nEmail, ngôn ngữ.\n' },
        change: 'minor',
        format: 'markdown',
        notify: false,
      },
      { dryRun: false },
    );
    expect(await deps.policies.getChanges('privacy', quiet.revision.hash)).toBeNull();
    expect(putChanges).toHaveBeenCalledTimes(1);
  });

  it('stores nothing and starts nothing on a dry run', async () => {
    const deps = setup();
    const onPublished = vi.fn(async () => {});
    const result = await publishRevision(
      { ...deps, onPublished },
      'privacy',
      { texts: textV1, change: 'material' },
      { dryRun: true },
    );
    expect(result.revision.version).toBe(1);
    expect(Object.keys(result.texts)).toEqual(['en', 'vi']);
    expect(deps.policies.revisionsById.size).toBe(0);
    expect(deps.policies.texts.size).toBe(0);
    expect(deps.policies.registered).toEqual([]);
    expect(onPublished).not.toHaveBeenCalled();
  });

  it('takes the next version after losing a race, and invalidates the cached list', async () => {
    const deps = setup();
    const first = await publishRevision(
      deps,
      'privacy',
      { texts: textV1, change: 'material' },
      { dryRun: false },
    );
    expect(await deps.catalog.revisions('privacy')).toHaveLength(1);
    const dry = await publishRevision(deps, 'privacy', { texts: textV2, change: 'minor' }, { dryRun: true });
    deps.policies.raceWith.push({ ...dry.revision });
    const result = await publishRevision(
      deps,
      'privacy',
      { texts: textV3, change: 'minor' },
      { dryRun: false },
    );
    expect(result.revision.version).toBe(3);
    expect(result.revision.previousHash).toBe(dry.revision.hash);
    expect(first.revision.version).toBe(1);
    expect((await deps.catalog.revisions('privacy')).map((r) => r.version)).toEqual([1, 2, 3]);
  });

  it('reports VERSION_CONFLICT when the caller pinned baseVersion and lost the race', async () => {
    const deps = setup();
    await publishRevision(deps, 'privacy', { texts: textV1, change: 'material' }, { dryRun: false });
    const dry = await publishRevision(deps, 'privacy', { texts: textV2, change: 'minor' }, { dryRun: true });
    deps.policies.raceWith.push(dry.revision);
    const attempt = publishRevision(
      deps,
      'privacy',
      { texts: textV2, change: 'minor', baseVersion: 1 },
      { dryRun: false },
    );
    await expect(attempt).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    await expect(attempt).rejects.toThrow('version 2 was published concurrently');
    expect(deps.policies.revisionsById.get('privacy')).toHaveLength(2);
  });

  it(`gives up with VERSION_CONFLICT after ${MAX_PUBLISH_ATTEMPTS} lost races`, async () => {
    const deps = setup();
    const puts = vi
      .spyOn(deps.policies, 'putRevision')
      .mockRejectedValue(new ItemExistsError('revision exists'));
    vi.useFakeTimers();
    try {
      const attempt = publishRevision(
        deps,
        'privacy',
        { texts: textV1, change: 'material' },
        { dryRun: false },
      );
      const settled = expect(attempt).rejects.toMatchObject({
        code: 'VERSION_CONFLICT',
        message: 'too many concurrent publishes; try again',
      });
      await vi.runAllTimersAsync();
      await settled;
    } finally {
      vi.useRealTimers();
    }
    expect(puts).toHaveBeenCalledTimes(MAX_PUBLISH_ATTEMPTS);
  });

  it('passes other store errors through without retrying', async () => {
    const deps = setup();
    const puts = vi.spyOn(deps.policies, 'putRevision').mockRejectedValue(new Error('throttled'));
    await expect(
      publishRevision(deps, 'privacy', { texts: textV1, change: 'material' }, { dryRun: false }),
    ).rejects.toThrow('throttled');
    expect(puts).toHaveBeenCalledTimes(1);
  });
});

async function published(now = T0) {
  const deps = setup(now);
  await publishRevision(deps, 'privacy', { texts: textV1, change: 'material' }, { dryRun: false });
  return deps;
}

describe('reading policies', () => {
  it('finds revisions by number, `latest` and `current`, and says which is missing', async () => {
    const deps = await published();
    // v2 takes effect in the future: `latest` is v2, `current` still v1.
    await publishRevision(
      deps,
      'privacy',
      { texts: textV2, change: 'material', effectiveAt: '2026-04-01T00:00:00.000Z' },
      { dryRun: false },
    );
    expect((await findRevision(deps, 'privacy', 'latest')).version).toBe(2);
    expect((await findRevision(deps, 'privacy', 'current')).version).toBe(1);
    expect((await findRevision(deps, 'privacy', 2)).version).toBe(2);
    await expect(findRevision(deps, 'privacy', 3)).rejects.toThrow('version 3 of privacy does not exist');
    await expect(findRevision(deps, 'nope', 1)).rejects.toThrow('policy nope does not exist');
    await expect(findRevision(deps, 'nope', 'latest')).rejects.toBeInstanceOf(DomainError);
  });

  it('asks the store for a version newer than the cached list', async () => {
    const deps = await published();
    const catalog = new RevisionCatalog(deps.policies, 60_000, () => 0);
    const withCache = { ...deps, catalog };
    expect(await catalog.revisions('privacy')).toHaveLength(1);
    await publishRevision(deps, 'privacy', { texts: textV2, change: 'minor' }, { dryRun: false });
    expect((await findRevision(withCache, 'privacy', 2)).version).toBe(2);
    // A version the cached list holds is served from it, without asking the store.
    const getRevision = vi.spyOn(deps.policies, 'getRevision');
    expect((await findRevision(withCache, 'privacy', 1)).version).toBe(1);
    expect(getRevision).not.toHaveBeenCalled();
  });

  it('says when a policy has nothing in effect yet', async () => {
    const deps = setup();
    await publishRevision(
      deps,
      'privacy',
      { texts: textV1, change: 'material', effectiveAt: '2026-05-01T00:00:00.000Z' },
      { dryRun: false },
    );
    await expect(findRevision(deps, 'privacy', 'current')).rejects.toThrow(
      'policy privacy has no revision in effect yet',
    );
  });

  it('serves the asked locale, else the default one', async () => {
    const deps = await published();
    const revision = await findRevision(deps, 'privacy', 1);
    expect(await revisionText(deps, revision, 'vi')).toEqual({
      locale: 'vi',
      text: expect.stringMatching(/^Chính sách\n\nDữ liệu an toàn\.\n?$/),
    });
    expect(await revisionText(deps, revision, 'fr')).toEqual({
      locale: 'en',
      text: expect.stringMatching(/^Privacy policy\n\nWe keep your data safe\.\n?$/),
    });
    expect(await revisionText(deps, revision, undefined)).toEqual({
      locale: 'en',
      text: expect.stringMatching(/^Privacy policy\n\nWe keep your data safe\.\n?$/),
    });
    deps.policies.texts.clear();
    await expect(revisionText(deps, revision, 'en')).rejects.toThrow(/of privacy v1 is missing/);
  });

  it('lists policy views sorted by id and pages revisions, 404 for an unknown policy', async () => {
    const deps = await published();
    await publishRevision(deps, 'cookies', { texts: textV1, change: 'material' }, { dryRun: false });
    await deps.policies.registerPolicy('empty');
    const views = await listPolicyViews(deps);
    expect(views.map((v) => v.policyId)).toEqual(['cookies', 'privacy']);
    expect((await getPolicyView(deps, 'privacy')).policyId).toBe('privacy');
    await expect(getPolicyView(deps, 'nope')).rejects.toThrow('policy nope does not exist');
    const page = await pageRevisions(deps, 'privacy', 10, null);
    // An empty page of a policy that exists (a cursor past the end) is an empty page, not a 404.
    vi.spyOn(deps.policies, 'pageRevisions').mockResolvedValueOnce({ items: [], nextCursor: null });
    expect(await pageRevisions(deps, 'privacy', 10, 'past-the-end')).toEqual({ items: [], nextCursor: null });
    expect(page.items.map((r) => r.version)).toEqual([1]);
    await expect(pageRevisions(deps, 'nope', 10, null)).rejects.toThrow('policy nope does not exist');
  });
});

describe('acknowledgments', () => {
  it('records the exact text shown, once per user and version', async () => {
    const deps = await published();
    const first = await acknowledge(deps, 'u1', {
      policyId: 'privacy',
      version: 1,
      locale: 'vi',
      channel: 'web',
      evidence: { ip: '203.0.113.9' },
    });
    expect(first).toEqual({
      created: true,
      record: {
        userId: 'u1',
        policyId: 'privacy',
        version: 1,
        locale: 'vi',
        contentHash: (await findRevision(deps, 'privacy', 1)).contentHashes.vi,
        acknowledgedAt: T0.toISOString(),
        channel: 'web',
        evidence: { ip: '203.0.113.9' },
        receiptId: 'receipt-1',
      },
    });
    const again = await acknowledge(deps, 'u1', { policyId: 'privacy', version: 1 });
    expect(again).toEqual({ created: false, record: first.record });
    const defaults = await acknowledge(deps, 'u2', { policyId: 'privacy', version: 1, locale: 'fr' });
    expect(defaults.record).toMatchObject({ locale: 'en', channel: 'api', evidence: {} });
    expect(await listAcknowledgments(deps, 'u1')).toEqual([first.record]);
    expect(await listAcknowledgments(deps, 'u1', 'other')).toEqual([]);
    await expect(acknowledge(deps, 'u1', { policyId: 'privacy', version: 9 })).rejects.toThrow(
      'version 9 of privacy does not exist',
    );
  });

  it('answers the login question from the newest acknowledgment', async () => {
    const deps = await published();
    expect(await checkStatus(deps, 'u1', 'privacy')).toMatchObject({
      userId: 'u1',
      policyId: 'privacy',
      mustAcknowledge: true,
      currentVersion: 1,
      acknowledgedVersion: null,
    });
    await acknowledge(deps, 'u1', { policyId: 'privacy', version: 1 });
    expect(await checkStatus(deps, 'u1', 'privacy')).toMatchObject({
      mustAcknowledge: false,
      acknowledgedVersion: 1,
      acknowledgedAt: T0.toISOString(),
    });
    await expect(checkStatus(deps, 'u1', 'nope')).rejects.toThrow('policy nope does not exist');
  });
});

describe('customers', () => {
  const later = new Date('2026-03-02T10:00:00.000Z');
  const depsAt = (customers: MemoryCustomerStore, now: Date) => ({ customers, clock: { now: () => now } });

  it('registers, updates keeping the registration time, and erases', async () => {
    const customers = new MemoryCustomerStore();
    const first = await registerCustomer(depsAt(customers, T0), 'u1', { email: 'a@example.com' });
    expect(first).toEqual({
      created: true,
      customer: {
        userId: 'u1',
        email: 'a@example.com',
        locale: null,
        name: null,
        timeZone: null,
        status: 'active',
        registeredAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
      },
    });
    const second = await registerCustomer(depsAt(customers, later), 'u1', {
      email: 'a@example.com',
      locale: 'vi',
      name: 'An',
    });
    expect(second.created).toBe(false);
    expect(second.customer).toMatchObject({
      locale: 'vi',
      name: 'An',
      registeredAt: T0.toISOString(),
      updatedAt: later.toISOString(),
    });
    expect(await getCustomer(depsAt(customers, later), 'u1')).toEqual(second.customer);
    await eraseCustomer(depsAt(customers, later), 'u1');
    await expect(getCustomer(depsAt(customers, later), 'u1')).rejects.toThrow(
      'customer u1 is not registered',
    );
  });

  it('keeps a suppression for the same address and lifts it for a new one', async () => {
    const customers = new MemoryCustomerStore();
    customers.byId.set('u1', {
      userId: 'u1',
      email: 'a@example.com',
      locale: null,
      timeZone: null,
      name: null,
      status: 'suppressed',
      suppressedReason: 'bounce',
      registeredAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    const same = await registerCustomer(depsAt(customers, later), 'u1', { email: 'a@example.com' });
    expect(same.customer.status).toBe('suppressed');
    expect(same.customer.suppressedReason).toBe('bounce');
    const other = await registerCustomer(depsAt(customers, later), 'u1', { email: 'b@example.com' });
    expect(other.customer.status).toBe('active');
    expect(other.customer).not.toHaveProperty('suppressedReason');
  });
});

describe('RevisionCatalog', () => {
  it('serves the cached list within the TTL, reloads after it, and forgets failed loads', async () => {
    let now = 50_000;
    const listRevisions = vi.fn(async (_: string) => [] as Revision[]);
    const catalog = new RevisionCatalog({ listRevisions }, 1000, () => now);
    await catalog.revisions('p');
    now = 50_999;
    await catalog.revisions('p');
    expect(listRevisions).toHaveBeenCalledTimes(1);
    now = 51_000;
    await catalog.revisions('p');
    expect(listRevisions).toHaveBeenCalledTimes(2);
    catalog.invalidate('p');
    await catalog.revisions('p');
    expect(listRevisions).toHaveBeenCalledTimes(3);

    listRevisions.mockRejectedValueOnce(new Error('throttled'));
    catalog.invalidate('p');
    await expect(catalog.revisions('p')).rejects.toThrow('throttled');
    await catalog.revisions('p');
    expect(listRevisions).toHaveBeenCalledTimes(5);
    expect(DEFAULT_REVISION_CACHE_TTL_MS).toBe(5000);
  });
});
