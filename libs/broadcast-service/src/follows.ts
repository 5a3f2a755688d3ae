import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PageKey } from '@relay/chat-store';

export class FollowsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async follow(artistId: string, userId: string, at: Date): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { artistId, userId, followedAt: at.toISOString() } }));
  }

  async unfollow(artistId: string, userId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { artistId, userId } }));
  }

  async followers(artistId: string, limit: number, startKey?: PageKey) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'artistId = :a',
        ExpressionAttributeValues: { ':a': artistId },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { userIds: (result.Items ?? []).map((i) => i['userId'] as string), lastKey: result.LastEvaluatedKey as PageKey | undefined };
  }
}
