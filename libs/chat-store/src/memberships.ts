import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MEMBERSHIPS_BY_CONNECTION_INDEX } from './tables';

export interface MembershipRecord {
  roomId: string;
  connectionId: string;
  userId: string;
  name: string;
  roles?: string[];
  joinedAt: string;
  expiresAt: number;
}

export type PageKey = Record<string, string | number>;

export interface Page<T> {
  items: T[];
  lastKey?: PageKey;
}

const BATCH_WRITE_LIMIT = 25;
const UNPROCESSED_RETRIES = 5;

export class MembershipsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async join(membership: MembershipRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: membership }));
  }

  async leave(roomId: string, connectionId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { roomId, connectionId } }));
  }

  async get(roomId: string, connectionId: string): Promise<MembershipRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { roomId, connectionId }, ConsistentRead: true }));
    return Item as MembershipRecord | undefined;
  }

  async list(roomId: string, limit: number, startKey?: PageKey): Promise<Page<MembershipRecord>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'roomId = :room',
        ExpressionAttributeValues: { ':room': roomId },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { items: (result.Items ?? []) as MembershipRecord[], lastKey: result.LastEvaluatedKey as PageKey };
  }

  /**
   * Streams a room's members page by page (Query, never Scan), each page with the key to resume
   * after it, so fan-out can start posting to the first page before later ones are read and can
   * checkpoint between pages. Without a pageSize, DynamoDB's 1 MB page decides.
   */
  async *memberPages(
    roomId: string,
    options: {
      pageSize?: number;
      /** Start after this key (a checkpoint), instead of at the beginning. */
      from?: PageKey;
      /** Wraps each page read, e.g. to retry it through a short outage. */
      readPage?: <T>(read: () => Promise<T>) => Promise<T>;
    } = {},
  ): AsyncGenerator<{ connectionIds: string[]; nextKey?: PageKey }> {
    const readPage = options.readPage ?? ((read) => read());
    let startKey = options.from;
    do {
      const exclusiveStartKey = startKey;
      const result = await readPage(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'roomId = :room',
            ExpressionAttributeValues: { ':room': roomId },
            ProjectionExpression: 'connectionId',
            Limit: options.pageSize,
            ExclusiveStartKey: exclusiveStartKey,
          }),
        ),
      );
      startKey = result.LastEvaluatedKey as PageKey | undefined;
      yield { connectionIds: (result.Items ?? []).map((item) => item['connectionId'] as string), nextKey: startKey };
    } while (startKey);
  }

  /** The connection ids of a room, page by page. */
  async *connectionIdPages(roomId: string, pageSize?: number): AsyncGenerator<string[]> {
    for await (const page of this.memberPages(roomId, { pageSize })) yield page.connectionIds;
  }

  async roomsOf(connectionId: string): Promise<string[]> {
    const rooms: string[] = [];
    let startKey: PageKey | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: MEMBERSHIPS_BY_CONNECTION_INDEX,
          KeyConditionExpression: 'connectionId = :c',
          ExpressionAttributeValues: { ':c': connectionId },
          ExclusiveStartKey: startKey,
        }),
      );
      rooms.push(...(result.Items ?? []).map((item) => item['roomId'] as string));
      startKey = result.LastEvaluatedKey as PageKey | undefined;
    } while (startKey);
    return rooms;
  }

  /** Removes every membership of a connection; returns the rooms it was in. */
  async removeConnection(connectionId: string): Promise<string[]> {
    const rooms = await this.roomsOf(connectionId);
    for (let i = 0; i < rooms.length; i += BATCH_WRITE_LIMIT) {
      const deletes = rooms.slice(i, i + BATCH_WRITE_LIMIT).map((roomId) => ({ DeleteRequest: { Key: { roomId, connectionId } } }));
      await this.batchWrite(deletes);
    }
    return rooms;
  }

  private async batchWrite(requests: object[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) {
        throw new Error(`batch delete left ${pending.length} memberships unprocessed`);
      }
      if (attempt > 0) await new Promise((r) => setTimeout(r, 2 ** attempt * 25));
      const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending as never } }));
      pending = result.UnprocessedItems?.[this.table] ?? [];
    }
  }
}
