/**
 * Reconciliation of the sharded counters (DESIGN decision 11): recomputes every count from the tables
 * and adds the difference to the counters. Reads with Query only: active customers (per locale) and
 * suppressed ones through the
 * Customers table's `byStatus` index, acknowledgments through the `byPolicy` index, one policy at a time.
 *
 * A counter that changed while the tables were being read is left alone (the recount may or may not
 * include that change) and reported as busy: the next run corrects it.
 */
import { localeCounter } from '../domain/audience';
import type { AcknowledgmentStore, CountReconciler, CustomerStore, PolicyStore } from '../ports';

export interface ReconcileDeps {
  policies: Pick<PolicyStore, 'listPolicyIds'>;
  customers: Pick<CustomerStore, 'pageActive' | 'pageSuppressed'>;
  acks: Pick<AcknowledgmentStore, 'pageForPolicy'>;
  counts: CountReconciler;
  pageSize?: number;
}

export interface ReconcileReport {
  activeCustomers: number;
  /** Per counter: the correction added (only non-zero ones), or `busy` when it changed during the run. */
  corrections: Array<{
    counter: string;
    status: 'exact' | 'corrected' | 'busy';
    deltas: Record<string, number>;
  }>;
}

/** truth − stored for every attribute either side names; zeros left out. */
function differences(truth: Record<string, number>, stored: Record<string, number>) {
  const deltas: Record<string, number> = {};
  for (const attr of new Set([...Object.keys(truth), ...Object.keys(stored)])) {
    const d = (truth[attr] ?? 0) - (stored[attr] ?? 0);
    if (d !== 0) deltas[attr] = d;
  }
  return deltas;
}

const same = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys(differences(a, b)).length === 0;

export async function reconcileCounts(deps: ReconcileDeps): Promise<ReconcileReport> {
  const pageSize = deps.pageSize ?? 1000;
  const policyIds = await deps.policies.listPolicyIds();
  const before = await deps.counts.totals(policyIds);

  const active = new Set<string>();
  const customerTruth: Record<string, number> = {};
  const bump = (attr: string) => {
    customerTruth[attr] = (customerTruth[attr] ?? 0) + 1;
  };
  let cursor: string | null = null;
  do {
    const page = await deps.customers.pageActive(pageSize, cursor);
    for (const c of page.items) {
      active.add(c.userId);
      bump(localeCounter(c.locale));
    }
    cursor = page.nextCursor;
  } while (cursor);
  do {
    const page = await deps.customers.pageSuppressed(pageSize, cursor);
    for (const _ of page.items) bump('suppressed');
    cursor = page.nextCursor;
  } while (cursor);

  const truth: Record<string, Record<string, number>> = {};
  for (const policyId of policyIds) {
    const counts: Record<string, number> = {};
    const newest = new Map<string, number>();
    let ackCursor: string | null = null;
    do {
      const page = await deps.acks.pageForPolicy(policyId, pageSize, ackCursor);
      for (const a of page.items) {
        counts[`ack#${a.version}`] = (counts[`ack#${a.version}`] ?? 0) + 1;
        if ((newest.get(a.userId) ?? 0) < a.version) newest.set(a.userId, a.version);
      }
      ackCursor = page.nextCursor;
    } while (ackCursor);
    for (const [userId, version] of newest)
      if (active.has(userId)) counts[`cur#${version}`] = (counts[`cur#${version}`] ?? 0) + 1;
    truth[policyId] = counts;
  }

  const after = await deps.counts.totals(policyIds);
  const report: ReconcileReport = { activeCustomers: active.size, corrections: [] };
  const settle = async (
    counter: string,
    target: { policyId: string } | 'customers',
    t: Record<string, number>,
    b: Record<string, number>,
    a: Record<string, number>,
  ) => {
    if (!same(a, b)) {
      report.corrections.push({ counter, status: 'busy', deltas: {} });
      return;
    }
    const deltas = differences(t, a);
    if (Object.keys(deltas).length > 0) await deps.counts.correct(target, deltas);
    report.corrections.push({ counter, status: Object.keys(deltas).length ? 'corrected' : 'exact', deltas });
  };
  await settle(
    'customers',
    'customers',
    { active: active.size, ...customerTruth },
    before.customers,
    after.customers,
  );
  for (const policyId of policyIds)
    await settle(
      `policy ${policyId}`,
      { policyId },
      truth[policyId] ?? {},
      before.policies[policyId] ?? {},
      after.policies[policyId] ?? {},
    );
  return report;
}
