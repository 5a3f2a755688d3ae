/**
 * The DynamoDB table designs, in one place: the local runtime creates tables from them and the
 * infrastructure constructs declare them from them, so the two cannot drift.
 */
export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  name: string;
  type: AttributeType;
}

export interface IndexDefinition {
  name: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  projection: 'KEYS_ONLY' | 'ALL';
}

export interface TableDefinition {
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  ttlAttribute?: string;
  /** NEW_IMAGE stream that drives delivery. */
  stream?: 'NEW_IMAGE';
  globalSecondaryIndexes?: IndexDefinition[];
}

export const MEMBERSHIPS_BY_CONNECTION_INDEX = 'byConnection';

export const chatTables = {
  /** One row per open WebSocket: who is behind it. */
  connections: {
    partitionKey: { name: 'connectionId', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
  /** Room membership per connection; the fan-out reads one partition (roomId) with Query. */
  memberships: {
    partitionKey: { name: 'roomId', type: 'S' },
    sortKey: { name: 'connectionId', type: 'S' },
    ttlAttribute: 'expiresAt',
    globalSecondaryIndexes: [
      {
        name: MEMBERSHIPS_BY_CONNECTION_INDEX,
        partitionKey: { name: 'connectionId', type: 'S' },
        sortKey: { name: 'roomId', type: 'S' },
        projection: 'KEYS_ONLY',
      },
    ],
  },
  /**
   * Per-room sequence counter (sk "counter"), idempotency claims (sk "claim#<user>#<id>") and
   * delivery checkpoints of a fan-out cut short by its time budget (sk "delivery#<seq>").
   */
  rooms: {
    partitionKey: { name: 'roomId', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
  /** Messages ordered by a server-assigned per-room sequence; its stream feeds delivery. */
  messages: {
    partitionKey: { name: 'roomId', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    stream: 'NEW_IMAGE',
  },
} as const satisfies Record<string, TableDefinition>;

export type ChatTableKey = keyof typeof chatTables;
export type ChatTableNames = Record<ChatTableKey, string>;

export function chatTableNames(prefix: string): ChatTableNames {
  return {
    connections: `${prefix}-connections`,
    memberships: `${prefix}-memberships`,
    rooms: `${prefix}-rooms`,
    messages: `${prefix}-messages`,
  };
}

export const FOLLOWERS_BY_USER_INDEX = 'byFollower';

/** The broadcast service's follow graph: artistId / userId, with an index to list what a user follows. */
export const followsTable = {
  partitionKey: { name: 'artistId', type: 'S' },
  sortKey: { name: 'userId', type: 'S' },
  globalSecondaryIndexes: [
    { name: FOLLOWERS_BY_USER_INDEX, partitionKey: { name: 'userId', type: 'S' }, sortKey: { name: 'artistId', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
} as const satisfies TableDefinition;
