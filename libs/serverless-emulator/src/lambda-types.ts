import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';

/**
 * Handler shapes as Lambda invokes them. Declared here by shape, not imported from the handler
 * library, because the runtime loads handler modules by file like Lambda does.
 */
export interface WsResult {
  statusCode?: number;
  body?: string;
}
export type WsLambda = (event: Record<string, unknown>) => Promise<WsResult | undefined | void>;
/** Lambda's context, as far as the handlers read it. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export type StreamLambda = (event: DynamoDBStreamEvent, context?: InvocationContext) => Promise<DynamoDBBatchResponse | undefined | void>;

export type QueueLambda = (event: SQSEvent) => Promise<SQSBatchResponse | undefined | void>;
