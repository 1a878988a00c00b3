/**
 * Sharded counters in the Acknowledgments table, so the console's counts never read every customer
 * (DESIGN decision 11). Two kinds of item:
 *
 * - Counter shards `COUNTS#<scope>#<n>` / `COUNTS` (n < COUNTER_SHARDS), updated with `ADD` on a random
 *   shard so no single item takes every write; a read sums the shards with one BatchGetItem.
 *   Scope `CUSTOMERS` holds `active`, `loc#<locale>` (active customers per registered locale, `-` for
 *   none) and `suppressed` (customers marked suppressed); scope `POLICY#<id>` holds `ack#<version>` (acknowledgment records)
 *   and `cur#<version>` (active customers whose newest acknowledgment is that version).
 * - One state item per user `USER#<userId>` / `COUNTED`: whether the user counts as active (and, when the item
 *   has a `status`, whether suppressed and in which locale) and their newest
 *   acknowledged version per policy (`n#<policyId>`). Every change is one UpdateItem returning the state
 *   it replaced (ALL_OLD), so concurrent changes of one user serialise in DynamoDB, and each adds exactly
 *   its difference to the counters. Repeating a change (a re-put, a duplicate acknowledgment) adds nothing.
 *
 * No transactions (DESIGN decision 4): a crash between the state write and the `ADD` loses that one
 * difference until the next reconciliation (functions/usecases/counts.ts) recomputes the counters.
 */
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandOutput } from '@aws-sdk/lib-dynamodb';
import { localeCounter } from '../../domain/audience';
import type {
  Acknowledgment,
  AudienceCounts,
  CountedCustomer,
  CounterTotals,
  CountReconciler,
  CountStore,
  PolicyCounts,
} from '../../ports';
import { batchGetAll, isConditionalFailure } from './client';

export const COUNTER_SHARDS = 10;
const SK = 'COUNTS';
export const CUSTOMERS_SCOPE = 'CUSTOMERS';
export const policyScope = (policyId: string) => `POLICY#${policyId}`;
const shardKey = (scope: string, shard: number) => ({ pk: `COUNTS#${scope}#${shard}`, sk: SK });
const stateKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'COUNTED' });

interface UserState {
  active: boolean;
  newest: Record<string, number>;
  /**
   * Written since the counters know locales and suppression: a state item from before (no `status`)
   * contributes only `active`, so replacing it never takes from a per-locale counter it never added to
   * (reconciliation sets those counters right).
   */
  status?: CountedCustomer['status'];
  locale?: string | null;
}

/** Newest acknowledged version per policy: top-level `n#<policyId>` attributes of the state item. */
const NEWEST_PREFIX = 'n#';

function stateOf(item: Record<string, unknown> | undefined): UserState {
  const newest: Record<string, number> = {};
  for (const [attr, value] of Object.entries(item ?? {}))
    if (attr.startsWith(NEWEST_PREFIX) && typeof value === 'number')
      newest[attr.slice(NEWEST_PREFIX.length)] = value;
  const status = item?.status;
  const known = status === 'active' || status === 'suppressed' || status === 'gone';
  return {
    active: item?.active === true,
    newest,
    ...(known ? { status, locale: typeof item?.locale === 'string' ? item.locale : null } : {}),
  };
}

/** Counter deltas per scope: attribute name → amount. */
export type Deltas = Map<string, Map<string, number>>;

function addDelta(deltas: Deltas, scope: string, attr: string, n: number) {
  const m = deltas.get(scope) ?? new Map<string, number>();
  m.set(attr, (m.get(attr) ?? 0) + n);
  deltas.set(scope, m);
}

/** What a user state contributes to the counters. */
function contribution(state: UserState, sign: 1 | -1, deltas: Deltas) {
  if (state.status === 'suppressed') addDelta(deltas, CUSTOMERS_SCOPE, 'suppressed', sign);
  if (!state.active) return;
  if (state.status === 'active') addDelta(deltas, CUSTOMERS_SCOPE, localeCounter(state.locale), sign);
  addDelta(deltas, CUSTOMERS_SCOPE, 'active', sign);
  for (const [policyId, version] of Object.entries(state.newest))
    addDelta(deltas, policyScope(policyId), `cur#${version}`, sign);
}

/** Active customers, per locale (counters above zero only) and suppressed, from the summed attributes. */
export function audienceOf(totals: Record<string, number>): AudienceCounts {
  const byLocale: Record<string, number> = {};
  for (const [attr, n] of Object.entries(totals))
    if (attr.startsWith('loc#') && n > 0) byLocale[attr.slice('loc#'.length)] = n;
  return {
    active: Math.max(0, totals.active ?? 0),
    byLocale,
    suppressed: Math.max(0, totals.suppressed ?? 0),
  };
}

/** Sums `ack#<v>` / `cur#<v>` attributes into per-version counts, leaving out zeros. */
export function policyCountsOf(totals: Record<string, number>): PolicyCounts {
  const counts: PolicyCounts = { acknowledgments: {}, activeByNewestVersion: {} };
  for (const [attr, n] of Object.entries(totals)) {
    const [kind, v] = attr.split('#');
    if (n === 0 || v === undefined) continue;
    if (kind === 'ack') counts.acknowledgments[Number(v)] = n;
    else if (kind === 'cur') counts.activeByNewestVersion[Number(v)] = n;
  }
  return counts;
}

