import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ConnectionRecord {
  connectionId: string;
  userId: string;
  name: string;
  /** The token's roles (e.g. artist), copied into memberships so room rules need no extra read. */
  roles?: string[];
  connectedAt: string;
  /** Epoch seconds; DynamoDB TTL reaps rows whose $disconnect never ran. */
  expiresAt: number;
}

export class ConnectionsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(connection: ConnectionRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: connection }));
  }

  async get(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { connectionId }, ConsistentRead: true }));
    return Item as ConnectionRecord | undefined;
  }

  /** Deletes the row and answers what it held (undefined if there was none): one call, not a read and a delete. */
  async delete(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Attributes } = await this.db.send(new DeleteCommand({ TableName: this.table, Key: { connectionId }, ReturnValues: 'ALL_OLD' }));
    return Attributes as ConnectionRecord | undefined;
  }
}
