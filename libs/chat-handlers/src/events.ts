import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';

/** The WebSocket event as API Gateway sends it; $connect additionally carries the query string. */
export type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & {
  queryStringParameters?: Record<string, string | undefined> | null;
  headers?: Record<string, string | undefined>;
};

export type WebSocketResult = APIGatewayProxyResultV2 & { statusCode: number; body?: string };

export type WebSocketHandler = (event: WebSocketEvent) => Promise<WebSocketResult>;
