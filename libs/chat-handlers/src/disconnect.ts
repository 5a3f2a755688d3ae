import type { HandlerDeps } from './deps';
import type { WebSocketHandler } from './events';
import { removeConnection } from './cleanup';
import { announcePresence } from './presence';

/** $disconnect is best effort on AWS; TTL and 410 handling in delivery cover what it misses. */
export function createDisconnectHandler(deps: HandlerDeps): WebSocketHandler {
  return async (event) => {
    const connectionId = event.requestContext.connectionId;
    try {
      const { rooms, connection } = await removeConnection(deps, connectionId);
      deps.logger.info('disconnected', { connectionId, rooms: rooms.length });
      if (connection) {
        for (const roomId of rooms) {
          await announcePresence(deps, { roomId, userId: connection.userId, name: connection.name, online: false, connectionId });
        }
      }
    } catch (error) {
      deps.logger.error('disconnect cleanup failed; TTL will reap the rows', error as Error);
    }
    return { statusCode: 200 };
  };
}