export class DynamoCountStore implements CountStore, CountReconciler {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: { random?: () => number; onError?: (e: unknown) => void } = {},
  ) {}

  /**
   * The change it counts has already succeeded, so a counter failure must not fail the caller's request:
   * it is reported, and the next reconciliation corrects the difference.
   */
  private async guarded(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      (this.options.onError ?? reportCountFailure)(e);
    }
  }

  /** One unconditional write that returns the state it replaced: the difference is exactly this change's. */
  customerStatus(userId: string, customer: CountedCustomer): Promise<void> {
    const active = customer.status === 'active';
    return this.guarded(async () => {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKey(userId),
          UpdateExpression: 'SET active = :a, #s = :s, #l = :l',
          ExpressionAttributeNames: { '#s': 'status', '#l': 'locale' },
          ExpressionAttributeValues: { ':a': active, ':s': customer.status, ':l': customer.locale },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = stateOf(out.Attributes);
      await this.applyChange(old, { ...old, active, status: customer.status, locale: customer.locale });
    });
  }

  async audience(): Promise<AudienceCounts> {
    const totals = (await this.sums([CUSTOMERS_SCOPE])).get(CUSTOMERS_SCOPE) ?? {};
    return audienceOf(totals);
  }

  acknowledgmentCreated(ack: Pick<Acknowledgment, 'userId' | 'policyId' | 'version'>): Promise<void> {
    return this.guarded(async () => {
      await this.add(new Map([[policyScope(ack.policyId), new Map([[`ack#${ack.version}`, 1]])]]));
      // Moves the user's newest version forward only: an older or repeated version changes nothing.
      let out: UpdateCommandOutput;
      try {
        out = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: stateKey(ack.userId),
            UpdateExpression: 'SET #n = :v',
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :v',
            ExpressionAttributeNames: { '#n': `${NEWEST_PREFIX}${ack.policyId}` },
            ExpressionAttributeValues: { ':v': ack.version },
            ReturnValues: 'ALL_OLD',
          }),
        );
      } catch (e) {
        if (isConditionalFailure(e)) return;
        throw e;
      }
      const old = stateOf(out.Attributes);
      await this.applyChange(old, { ...old, newest: { ...old.newest, [ack.policyId]: ack.version } });
    });
  }

  async read(policyId: string) {
    const totals = await this.sums([CUSTOMERS_SCOPE, policyScope(policyId)]);
    return {
      activeCustomers: totals.get(CUSTOMERS_SCOPE)?.active ?? 0,
      policy: policyCountsOf(totals.get(policyScope(policyId)) ?? {}),
    };
  }

  /** Every counter attribute of these scopes, summed over the shards (one BatchGetItem per 10 scopes). */
  private async sums(scopes: string[]): Promise<Map<string, Record<string, number>>> {
    const result = new Map<string, Record<string, number>>(scopes.map((s) => [s, {}]));
    const keys = scopes.flatMap((scope) =>
      Array.from({ length: COUNTER_SHARDS }, (_, n) => shardKey(scope, n)),
    );
    for (const item of await batchGetAll(this.doc, this.table, keys)) {
      const scope = String(item.pk)
        .replace(/^COUNTS#/, '')
        .replace(/#\d+$/, '');
      const sums = result.get(scope);
      if (!sums) continue;
      for (const [attr, value] of Object.entries(item))
        if (typeof value === 'number') sums[attr] = (sums[attr] ?? 0) + value;
    }
    return result;
  }

  async totals(policyIds: string[]): Promise<CounterTotals> {
    const totals = await this.sums([CUSTOMERS_SCOPE, ...policyIds.map(policyScope)]);
    return {
      customers: totals.get(CUSTOMERS_SCOPE) ?? {},
      policies: Object.fromEntries(policyIds.map((id) => [id, totals.get(policyScope(id)) ?? {}])),
    };
  }

  correct(target: { policyId: string } | 'customers', deltas: Record<string, number>): Promise<void> {
    const scope = target === 'customers' ? CUSTOMERS_SCOPE : policyScope(target.policyId);
    return this.add(new Map([[scope, new Map(Object.entries(deltas))]]));
  }

  /** Adds the deltas, one UpdateItem per scope on a random shard. */
  async add(deltas: Deltas): Promise<void> {
    for (const [scope, attrs] of deltas) {
      const entries = [...attrs].filter(([, n]) => n !== 0);
      if (entries.length === 0) continue;
      const shard = Math.floor((this.options.random ?? Math.random)() * COUNTER_SHARDS) % COUNTER_SHARDS;
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: shardKey(scope, shard),
          UpdateExpression: `ADD ${entries.map((_, i) => `#a${i} :n${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(entries.map(([attr], i) => [`#a${i}`, attr])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:n${i}`, n])),
        }),
      );
    }
  }

  /** Adds what the state's change means to the counters. */
  private applyChange(old: UserState, next: UserState): Promise<void> {
    const deltas: Deltas = new Map();
    contribution(old, -1, deltas);
    contribution(next, 1, deltas);
    return this.add(deltas);
  }
}

/** One JSON log line, without the user id: counts carry no personal data into the logs. */
function reportCountFailure(e: unknown) {
  const name = e instanceof Error ? e.name : typeof e;
  process.stdout.write(
    `${JSON.stringify({ level: 'error', service: 'counts', message: 'counter update failed; the next reconciliation corrects it', errorName: name })}\n`,
  );
}
