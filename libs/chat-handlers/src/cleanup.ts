import type { HandlerDeps } from './deps';

/** Memberships first: a connection row without memberships is harmless, the reverse wastes fan-out. */
export async function removeConnection(deps: HandlerDeps, connectionId: string): Promise<string[]> {
  const rooms = await deps.stores.memberships.removeConnection(connectionId);
  await deps.stores.connections.delete(connectionId);
  return rooms;
}
