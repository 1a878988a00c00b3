import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { USER_ID_SOURCE } from '../../domain/ids';
import type { CountStore, Customer, CustomerStore, Page } from '../../ports';
import { decodeCursor, encodeCursor, exactly, isConditionalFailure, matches } from './client';

const CUSTOMER_PK = new RegExp(`^CUSTOMER#${USER_ID_SOURCE}$`);
/** The exact key of a position in the byStatus index (its key is status + pk, the table's is pk). */
const statusCursor = (status: Customer['status']) => ({ status: exactly(status), pk: matches(CUSTOMER_PK) });
const key = (userId: string) => ({ pk: `CUSTOMER#${userId}` });

const toCustomer = (item: Record<string, unknown>): Customer => {
  const { pk: _pk, ...rest } = item;
  return { locale: null, name: null, timeZone: null, ...rest } as Customer;
};

export class DynamoCustomerStore implements CustomerStore {
  /** `counts`, when given, hears of every change of a customer's status after it is stored. */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly counts?: Pick<CountStore, 'customerStatus'>,
  ) {}

  async get(userId: string, opts: { consistent?: boolean } = {}): Promise<Customer | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key(userId), ConsistentRead: opts.consistent === true }),
    );
    return out.Item ? toCustomer(out.Item) : null;
  }

  async put(customer: Customer): Promise<{ created: boolean }> {
    const out = await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...key(customer.userId), ...customer },
        ReturnValues: 'ALL_OLD',
      }),
    );
    await this.counts?.customerStatus(customer.userId, { status: customer.status, locale: customer.locale });
    return { created: out.Attributes === undefined };
  }

  async delete(userId: string): Promise<boolean> {
    const out = await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: key(userId), ReturnValues: 'ALL_OLD' }),
    );
    if (out.Attributes !== undefined)
      await this.counts?.customerStatus(userId, { status: 'gone', locale: null });
    return out.Attributes !== undefined;
  }

  async suppressByEmail(email: string, reason: string, at: string): Promise<number> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byEmail',
        KeyConditionExpression: 'email = :e',
        ExpressionAttributeValues: { ':e': email },
      }),
    );
    let count = 0;
    for (const item of out.Items ?? []) {
      try {
        const updated = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: item.pk },
            // Only while the record still names this address: a re-registration with a new one wins.
            ConditionExpression: 'email = :e',
            UpdateExpression: 'SET #s = :s, suppressedReason = :r, updatedAt = :at',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':e': email, ':s': 'suppressed', ':r': reason, ':at': at },
            ReturnValues: 'ALL_NEW',
          }),
        );
        count++;
        await this.counts?.customerStatus(String(item.pk).slice('CUSTOMER#'.length), {
          status: 'suppressed',
          locale: (updated.Attributes?.locale as string | null | undefined) ?? null,
        });
      } catch (e) {
        if (!isConditionalFailure(e)) throw e;
      }
    }
    return count;
  }

  pageActive(limit: number, cursor: string | null): Promise<Page<Customer>> {
    return this.pageByStatus('active', limit, cursor);
  }

  pageSuppressed(limit: number, cursor: string | null): Promise<Page<Customer>> {
    return this.pageByStatus('suppressed', limit, cursor);
  }

  private async pageByStatus(
    status: Customer['status'],
    limit: number,
    cursor: string | null,
  ): Promise<Page<Customer>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byStatus',
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, statusCursor(status)),
        KeyConditionExpression: '#s = :status',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':status': status },
      }),
    );
    return { items: (out.Items ?? []).map(toCustomer), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  async getMany(userIds: string[]): Promise<Customer[]> {
    const found: Customer[] = [];
    for (let i = 0; i < userIds.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = userIds.slice(i, i + 100).map(key);
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.table] ?? []) found.push(toCustomer(item));
        keys = out.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return found;
  }
}
