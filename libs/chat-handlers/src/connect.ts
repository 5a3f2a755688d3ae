import { CONNECTION_TTL_SECONDS, isChatError, verifyToken } from '@relay/chat-core';
import { epochSeconds } from '@relay/chat-store';
import type { ConnectDeps } from './deps';
import { now } from './deps';
import type { WebSocketHandler } from './events';

/**
 * $connect: browsers cannot set headers on a WebSocket, so the token rides in the query string.
 * A non-2xx status makes API Gateway refuse the handshake.
 */
export function createConnectHandler(deps: ConnectDeps): WebSocketHandler {
  return async (event) => {
    const connectionId = event.requestContext.connectionId;
    try {
      const identity = await verifyToken(event.queryStringParameters?.['token'], await deps.tokenSettings());
      const at = now(deps);
      await deps.stores.connections.put({
        connectionId,
        userId: identity.userId,
        name: identity.name,
        ...(identity.roles ? { roles: identity.roles } : {}),
        connectedAt: at.toISOString(),
        expiresAt: epochSeconds(at) + CONNECTION_TTL_SECONDS,
      });
      deps.logger.info('connected', { connectionId, userId: identity.userId });
      return { statusCode: 200 };
    } catch (error) {
      if (isChatError(error)) {
        deps.logger.info('connection refused', { connectionId, reason: error.message });
        return { statusCode: error.status, body: JSON.stringify({ code: error.code, message: error.message }) };
      }
      deps.logger.error('connect failed', error as Error);
      return { statusCode: 500 };
    }
  };
}
