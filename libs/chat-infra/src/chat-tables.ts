import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { designedTableConfig } from '@relay/infra-constructs';
import type { Environment } from '@relay/platform-config';
import { chatTables, type ChatTableKey, type ChatTableNames } from '@relay/runtime-contract';

/** The chat tables from the one design in chat-store: on-demand, TTL, streams, prod protection. */
export class ChatTables extends Construct {
  readonly tables: Record<ChatTableKey, DynamodbTable>;

  constructor(scope: Construct, id: string, props: { env: Environment; names: ChatTableNames }) {
    super(scope, id);
    const keys = Object.keys(chatTables) as ChatTableKey[];
    this.tables = Object.fromEntries(
      keys.map((key) => [key, new DynamodbTable(this, key, designedTableConfig(chatTables[key], props.names[key], props.env))]),
    ) as Record<ChatTableKey, DynamodbTable>;
  }
}
