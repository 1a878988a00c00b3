/**
 * The suppression list, in the Notifications table (docs/NOTIFICATIONS.md, suppression):
 *   `SUPPRESSION#<sha256 of the normalised address>` / `SUPPRESSION`  reason, at
 * listed newest first through the table's `byUser` index under gsi1pk `SUPPRESSIONS` (ledger entries
 * use `USER#<userId>` there, so the two never meet), so no new index is needed. Holds no
 * address, and is untouched when a customer is erased.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Page, Suppression, SuppressionStore } from '../../ports';
import { batchGetAll, decodeCursor, encodeCursor, exactly, matches } from './client';

const key = (hash: string) => ({ pk: `SUPPRESSION#${hash}`, sk: 'SUPPRESSION' });
const LIST_PK = 'SUPPRESSIONS';

const toSuppression = (item: Record<string, unknown>): Suppression => ({
  hash: String(item.hash),
  reason: String(item.reason),
  at: String(item.at),
});

export class DynamoSuppressionStore implements SuppressionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(s: Suppression): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...key(s.hash), ...s, gsi1pk: LIST_PK, gsi1sk: `${s.at}#${s.hash}` },
      }),
    );
  }

  async get(hash: string): Promise<Suppression | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key(hash), ConsistentRead: true }),
    );
    return out.Item ? toSuppression(out.Item) : null;
  }

  async suppressedAmong(hashes: string[]): Promise<Set<string>> {
    const unique = [...new Set(hashes)];
    const items = await batchGetAll(this.doc, this.table, unique.map(key));
    return new Set(items.map((item) => String(item.hash)));
  }

  async list(limit: number, cursor: string | null): Promise<Page<Suppression>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byUser',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': LIST_PK },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, {
          pk: matches(/^SUPPRESSION#[0-9a-f]{64}$/),
          sk: exactly('SUPPRESSION'),
          gsi1pk: exactly(LIST_PK),
          gsi1sk: matches(/^[0-9TZ:.-]{10,40}#[0-9a-f]{64}$/),
        }),
      }),
    );
    return { items: (out.Items ?? []).map(toSuppression), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  async lift(hash: string): Promise<boolean> {
    const out = await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: key(hash), ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  }
}
