/**
 * The sharded counters against a real DynamoDB API (dynalite): after concurrent registrations,
 * acknowledgments (with duplicates), erasures and suppressions, the summary read from the counters
 * equals a full recount of the tables; reconciliation repairs drift and leaves busy counters alone.
 */

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables, startDynalite, tableNames } from '../../bin/local/stores';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { COUNTER_SHARDS } from '../../functions/adapters/dynamodb/count-store';
import {
  acknowledgmentStore,
  countStore,
  customerStore,
  policyStore,
} from '../../functions/composition/stores';
import { requiredRevision } from '../../functions/domain/status-rules';
import type { CountReconciler } from '../../functions/ports';
import { acknowledge } from '../../functions/usecases/acknowledgments';
import { RevisionCatalog } from '../../functions/usecases/catalog';
import { acknowledgmentSummary } from '../../functions/usecases/compliance';
import { reconcileCounts } from '../../functions/usecases/counts';
import { eraseCustomer, registerCustomer } from '../../functions/usecases/customers';
import { publishRevision } from '../../functions/usecases/publish';

const NOW = new Date('2026-03-01T00:00:00Z');
let current = new Date('2025-12-01T00:00:00Z');
const clock = { now: () => current };
let n = 0;
const ids = { next: () => `r${++n}` };

let dyn: Awaited<ReturnType<typeof startDynalite>>;
let client: ReturnType<typeof createDynamoClient>;
let setup: Awaited<ReturnType<typeof build>>;

async function build() {
  const tables = tableNames('counts-');
  await ensureTables(client, tables);
  const doc = createDocumentClient(client);
  const db = { doc, tables };
  const counts = countStore(db);
  const policies = policyStore(db);
  const deps = {
    doc,
    tables,
    counts,
    policies,
    catalog: new RevisionCatalog(policies, 0),
    clock,
    ids,
    customers: customerStore(db, { counting: true }),
    acks: acknowledgmentStore(db, { counting: true }),
    notices: { noticesForUser: async () => [] },
  };
  return deps;
}

/** Runs the tasks with at most `width` in flight, in a shuffled order. */
async function concurrently(tasks: Array<() => Promise<unknown>>, width = 24) {
  const queue = [...tasks];
  for (let i = queue.length - 1; i > 0; i--) {
    const j = (i * 7919 + 13) % (i + 1);
    [queue[i], queue[j]] = [queue[j]!, queue[i]!];
  }
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) await t();
    }),
  );
}

async function scanAll(table: string) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await setup.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The summary recomputed from every item of the tables, independently of the counters' code. */
async function recount(policyId: string) {
  const active = new Set(
    (await scanAll(setup.tables.customers))
      .filter((c) => c.status === 'active')
      .map((c) => c.userId as string),
  );
  const acks = (await scanAll(setup.tables.acknowledgments)).filter(
    (a) => String(a.sk).startsWith('ACK#') && a.policyId === policyId,
  );
  const required = requiredRevision(await setup.policies.listRevisions(policyId), NOW)!;
  const byVersion: Record<string, number> = {};
  const upToDate = new Set<string>();
  for (const a of acks) {
    byVersion[String(a.version)] = (byVersion[String(a.version)] ?? 0) + 1;
    if ((a.version as number) >= required.version) upToDate.add(a.userId as string);
  }
  const acknowledged = [...active].filter((u) => upToDate.has(u)).length;
  return {
    policyId,
    requiredVersion: required.version,
    activeCustomers: active.size,
    acknowledgedRequired: acknowledged,
    pending: active.size - acknowledged,
    acknowledgmentsByVersion: byVersion,
  };
}

beforeAll(async () => {
  dyn = await startDynalite(undefined);
  client = createDynamoClient({ endpoint: dyn.endpoint });
  setup = await build();
  const publish = (change: 'material' | 'minor', effectiveAt: string) =>
    publishRevision(
      setup,
      'privacy',
      { texts: { en: `Policy ${effectiveAt} ${change}` }, change, effectiveAt },
      { dryRun: false },
    );
  await publish('material', '2026-01-01T00:00:00Z');
  await publish('material', '2026-02-01T00:00:00Z');
  await publish('minor', '2026-02-15T00:00:00Z');
  await publish('material', '2026-06-01T00:00:00Z'); // not in effect yet
  current = NOW;
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await dyn?.close();
});

