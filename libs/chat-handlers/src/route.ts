import {
  ChatError,
  CONNECTION_FRAME_LIMIT,
  KeyedTokenBuckets,
  MAX_PAYLOAD_BYTES,
  parseFrameJson,
  parseRequest,
  requestIdOf,
  utf8Bytes,
  type ServerFrame,
} from '@relay/chat-core';
import type * as z from 'zod/mini';
import type { WebSocketEvent, WebSocketHandler } from './events';
import { now, type HandlerDeps } from './deps';
import { errorReply, reply } from './replies';

export interface RouteContext {
  connectionId: string;
  now: Date;
}

/**
 * Wraps one WebSocket route: size check, JSON parse, schema validation, then the route's work.
 * Every outcome becomes a frame for the caller; nothing escapes to crash the invocation.
 */
export function wsRoute<S extends z.ZodMiniType>(
  deps: HandlerDeps,
  schema: S,
  run: (ctx: RouteContext, request: z.infer<S>) => Promise<ServerFrame>,
): WebSocketHandler {
  const limit = deps.connectionLimit ?? new KeyedTokenBuckets(CONNECTION_FRAME_LIMIT.ratePerSecond, CONNECTION_FRAME_LIMIT.burst);
  return async (event: WebSocketEvent) => {
    let frame: unknown;
    try {
      // First, before any parse or database call: a refused frame costs next to nothing.
      const admitted = limit.take(event.requestContext.connectionId);
      if (!admitted.ok) {
        frame = parseFrameJsonQuietly(event.body);
        throw new ChatError('rate_limited', `this connection is sending too fast; retry in ${admitted.retryAfterMs} ms`, {
          retryAfterMs: admitted.retryAfterMs,
        });
      }
      if (event.body && utf8Bytes(event.body) > MAX_PAYLOAD_BYTES) {
        throw new ChatError('payload_too_large', `payload exceeds ${MAX_PAYLOAD_BYTES} bytes`);
      }
      frame = parseFrameJson(event.body);
      const request = parseRequest(schema, frame);
      return reply(await run({ connectionId: event.requestContext.connectionId, now: now(deps) }, request));
    } catch (error) {
      return errorReply(deps.logger, error, requestIdOf(frame));
    }
  };
}

/** The frame, so a refusal can echo its requestId; undefined when it is oversized or not JSON. */
function parseFrameJsonQuietly(body: string | undefined): unknown {
  if (!body || utf8Bytes(body) > MAX_PAYLOAD_BYTES) return undefined;
  try {
    return parseFrameJson(body);
  } catch {
    return undefined;
  }
}
