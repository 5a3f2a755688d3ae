import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The chat's DynamoDB table design, in one place: the local runtime creates tables from it and
 * the infrastructure constructs declare them from it, so the two cannot drift.
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

/** CreateTable input for a table of a chat design: on-demand billing, as in every environment. */
export function createTableInput(key: ChatTableKey, tableName: string): CreateTableCommandInput {
  return tableInput(chatTables[key], tableName);
}

/** CreateTable input for any table designed with TableDefinition. */
export function tableInput(table: TableDefinition, tableName: string): CreateTableCommandInput {
  const keys = [table.partitionKey, table.sortKey, ...(table.globalSecondaryIndexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])];
  const attributes = new Map(keys.filter((k) => k !== undefined).map((k) => [k.name, k.type]));
  const keySchema = (pk: KeyAttribute, sk?: KeyAttribute) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    GlobalSecondaryIndexes: table.globalSecondaryIndexes?.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: index.projection },
    })),
    StreamSpecification: table.stream ? { StreamEnabled: true, StreamViewType: table.stream } : undefined,
  };
}

export function createTableInputs(names: ChatTableNames): CreateTableCommandInput[] {
  return (Object.keys(chatTables) as ChatTableKey[]).map((key) => createTableInput(key, names[key]));
}
