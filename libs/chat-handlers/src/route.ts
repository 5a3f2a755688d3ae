import { ChatError, MAX_PAYLOAD_BYTES, parseFrameJson, parseRequest, requestIdOf, utf8Bytes, type ServerFrame } from '@relay/chat-core';
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
  return async (event: WebSocketEvent) => {
    let frame: unknown;
    try {
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
