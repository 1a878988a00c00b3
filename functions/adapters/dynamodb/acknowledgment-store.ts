import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { POLICY_ID_SOURCE, USER_ID_SOURCE } from '../../domain/ids';
import type { Acknowledgment, AcknowledgmentStore, CountStore, Page } from '../../ports';
import {
  type CursorShape,
  decodeCursor,
  encodeCursor,
  exactly,
  isConditionalFailure,
  matches,
  queryAll,
} from './client';
import { pad } from './policy-store';

const userPk = (userId: string) => `USER#${userId}`;
const ackSk = (policyId: string, version: number) => `ACK#${policyId}#${pad(version)}`;

/** The LastEvaluatedKey of the byPolicy index: the item's keys and the index's, nothing else. */
const policyPageCursor = (policyId: string): CursorShape => ({
  pk: matches(ACK_PK),
  sk: matches(ACK_SK),
  gsi1pk: exactly(`POLICY#${policyId}`),
  gsi1sk: matches(ACK_GSI1SK),
});
const ACK_PK = new RegExp(`^USER#${USER_ID_SOURCE}$`);
const ACK_SK = new RegExp(`^ACK#${POLICY_ID_SOURCE}#[0-9]{10}$`);
const ACK_GSI1SK = new RegExp(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{8,12}Z#${USER_ID_SOURCE}#[0-9]{10}$`);

const toAck = (item: Record<string, unknown>): Acknowledgment => {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...rest } = item;
  return rest as unknown as Acknowledgment;
};

export class DynamoAcknowledgmentStore implements AcknowledgmentStore {
  /** `counts`, when given, hears of every acknowledgment record created (never of a duplicate). */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly counts?: Pick<CountStore, 'acknowledgmentCreated'>,
  ) {}

  async put(ack: Acknowledgment): Promise<{ created: boolean; record: Acknowledgment }> {
    const Key = { pk: userPk(ack.userId), sk: ackSk(ack.policyId, ack.version) };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...Key,
            gsi1pk: `POLICY#${ack.policyId}`,
            gsi1sk: `${ack.acknowledgedAt}#${ack.userId}#${pad(ack.version)}`,
            ...ack,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      await this.counts?.acknowledgmentCreated(ack);
      return { created: true, record: ack };
    } catch (e) {
      if (!isConditionalFailure(e)) throw e;
      const out = await this.doc.send(new GetCommand({ TableName: this.table, Key, ConsistentRead: true }));
      if (!out.Item) throw new Error('acknowledgment vanished after a conditional failure', { cause: e });
      return { created: false, record: toAck(out.Item) };
    }
  }

  async newest(userId: string, policyId: string): Promise<Acknowledgment | null> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': userPk(userId), ':prefix': `ACK#${policyId}#` },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item ? toAck(item) : null;
  }

  async listForUser(userId: string, policyId?: string): Promise<Acknowledgment[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userPk(userId), ':prefix': policyId ? `ACK#${policyId}#` : 'ACK#' },
      ScanIndexForward: false,
    });
    const acks = items.map(toAck);
    // Newest first across policies: by time, then by version within the same instant.
    if (!policyId)
      acks.sort((a, b) => b.acknowledgedAt.localeCompare(a.acknowledgedAt) || b.version - a.version);
    return acks;
  }

  async pageForPolicy(policyId: string, limit: number, cursor: string | null): Promise<Page<Acknowledgment>> {
    const gsi1pk = `POLICY#${policyId}`;
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byPolicy',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': gsi1pk },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, policyPageCursor(policyId)),
      }),
    );
    return { items: (out.Items ?? []).map(toAck), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }
}
