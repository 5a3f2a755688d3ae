import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** API Gateway's connection ids: 16 base64 characters; may contain '+', '/' and '='. */
export function newConnectionId(): string {
  return randomBytes(10).toString('base64');
}

export interface EventContext {
  connectionId: string;
  connectedAt: number;
  domainName: string;
  stage: string;
  sourceIp: string;
  userAgent?: string;
}

function requestContext(ctx: EventContext, routeKey: string, eventType: string, extra: Record<string, unknown> = {}) {
  const now = new Date();
  return {
    routeKey,
    eventType,
    extendedRequestId: randomUUID(),
    requestId: randomUUID(),
    requestTime: now.toUTCString(),
    requestTimeEpoch: now.getTime(),
    messageDirection: 'IN',
    stage: ctx.stage,
    connectedAt: ctx.connectedAt,
    identity: { sourceIp: ctx.sourceIp, userAgent: ctx.userAgent },
    domainName: ctx.domainName,
    connectionId: ctx.connectionId,
    apiId: 'local',
    ...extra,
  };
}

/** The $connect event, or undefined when the request target is not a URL path (answered 400). */
export function connectEvent(ctx: EventContext, req: IncomingMessage) {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://local');
  } catch {
    return undefined;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : undefined,
    requestContext: requestContext(ctx, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  };
}

export function messageEvent(ctx: EventContext, routeKey: string, body: string, isBase64Encoded: boolean) {
  return {
    body,
    isBase64Encoded,
    requestContext: requestContext(ctx, routeKey, 'MESSAGE', { messageId: randomBytes(10).toString('base64') }),
  };
}

export function disconnectEvent(ctx: EventContext, code: number, reason: string) {
  return {
    headers: {},
    isBase64Encoded: false,
    requestContext: requestContext(ctx, '$disconnect', 'DISCONNECT', {
      disconnectStatusCode: code,
      disconnectReason: reason,
    }),
  };
}

/** API Gateway's route selection on `$request.body.action`; anything else goes to $default. */
export function selectRoute(body: string, routes: ReadonlySet<string>): string {
  try {
    const action = (JSON.parse(body) as { action?: unknown })?.action;
    if (typeof action === 'string' && routes.has(action)) return action;
  } catch {
    // not JSON: $default answers with a malformed_frame error
  }
  return '$default';
}
