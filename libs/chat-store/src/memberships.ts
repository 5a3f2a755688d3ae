import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MEMBERSHIPS_BY_CONNECTION_INDEX } from '@relay/runtime-contract';

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

/**
 * A slice of a room's members by connection id (the sort key), so one room's pages can be read
 * in parallel: ids at or above `from` and below `to` (either may be open).
 */
export interface MemberSegment {
  from?: string;
  to?: string;
}

/** Connection ids are base64 (API Gateway's and the local runtime's), so their first characters spread evenly over this order. */
const ID_ALPHABET = '+/0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `count` segments covering every connection id once, split evenly by first character. */
export function memberSegments(count: number): MemberSegment[] {
  if (!Number.isInteger(count) || count < 1 || count > 16) throw new Error(`segments: 1 to 16, not ${count}`);
  const bounds = Array.from({ length: count - 1 }, (_, i) => ID_ALPHABET.charAt(Math.round(((i + 1) * ID_ALPHABET.length) / count)));
  return Array.from({ length: count }, (_, i) => ({ ...(i > 0 ? { from: bounds[i - 1] } : {}), ...(i < count - 1 ? { to: bounds[i] } : {}) }));
}

/** The key condition of a segment. An id is never a single character, so BETWEEN's inclusive end excludes the boundary. */
function segmentCondition(segment: MemberSegment | undefined): { expression: string; values: Record<string, string> } {
  if (segment?.from !== undefined && segment.to !== undefined) {
    return { expression: ' AND connectionId BETWEEN :from AND :to', values: { ':from': segment.from, ':to': segment.to } };
  }
  if (segment?.from !== undefined) return { expression: ' AND connectionId >= :from', values: { ':from': segment.from } };
  if (segment?.to !== undefined) return { expression: ' AND connectionId < :to', values: { ':to': segment.to } };
  return { expression: '', values: {} };
}

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

  /** Deletes the membership and answers what it held (undefined if the connection was not a member). */
  async leave(roomId: string, connectionId: string): Promise<MembershipRecord | undefined> {
    const { Attributes } = await this.db.send(new DeleteCommand({ TableName: this.table, Key: { roomId, connectionId }, ReturnValues: 'ALL_OLD' }));
    return Attributes as MembershipRecord | undefined;
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
      /** Only this slice of the members (memberSegments). */
      segment?: MemberSegment;
    } = {},
  ): AsyncGenerator<{ connectionIds: string[]; nextKey?: PageKey }> {
    const readPage = options.readPage ?? ((read) => read());
    const condition = segmentCondition(options.segment);
    let startKey = options.from;
    do {
      const exclusiveStartKey = startKey;
      const result = await readPage(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: `roomId = :room${condition.expression}`,
            ExpressionAttributeValues: { ':room': roomId, ...condition.values },
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
