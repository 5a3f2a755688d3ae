import type { HandlerDeps } from './deps';
import type { WebSocketHandler } from './events';
import { removeConnection } from './cleanup';

/** $disconnect is best effort on AWS; TTL and 410 handling in delivery cover what it misses. */
export function createDisconnectHandler(deps: HandlerDeps): WebSocketHandler {
  return async (event) => {
    const connectionId = event.requestContext.connectionId;
    try {
      const rooms = await removeConnection(deps, connectionId);
      deps.logger.info('disconnected', { connectionId, rooms: rooms.length });
    } catch (error) {
      deps.logger.error('disconnect cleanup failed; TTL will reap the rows', error as Error);
    }
    return { statusCode: 200 };
  };
}
