import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ItemExistsError } from '../../domain/errors';
import type { Revision } from '../../domain/revision';
import type { Page, PolicyStore } from '../../ports';
import { isConditionalFailure, queryAll } from './client';

const policyPk = (policyId: string) => `POLICY#${policyId}`;
export const pad = (n: number) => String(n).padStart(10, '0');
const revSk = (version: number) => `REV#${pad(version)}`;
const REGISTRY = 'POLICIES';

const toRevision = (item: Record<string, unknown>): Revision => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  // Revisions stored before formats existed are plain text (their chain hash has no format either).
  return { format: 'text', ...rest } as unknown as Revision;
};

export class DynamoPolicyStore implements PolicyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async listPolicyIds(): Promise<string[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': REGISTRY },
    });
    return items.map((item) => String(item.policyId));
  }

  async registerPolicy(policyId: string, createdAt: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: REGISTRY, sk: policyPk(policyId), policyId, createdAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionalFailure(e)) throw e;
    }
  }

  async listRevisions(policyId: string): Promise<Revision[]> {
    return (await queryAll(this.doc, this.revisionRange(policyId, null))).map(toRevision);
  }

  async pageRevisions(policyId: string, limit: number, cursor: string | null): Promise<Page<Revision>> {
    const before = cursor === null ? null : Number(cursor);
    const out = await this.doc.send(
      new QueryCommand({ ...this.revisionRange(policyId, before), ScanIndexForward: false, Limit: limit }),
    );
    const items = (out.Items ?? []).map(toRevision);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: out.LastEvaluatedKey && last && last.version > 1 ? String(last.version) : null,
    };
  }

  async getRevision(policyId: string, version: number): Promise<Revision | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: policyPk(policyId), sk: revSk(version) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toRevision(out.Item) : null;
  }

  async latestRevision(policyId: string): Promise<Revision | null> {
    const out = await this.doc.send(
      new QueryCommand({
        ...this.revisionRange(policyId, null),
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? toRevision(item) : null;
  }

  async putRevision(revision: Revision): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: policyPk(revision.policyId), sk: revSk(revision.version), ...revision },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (isConditionalFailure(e))
        throw new ItemExistsError(`version ${revision.version} of ${revision.policyId} exists`, { cause: e });
      throw e;
    }
  }

  async putText(policyId: string, hash: string, text: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: policyPk(policyId), sk: `TEXT#${hash}`, text },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      // Content-addressed: an existing item with this key already holds this very text.
      if (!isConditionalFailure(e)) throw e;
    }
  }

  async getText(policyId: string, hash: string): Promise<string | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: policyPk(policyId), sk: `TEXT#${hash}` } }),
    );
    return typeof out.Item?.text === 'string' ? out.Item.text : null;
  }

  /** Revision items only (`REV#…`), optionally those below a version (`before`, exclusive). */
  private revisionRange(policyId: string, before: number | null): QueryCommandInput {
    return {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: {
        ':pk': policyPk(policyId),
        ':lo': revSk(0),
        ':hi': before === null ? revSk(9_999_999_999) : revSk(before - 1),
      },
    };
  }
}
