import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PageKey } from './memberships';

/** A checkpoint outlives every retry of the record (the stream keeps records 24 h), then TTL reaps it. */
const CHECKPOINT_TTL_SECONDS = 26 * 60 * 60;

/**
 * Where a message's fan-out stands, per member segment read in parallel: the key to resume
 * after, or 'done'. Segments not named start from the beginning.
 */
export type DeliveryCursor = Record<string, PageKey | 'done'>;

/**
 * Where a message's fan-out stopped when its invocation ran out of time or a hand-off failed.
 * The retry of the record continues there, so recipients already handed off are not sent the
 * message again.
 */
export class DeliveryProgressRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async resume(roomId: string, seq: number): Promise<DeliveryCursor | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key(roomId, seq), ConsistentRead: true }));
    return Item?.['cursor'] as DeliveryCursor | undefined;
  }

  async save(roomId: string, seq: number, cursor: DeliveryCursor, now = new Date()): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...key(roomId, seq), cursor, expiresAt: Math.floor(now.getTime() / 1000) + CHECKPOINT_TTL_SECONDS },
      }),
    );
  }

  async clear(roomId: string, seq: number): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: key(roomId, seq) }));
  }
}

function key(roomId: string, seq: number) {
  return { roomId, sk: `delivery#${seq}` };
}
