import type { FastifyReply, FastifyRequest } from 'fastify';
import { isChatError, verifyToken, type Identity, type TokenSettings } from '@relay/chat-core';
import { errorResponse } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
  }
}

/** Bearer-token authentication; the identity is the token's, never the body's or the path's. */
export function authenticate(settings: TokenSettings) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    try {
      request.identity = await verifyToken(token, settings);
    } catch (error) {
      if (!isChatError(error)) throw error;
      return reply.code(401).send(errorResponse(401, error.message, String(request.id)));
    }
  };
}
