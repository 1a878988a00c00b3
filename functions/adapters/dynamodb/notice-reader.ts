import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Notice, NoticeReader } from '../../ports';
import { queryAll } from './client';

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
    const items = await queryAll(this.doc, {
      TableName: this.table,
      IndexName: 'byUser',
      KeyConditionExpression: 'gsi1pk = :u',
      ExpressionAttributeValues: { ':u': `USER#${userId}` },
    });
    const notices: Notice[] = [];
    for (const item of items) {
      const match = /^CAMPAIGN#(.+)#(\d{10})$/.exec(String(item.pk));
      if (!match) continue;
      notices.push({
        policyId: match[1]!,
        version: Number(match[2]),
        state: item.state as Notice['state'],
        at: String(item.sentAt ?? item.finalizedAt ?? ''),
        ...(item.messageId ? { messageId: String(item.messageId) } : {}),
        ...(item.sentAt ? { sentAt: String(item.sentAt) } : {}),
        ...(item.deliveredAt ? { deliveredAt: String(item.deliveredAt) } : {}),
        ...(item.reason ? { reason: String(item.reason) } : {}),
      });
    }
    return notices.sort((a, b) => a.at.localeCompare(b.at));
  }
}
