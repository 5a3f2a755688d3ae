import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { chatTables, type ChatTableKey, type ChatTableNames, type KeyAttribute, type TableDefinition } from '@relay/runtime-contract';

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
