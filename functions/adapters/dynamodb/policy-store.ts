import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { IntegrityError, ItemExistsError } from '../../domain/errors';
import type { Revision } from '../../domain/revision';
import { contentHash, utf8Bytes } from '../../domain/text';
import type { Page, PolicySettings, PolicyStore, RevisionChanges } from '../../ports';
import { isConditionalFailure, queryAll } from './client';
import { splitUtf8 } from './text-chunks';

const policyPk = (policyId: string) => `POLICY#${policyId}`;
export const pad = (n: number) => String(n).padStart(10, '0');
const revSk = (version: number) => `REV#${pad(version)}`;
/** One item per policy beside its revisions (outside their `REV#` key range and the texts' `TEXT#`). */
const SETTINGS_SK = 'SETTINGS';
const REGISTRY = 'POLICIES';
/** A text's head item: written last, so its presence means every chunk is stored. */
const textSk = (hash: string) => `TEXT#${hash}`;
/** Chunk `i` of a text; sorts right after its head, so one Query prefix reads both. */
/** What a revision changed (the emails' list of sections), keyed by the revision's hash. */
const changesSk = (revisionHash: string) => `CHANGES#${revisionHash}`;
const chunkSk = (hash: string, i: number) => `TEXT#${hash}#${String(i).padStart(4, '0')}`;

const toRevision = (item: Record<string, unknown>): Revision => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  // Revisions stored before formats existed are plain text (their chain hash has no format either).
  return { format: 'text', titles: {}, ...rest } as unknown as Revision;
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

  /**
   * Chunks first, then the head item that lists them; each write is conditional (write-once), so a
   * publish retried after a crash re-uses what an earlier attempt stored, and a text already stored
   * (a locale that did not change, or the same text in another revision) costs one read and no write.
   */
  async putText(policyId: string, hash: string, text: string): Promise<void> {
    if (contentHash(text) !== hash) throw new Error(`putText: the text does not hash to ${hash}`);
    const pk = policyPk(policyId);
    const head = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk, sk: textSk(hash) },
        ProjectionExpression: 'pk',
        ConsistentRead: true,
      }),
    );
    if (head.Item) return;
    const chunks = splitUtf8(text);
    await Promise.all(chunks.map((chunk, i) => this.putOnce({ pk, sk: chunkSk(hash, i), chunk })));
    await this.putOnce({ pk, sk: textSk(hash), chunks: chunks.length, bytes: utf8Bytes(text) });
  }

  /**
   * Reassembles the text and checks it against its hash: a tampered, lost or extra chunk throws
   * IntegrityError rather than serving other words under the revision's hash. Null when no complete
   * text is stored under the hash (chunks without a head are the remains of a failed publish).
   */
  async getText(policyId: string, hash: string): Promise<string | null> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': policyPk(policyId), ':prefix': textSk(hash) },
      ConsistentRead: true,
    });
    const head = items.find((item) => item.sk === textSk(hash));
    if (!head) return null;
    const where = `text ${hash} of ${policyId}`;
    let text: string;
    if (typeof head.text === 'string') {
      // Stored whole, before texts were chunked.
      text = head.text;
    } else {
      const chunks = items.filter((item) => item.sk !== textSk(hash));
      const count = Number(head.chunks);
      const complete =
        chunks.length === count &&
        chunks.every((c, i) => c.sk === chunkSk(hash, i) && typeof c.chunk === 'string');
      if (!complete)
        throw new IntegrityError(`${where} fails verification: ${chunks.length} of ${count} chunks stored`);
      text = chunks.map((c) => c.chunk as string).join('');
    }
    if (contentHash(text) !== hash)
      throw new IntegrityError(`${where} fails verification: its stored content hashes differently`);
    return text;
  }

  async putChanges(policyId: string, revisionHash: string, changes: RevisionChanges): Promise<void> {
    await this.putOnce({ pk: policyPk(policyId), sk: changesSk(revisionHash), changes });
  }

  async getChanges(policyId: string, revisionHash: string): Promise<RevisionChanges | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: policyPk(policyId), sk: changesSk(revisionHash) },
        // Written before the revision that the caller has read: a consistent read always finds it.
        ConsistentRead: true,
      }),
    );
    const changes = out.Item?.changes;
    return changes && typeof changes === 'object' ? (changes as RevisionChanges) : null;
  }

  async getSettings(policyId: string): Promise<PolicySettings | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: policyPk(policyId), sk: SETTINGS_SK },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return null;
    return {
      noticePeriodDays: Number(out.Item.noticePeriodDays ?? 0),
      updatedAt: String(out.Item.updatedAt),
    };
  }

  async putSettings(policyId: string, settings: PolicySettings): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: policyPk(policyId), sk: SETTINGS_SK, ...settings },
      }),
    );
  }

  /** Write-once put: an existing item under the key already holds the same content-addressed data. */
  private async putOnce(item: Record<string, unknown>): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionalFailure(e)) throw e;
    }
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
