import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * Handler shapes as Lambda invokes them. Declared here by shape, not imported from the handler
 * library, because the runtime loads handler modules by file like Lambda does.
 */
export interface WsResult {
  statusCode?: number;
  body?: string;
}
export type WsLambda = (event: Record<string, unknown>) => Promise<WsResult | undefined | void>;
export type StreamLambda = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined | void>;
