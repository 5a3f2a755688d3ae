import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { Environment } from '@relay/platform-config';
import { chatTables, type ChatTableKey, type ChatTableNames, type KeyAttribute, type TableDefinition } from '@relay/chat-store';

/** The chat tables from the one design in chat-store: on-demand, TTL, streams, prod protection. */
export class ChatTables extends Construct {
  readonly tables: Record<ChatTableKey, DynamodbTable>;

  constructor(scope: Construct, id: string, props: { env: Environment; names: ChatTableNames }) {
    super(scope, id);
    const { protection } = props.env;
    const entries = (Object.keys(chatTables) as ChatTableKey[]).map((key) => {
      const design: TableDefinition = chatTables[key];
      const keys = [design.partitionKey, design.sortKey, ...(design.globalSecondaryIndexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])];
      const attributes = new Map(keys.filter((k): k is KeyAttribute => k !== undefined).map((k) => [k.name, k.type]));
      const table = new DynamodbTable(this, key, {
        name: props.names[key],
        billingMode: 'PAY_PER_REQUEST',
        hashKey: design.partitionKey.name,
        rangeKey: design.sortKey?.name,
        attribute: [...attributes].map(([name, type]) => ({ name, type })),
        globalSecondaryIndex: design.globalSecondaryIndexes?.map((index) => ({
          name: index.name,
          hashKey: index.partitionKey.name,
          rangeKey: index.sortKey?.name,
          projectionType: index.projection,
        })),
        ttl: design.ttlAttribute ? { attributeName: design.ttlAttribute, enabled: true } : undefined,
        streamEnabled: design.stream !== undefined,
        streamViewType: design.stream,
        pointInTimeRecovery: { enabled: protection.pointInTimeRecovery },
        deletionProtectionEnabled: protection.deletionProtection,
        serverSideEncryption: { enabled: true },
      });
      return [key, table] as const;
    });
    this.tables = Object.fromEntries(entries) as Record<ChatTableKey, DynamodbTable>;
  }
}
