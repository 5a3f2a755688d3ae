import { Construct } from 'constructs';
import { DynamodbTable, type DynamodbTableConfig } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { Environment } from '@relay/platform-config';

/** A table design as the libraries declare it (structurally the same as chat-store's). */
export interface TableDesign {
  partitionKey: { name: string; type: 'S' | 'N' };
  sortKey?: { name: string; type: 'S' | 'N' };
  ttlAttribute?: string;
  stream?: 'NEW_IMAGE';
  globalSecondaryIndexes?: readonly {
    name: string;
    partitionKey: { name: string; type: 'S' | 'N' };
    sortKey?: { name: string; type: 'S' | 'N' };
    projection: 'KEYS_ONLY' | 'ALL';
  }[];
}

/** DynamoDB config for a design: on-demand, encrypted, TTL and streams as designed, prod protected. */
export function designedTableConfig(design: TableDesign, name: string, env: Environment): DynamodbTableConfig {
  const keys = [design.partitionKey, design.sortKey, ...(design.globalSecondaryIndexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])];
  const attributes = new Map(keys.filter((k) => k !== undefined).map((k) => [k.name, k.type]));
  return {
    name,
    billingMode: 'PAY_PER_REQUEST',
    hashKey: design.partitionKey.name,
    rangeKey: design.sortKey?.name,
    attribute: [...attributes].map(([attributeName, type]) => ({ name: attributeName, type })),
    globalSecondaryIndex: design.globalSecondaryIndexes?.map((index) => ({
      name: index.name,
      hashKey: index.partitionKey.name,
      rangeKey: index.sortKey?.name,
      projectionType: index.projection,
    })),
    ttl: design.ttlAttribute ? { attributeName: design.ttlAttribute, enabled: true } : undefined,
    streamEnabled: design.stream !== undefined,
    streamViewType: design.stream,
    pointInTimeRecovery: { enabled: env.protection.pointInTimeRecovery },
    deletionProtectionEnabled: env.protection.deletionProtection,
    serverSideEncryption: { enabled: true },
  };
}

/** One table from a design. */
export class DesignedTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: { design: TableDesign; name: string; env: Environment }) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', designedTableConfig(props.design, props.name, props.env));
  }
}
