import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Notice, NoticeReader } from '../../ports';

/**
 * Reads a user's final notification ledger entries through the `byUser` index (written by the
 * notification store when an entry becomes final). Read-only: the compliance function is not granted
 * any write on the Notifications table.
 */
export class DynamoNoticeReader implements NoticeReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async noticesForUser(userId: string): Promise<Notice[]> {
    const notices: Notice[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byUser',
          KeyConditionExpression: 'gsi1pk = :u',
          ExpressionAttributeValues: { ':u': `USER#${userId}` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const match = /^CAMPAIGN#(.+)#(\d{10})$/.exec(String(item.pk));
        if (!match) continue;
        notices.push({
          policyId: match[1]!,
          version: Number(match[2]),
          state: item.state as Notice['state'],
          at: String(item.sentAt ?? item.finalizedAt ?? ''),
          ...(item.messageId ? { messageId: String(item.messageId) } : {}),
          ...(item.reason ? { reason: String(item.reason) } : {}),
        });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return notices.sort((a, b) => a.at.localeCompare(b.at));
  }
}
