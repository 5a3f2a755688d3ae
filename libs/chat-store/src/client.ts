import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface DynamoClientOptions {
  region?: string;
  /** Set only for the local emulator; on AWS the SDK resolves the regional endpoint. */
  endpoint?: string;
}

export function createDocumentClient(options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    // A stalled DynamoDB fails a call in seconds (then the SDK retries), never hangs a handler;
    // generous enough for a loaded 2-core machine running the local emulator.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 5000 }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
