import type { ConnectionRecord } from '@relay/chat-store';
import type { HandlerDeps } from './deps';

/**
 * Memberships first: a connection row without memberships is harmless, the reverse wastes
 * fan-out. Answers the rooms it left and the connection row it deleted (if there was one).
 */
export async function removeConnection(deps: HandlerDeps, connectionId: string): Promise<{ rooms: string[]; connection?: ConnectionRecord }> {
  const rooms = await deps.stores.memberships.removeConnection(connectionId);
  const connection = await deps.stores.connections.delete(connectionId);
  return connection ? { rooms, connection } : { rooms };
}