describe('sharded counters', () => {
  it('summary equals a full recount after 2,000 customers, concurrent acknowledgments with duplicates, erasures and suppressions', async () => {
    const users = Array.from({ length: 2000 }, (_, i) => `u${i}`);
    const email = (i: number) => `c${i % 1900}@example.com`; // some addresses shared by two customers
    await concurrently(
      users.map((u, i) => () => registerCustomer(setup, u, { email: email(i), locale: 'en' })),
    );
    const tasks: Array<() => Promise<unknown>> = [];
    users.forEach((u, i) => {
      if (i % 5 === 0) return; // never acknowledges
      const version = (i % 4) + 1;
      tasks.push(() => acknowledge(setup, u, { policyId: 'privacy', version }));
      if (i % 3 === 0) tasks.push(() => acknowledge(setup, u, { policyId: 'privacy', version })); // duplicate
      if (i % 7 === 0) tasks.push(() => acknowledge(setup, u, { policyId: 'privacy', version: 1 })); // older
      if (i % 11 === 0) tasks.push(() => eraseCustomer(setup, u));
      if (i % 13 === 0) tasks.push(() => registerCustomer(setup, u, { email: email(i), locale: 'vi' })); // re-put
    });
    for (let i = 0; i < 40; i++)
      tasks.push(() =>
        setup.customers.suppressByEmail(`c${i * 17}@example.com`, 'bounce', NOW.toISOString()),
      );
    // Apps may acknowledge for users who never registered: counted per version, never as active.
    for (let i = 0; i < 50; i++)
      tasks.push(() => acknowledge(setup, `guest${i}`, { policyId: 'privacy', version: 2 }));
    await concurrently(tasks);

    const summary = await acknowledgmentSummary(setup, 'privacy', NOW);
    const expected = await recount('privacy');
    expect(expected.activeCustomers).toBeGreaterThan(1500);
    expect(expected.activeCustomers).toBeLessThan(2000);
    expect(expected.acknowledgedRequired).toBeGreaterThan(500);
    expect(summary).toEqual(expected);

    // Who a campaign would reach (a dry run's recipients): active per locale and suppressed, as scanned.
    const customers = await scanAll(setup.tables.customers);
    const byLocale: Record<string, number> = {};
    for (const c of customers.filter((c) => c.status === 'active'))
      byLocale[(c.locale as string) ?? '-'] = (byLocale[(c.locale as string) ?? '-'] ?? 0) + 1;
    const suppressed = customers.filter((c) => c.status === 'suppressed').length;
    expect(suppressed).toBeGreaterThan(0);
    expect(Object.keys(byLocale).sort()).toEqual(['en', 'vi']);
    expect(await setup.counts.audience()).toEqual({ active: expected.activeCustomers, byLocale, suppressed });

    const report = await reconcileCounts(setup);
    expect(report.corrections.every((c) => c.status === 'exact')).toBe(true);
  }, 180_000);

  it('reconciliation also corrects the per-locale and suppressed counters', async () => {
    const before = await setup.counts.audience();
    await setup.counts.correct('customers', { 'loc#en': 4, 'loc#fr': 2, suppressed: -1 });
    const report = await reconcileCounts(setup);
    expect(report.corrections).toContainEqual({
      counter: 'customers',
      status: 'corrected',
      deltas: { 'loc#en': -4, 'loc#fr': -2, suppressed: 1 },
    });
    expect(await setup.counts.audience()).toEqual(before);
  });

  it('reconciliation corrects drift (a lost update) and the summary matches the recount again', async () => {
    await setup.counts.correct({ policyId: 'privacy' }, { 'ack#2': 5, 'cur#3': -3 });
    await setup.counts.correct('customers', { active: 7 });
    const drifted = await acknowledgmentSummary(setup, 'privacy', NOW);
    const expected = await recount('privacy');
    expect(drifted.activeCustomers).toBe(expected.activeCustomers + 7);

    const report = await reconcileCounts(setup);
    expect(report.corrections).toContainEqual({
      counter: 'customers',
      status: 'corrected',
      deltas: { active: -7 },
    });
    expect(report.corrections).toContainEqual({
      counter: 'policy privacy',
      status: 'corrected',
      deltas: { 'ack#2': -5, 'cur#3': 3 },
    });
    expect(await acknowledgmentSummary(setup, 'privacy', NOW)).toEqual(expected);
  });

  it('spreads writes over the counter shards', async () => {
    const shards = (await scanAll(setup.tables.acknowledgments)).filter((i) =>
      String(i.pk).startsWith('COUNTS#POLICY#privacy#'),
    );
    expect(shards.length).toBe(COUNTER_SHARDS);
  });

  it('leaves a counter that changed during the recount alone and reports it busy', async () => {
    let calls = 0;
    const corrections: unknown[] = [];
    const moving: CountReconciler = {
      totals: async () => ({ customers: { active: 1 + calls++ }, policies: { privacy: {} } }),
      correct: async (target, deltas) => {
        corrections.push({ target, deltas });
      },
    };
    const report = await reconcileCounts({ ...setup, counts: moving });
    expect(report.corrections.find((c) => c.counter === 'customers')).toEqual({
      counter: 'customers',
      status: 'busy',
      deltas: {},
    });
    expect(corrections.some((c) => (c as { target: unknown }).target === 'customers')).toBe(false);
  });
});
