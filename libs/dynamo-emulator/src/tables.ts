import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Creates tables on an emulator endpoint; an existing table of the same name is kept. */
export async function createTables(endpoint: string, inputs: CreateTableCommandInput[]): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const input of inputs) {
      try {
        await client.send(new CreateTableCommand(input));
      } catch (error) {
        if ((error as Error).name !== 'ResourceInUseException') throw error;
      }
    }
  } finally {
    client.destroy();
  }
}
