/**
 * Notifications table (docs/NOTIFICATIONS.md, data layout). One partition per campaign:
 *   `CAMPAIGN#<policyId>#<10-digit version>` /
 *     `CAMPAIGN`            counters, status, fan-out checkpoint and lease, rolled-up pages (number set)
 *     `PAGE#<10-digit n>`   the user ids of fan-out page n, frozen on first read (TTL: expiresAt)
 *     `TALLY#<10-digit n>`  page n's counts and the ids of the batches already counted (string set)
 *     `RCPT#<userId>`       the recipient's ledger entry; final entries carry gsi1pk `USER#<userId>` /
 *                           gsi1sk `<finalizedAt>#<policyId>#<10-digit version>` (index byUser)
 * Single-item conditional writes and ADD only: every idempotency check lives in the item it guards.
 * No email address is ever written here.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { POLICY_ID_SOURCE } from '../../domain/ids';
import type {
  Campaign,
  CampaignStatus,
  FanoutPage,
  FinalRecipientState,
  LedgerEntry,
  NotificationStore,
  Page,
  PageTally,
  RecipientOutcome,
} from '../../ports';
import {
  batchGetAll,
  decodeCursor,
  encodeCursor,
  exactly,
  isConditionalFailure,
  matches,
  queryAll,
} from './client';
import { pad } from './policy-store';

const campaignPk = (policyId: string, version: number) => `CAMPAIGN#${policyId}#${pad(version)}`;
const CAMPAIGN_SK = 'CAMPAIGN';
const OPEN_CAMPAIGNS = 'OPEN_CAMPAIGNS';
/** The exact key of an open-campaigns index position (table key plus index key). */
const OPEN_CAMPAIGN_CURSOR = {
  pk: matches(new RegExp(`^CAMPAIGN#${POLICY_ID_SOURCE}#\\d{10}$`)),
  sk: exactly('CAMPAIGN'),
  gsi1pk: exactly(OPEN_CAMPAIGNS),
  gsi1sk: matches(new RegExp(`^[0-9TZ:.-]{10,40}#${POLICY_ID_SOURCE}#\\d{10}$`)),
};
const pageSk = (page: number) => `PAGE#${pad(page)}`;
const tallySk = (page: number) => `TALLY#${pad(page)}`;
const rcptSk = (userId: string) => `RCPT#${userId}`;
/** DynamoDB cannot compare NULLs in a condition, so "no cursor" is stored as ''. */
const storedCursor = (cursor: string | null) => cursor ?? '';

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const list = <T>(v: unknown): T[] => (v instanceof Set ? ([...v] as T[]) : []);

function toCampaign(item: Record<string, unknown>): Campaign {
  return {
    policyId: String(item.policyId),
    version: num(item.version),
    status: item.status as CampaignStatus,
    createdAt: String(item.createdAt),
    startedAt: str(item.startedAt),
    completedAt: str(item.completedAt),
    total: num(item.total),
    sent: num(item.sent),
    failed: num(item.failed),
    suppressed: num(item.suppressed),
    fanout: {
      page: num(item.fanoutPage),
      cursor: str(item.fanoutCursor) || null,
      done: item.fanoutDone === true,
      leaseUntil: num(item.fanoutLeaseUntil),
    },
    rolledUpPages: list<number>(item.rolledUpPages).sort((a, b) => a - b),
    sweep:
      typeof item.sweepSignature === 'string'
        ? { signature: item.sweepSignature, at: num(item.sweepAt) }
        : null,
  };
}

function toTally(item: Record<string, unknown>): PageTally {
  return {
    page: num(item.page),
    batches: num(item.batches),
    countedBatches: list<string>(item.countedBatches).sort(),
    sent: num(item.sent),
    failed: num(item.failed),
    suppressed: num(item.suppressed),
  };
}

