import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * Sockets one client may hold to DynamoDB. A call waits for a free one inside the SDK's
 * connection timeout (its timer starts before a socket is assigned), so this must exceed
 * the calls a process runs at once: one invocation's few on Lambda, the local host's
 * per-function concurrency times the calls each makes (DEFAULT_FUNCTION_CONCURRENCY in the local runtime).
 */
export const DYNAMO_MAX_SOCKETS = 64;

export interface DynamoClientOptions {
  region?: string;
  /** Set only for the local emulator; on AWS the SDK resolves the regional endpoint. */
  endpoint?: string;
  /** Tests: the pool and the connection timeout (defaults DYNAMO_MAX_SOCKETS and 3,000 ms). */
  maxSockets?: number;
  connectionTimeoutMs?: number;
}

export function createDocumentClient(options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    // A stalled DynamoDB fails a call in seconds (then the SDK retries), never hangs a handler;
    // generous enough for a loaded 2-core machine running the local emulator.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: 5000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets ?? DYNAMO_MAX_SOCKETS }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets ?? DYNAMO_MAX_SOCKETS }),
    }),
    // Standard mode retries a timed-out connection (a transient error) up to twice more.
    maxAttempts: 3,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