function toEntry(item: Record<string, unknown>): LedgerEntry {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...rest } = item;
  return { attempts: 0, ...rest } as LedgerEntry;
}

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createCampaign(c: { policyId: string; version: number; createdAt: string; leaseUntil: number }) {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: campaignPk(c.policyId, c.version),
            sk: CAMPAIGN_SK,
            policyId: c.policyId,
            version: c.version,
            status: 'pending',
            createdAt: c.createdAt,
            updatedAt: c.createdAt,
            total: 0,
            sent: 0,
            failed: 0,
            suppressed: 0,
            fanoutPage: 0,
            fanoutCursor: '',
            fanoutDone: false,
            fanoutLeaseUntil: c.leaseUntil,
            // Listed in the open-campaigns index (byUser, gsi1pk OPEN_CAMPAIGNS) until completed.
            gsi1pk: OPEN_CAMPAIGNS,
            gsi1sk: `${c.createdAt}#${c.policyId}#${pad(c.version)}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalFailure(e)) return false;
      throw e;
    }
  }

  async getCampaign(policyId: string, version: number): Promise<Campaign | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: CAMPAIGN_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toCampaign(out.Item) : null;
  }

  async renewFanoutLease(policyId: string, version: number, expected: number, leaseUntil: number) {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: CAMPAIGN_SK },
        UpdateExpression: 'SET fanoutLeaseUntil = :lease',
        ConditionExpression: 'fanoutLeaseUntil = :expected AND fanoutDone = :false',
        ExpressionAttributeValues: { ':lease': leaseUntil, ':expected': expected, ':false': false },
      }),
    );
  }

  async getPage(policyId: string, version: number, page: number): Promise<FanoutPage | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: pageSk(page) },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return null;
    return {
      page: num(out.Item.page),
      cursorIn: str(out.Item.cursorIn) || null,
      cursorOut: str(out.Item.cursorOut) || null,
      userIds: Array.isArray(out.Item.userIds) ? (out.Item.userIds as string[]) : [],
    };
  }

  async putPage(policyId: string, version: number, page: FanoutPage, expiresAt: number): Promise<FanoutPage> {
    const written = await this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: campaignPk(policyId, version),
          sk: pageSk(page.page),
          page: page.page,
          cursorIn: storedCursor(page.cursorIn),
          cursorOut: storedCursor(page.cursorOut),
          userIds: page.userIds,
          expiresAt: Math.floor(expiresAt / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (written) return page;
    const stored = await this.getPage(policyId, version, page.page);
    if (!stored) throw new Error(`page ${page.page} vanished after a conditional failure`);
    return stored;
  }

  async checkpointFanout(
    policyId: string,
    version: number,
    args: {
      page: number;
      cursor: string | null;
      nextCursor: string | null;
      recipients: number;
      leaseUntil: number;
      at: string;
    },
  ): Promise<Campaign | null> {
    const emptyPage = args.recipients === 0;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: campaignPk(policyId, version), sk: CAMPAIGN_SK },
          UpdateExpression:
            'SET fanoutPage = :next, fanoutCursor = :nextCursor, fanoutDone = :done, fanoutLeaseUntil = :lease, ' +
            '#status = :sending, startedAt = if_not_exists(startedAt, :at), updatedAt = :at ' +
            // A page without recipients has nothing to tally: it counts as rolled up at once.
            `ADD #total :n${emptyPage ? ', rolledUpPages :pages' : ''}`,
          ConditionExpression: 'fanoutPage = :page AND fanoutCursor = :cursor AND fanoutDone = :false',
          ExpressionAttributeNames: { '#status': 'status', '#total': 'total' },
          ExpressionAttributeValues: {
            ':next': args.page + 1,
            ':nextCursor': storedCursor(args.nextCursor),
            ':done': args.nextCursor === null,
            ':lease': args.leaseUntil,
            ':sending': 'sending',
            ':at': args.at,
            ':n': args.recipients,
            ':page': args.page,
            ':cursor': storedCursor(args.cursor),
            ':false': false,
            ...(emptyPage ? { ':pages': new Set([args.page]) } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toCampaign(out.Attributes!);
    } catch (e) {
      if (isConditionalFailure(e)) return null;
      throw e;
    }
  }

  async getBatchState(policyId: string, version: number, page: number, userIds: string[]) {
    const pk = campaignPk(policyId, version);
    const items = await batchGetAll(this.doc, this.table, [
      { pk, sk: tallySk(page) },
      ...userIds.map((u) => ({ pk, sk: rcptSk(u) })),
    ]);
    const entries = new Map<string, LedgerEntry>();
    let tally: PageTally | null = null;
    for (const item of items) {
      if (item.sk === tallySk(page)) tally = toTally(item);
      else {
        const entry = toEntry(item);
        entries.set(entry.userId, entry);
      }
    }
    return { tally, entries };
  }

  async getEntry(policyId: string, version: number, userId: string): Promise<LedgerEntry | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: rcptSk(userId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toEntry(out.Item) : null;
  }

  async claim(
    policyId: string,
    version: number,
    userId: string,
    args: { token: string; now: number; leaseUntil: number; at: string },
  ) {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: rcptSk(userId) },
        UpdateExpression:
          'SET userId = :u, #state = :claimed, claimToken = :token, leaseUntil = :lease, claimedAt = :at ADD attempts :one',
        ConditionExpression: `${TAKEABLE}`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':u': userId,
          ':claimed': 'claimed',
          ':pending': 'pending',
          ':token': args.token,
          ':lease': args.leaseUntil,
          ':at': args.at,
          ':now': args.now,
          ':one': 1,
        },
      }),
    );
  }

  async release(policyId: string, version: number, userId: string, token: string) {
    await this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: rcptSk(userId) },
        UpdateExpression: 'SET #state = :pending REMOVE claimToken, leaseUntil',
        ConditionExpression: '#state = :claimed AND claimToken = :token',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending', ':claimed': 'claimed', ':token': token },
      }),
    );
  }

  async finish(policyId: string, version: number, userId: string, outcome: RecipientOutcome) {
    const values: Record<string, unknown> = {
      ':u': userId,
      ':state': outcome.state,
      ':by': outcome.batchId,
      ':at': outcome.at,
      ':g1': `USER#${userId}`,
      ':g2': `${outcome.at}#${policyId}#${pad(version)}`,
      ':claimed': 'claimed',
    };
    const sets = [
      'userId = :u',
      '#state = :state',
      'finalizedBy = :by',
      'finalizedAt = :at',
      'gsi1pk = :g1',
      'gsi1sk = :g2',
    ];
    if (outcome.messageId !== undefined) {
      sets.push('messageId = :mid', 'sentAt = :at');
      values[':mid'] = outcome.messageId;
    }
    if (outcome.reason !== undefined) {
      sets.push('reason = :reason');
      values[':reason'] = outcome.reason.slice(0, 500);
    }
    let condition: string;
    if (outcome.token !== undefined) {
      condition = '#state = :claimed AND claimToken = :token';
      values[':token'] = outcome.token;
    } else {
      condition = TAKEABLE;
      values[':pending'] = 'pending';
      values[':now'] = outcome.now ?? 0;
    }
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: rcptSk(userId) },
        UpdateExpression: `SET ${sets.join(', ')} REMOVE claimToken, leaseUntil`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: values,
      }),
    );
  }

  async applyBatchTally(
    policyId: string,
    version: number,
    args: {
      page: number;
      batchId: string;
      batchesInPage: number;
      counts: Record<FinalRecipientState, number>;
      at: string;
    },
  ) {
    const Key = { pk: campaignPk(policyId, version), sk: tallySk(args.page) };
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key,
          UpdateExpression:
            'SET #page = :page, batches = :batches, updatedAt = :at ' +
            'ADD sent :sent, failed :failed, suppressed :suppressed, countedBatches :ids',
          // The batch id joins the set in the same write that adds its counts: counted once, ever.
          ConditionExpression: 'NOT contains(countedBatches, :id)',
          ExpressionAttributeNames: { '#page': 'page' },
          ExpressionAttributeValues: {
            ':page': args.page,
            ':batches': args.batchesInPage,
            ':at': args.at,
            ':sent': args.counts.sent,
            ':failed': args.counts.failed,
            ':suppressed': args.counts.suppressed,
            ':ids': new Set([args.batchId]),
            ':id': args.batchId,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { applied: true, tally: toTally(out.Attributes!) };
    } catch (e) {
      if (!isConditionalFailure(e)) throw e;
      const out = await this.doc.send(new GetCommand({ TableName: this.table, Key, ConsistentRead: true }));
      if (!out.Item) throw new Error('tally vanished after a conditional failure', { cause: e });
      return { applied: false, tally: toTally(out.Item) };
    }
  }

  async getTallies(policyId: string, version: number, pages: number[]): Promise<PageTally[]> {
    const pk = campaignPk(policyId, version);
    const items = await batchGetAll(
      this.doc,
      this.table,
      pages.map((p) => ({ pk, sk: tallySk(p) })),
    );
    return items.map(toTally).sort((a, b) => a.page - b.page);
  }

  async rollUpPage(
    policyId: string,
    version: number,
    tally: PageTally,
    at: string,
  ): Promise<Campaign | null> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: campaignPk(policyId, version), sk: CAMPAIGN_SK },
          UpdateExpression:
            'SET updatedAt = :at ADD sent :sent, failed :failed, suppressed :suppressed, rolledUpPages :pages',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(rolledUpPages, :page)',
          ExpressionAttributeValues: {
            ':at': at,
            ':sent': tally.sent,
            ':failed': tally.failed,
            ':suppressed': tally.suppressed,
            ':pages': new Set([tally.page]),
            ':page': tally.page,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toCampaign(out.Attributes!);
    } catch (e) {
      if (isConditionalFailure(e)) return null;
      throw e;
    }
  }

  async recordDelivery(
    policyId: string,
    version: number,
    userId: string,
    args: { messageId: string; deliveredAt: string },
  ) {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: rcptSk(userId) },
        UpdateExpression: 'SET deliveredAt = :at, deliveredMessageId = :mid',
        // A redelivered event, or the delivery of a rare duplicate email, does not move the first time.
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deliveredAt)',
        ExpressionAttributeValues: { ':at': args.deliveredAt, ':mid': args.messageId },
      }),
    );
  }

  async listOpenCampaigns(limit: number, cursor: string | null): Promise<Page<Campaign>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byUser',
        KeyConditionExpression: 'gsi1pk = :open',
        ExpressionAttributeValues: { ':open': OPEN_CAMPAIGNS },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, OPEN_CAMPAIGN_CURSOR),
      }),
    );
    return { items: (out.Items ?? []).map(toCampaign), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  async recordSweep(
    policyId: string,
    version: number,
    sweep: { signature: string; at: number },
    expected: { signature: string; at: number } | null,
  ) {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: CAMPAIGN_SK },
        UpdateExpression: 'SET sweepSignature = :sig, sweepAt = :at',
        ConditionExpression: expected
          ? 'attribute_exists(pk) AND sweepSignature = :oldSig AND sweepAt = :oldAt'
          : 'attribute_exists(pk) AND attribute_not_exists(sweepSignature)',
        ExpressionAttributeValues: {
          ':sig': sweep.signature,
          ':at': sweep.at,
          ...(expected ? { ':oldSig': expected.signature, ':oldAt': expected.at } : {}),
        },
      }),
    );
  }

  async completeCampaign(policyId: string, version: number, at: string) {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: CAMPAIGN_SK },
        UpdateExpression:
          'SET #status = :completed, completedAt = :at, updatedAt = :at REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :completed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':completed': 'completed', ':at': at },
      }),
    );
  }

  async listFailed(policyId: string, version: number): Promise<LedgerEntry[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rcpt)',
      FilterExpression: '#state = :failed',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':pk': campaignPk(policyId, version),
        ':rcpt': 'RCPT#',
        ':failed': 'failed',
      },
      ConsistentRead: true,
    });
    return items.map(toEntry);
  }

  async requeueFailed(policyId: string, version: number, userId: string, page: number) {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: rcptSk(userId) },
        // Back to pending (claimable by the retry page's batch); no longer final, so out of the user's
        // notices (byUser) until that batch finishes it again.
        UpdateExpression:
          'SET #state = :pending, retryPage = :page REMOVE finalizedBy, finalizedAt, reason, claimToken, leaseUntil, gsi1pk, gsi1sk',
        ConditionExpression: '#state = :failed AND (attribute_not_exists(retryPage) OR retryPage < :page)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending', ':failed': 'failed', ':page': page },
      }),
    );
  }

  async openRetryPage(
    policyId: string,
    version: number,
    args: { page: number; recipients: number; at: string },
  ) {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: campaignPk(policyId, version), sk: CAMPAIGN_SK },
        // Listed in the open-campaigns index again, so the sweeper watches the retry as any campaign.
        UpdateExpression:
          'SET fanoutPage = :next, #status = :sending, updatedAt = :at, gsi1pk = :open, gsi1sk = :g2 ADD failed :minus REMOVE completedAt',
        ConditionExpression: 'fanoutPage = :page AND fanoutDone = :true',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':next': args.page + 1,
          ':page': args.page,
          ':true': true,
          ':sending': 'sending',
          ':at': args.at,
          ':open': OPEN_CAMPAIGNS,
          ':g2': `${args.at}#${policyId}#${pad(version)}`,
          ':minus': -args.recipients,
        },
      }),
    );
  }

  /** Runs a conditional write: true when it applied, false when its condition failed. */
  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.doc.send(command as UpdateCommand);
      return true;
    } catch (e) {
      if (isConditionalFailure(e)) return false;
      throw e;
    }
  }
}

/** A ledger entry nobody holds: absent, released, or claimed with a lease that has run out. */
const TAKEABLE = 'attribute_not_exists(pk) OR #state = :pending OR (#state = :claimed AND leaseUntil < :now)';
