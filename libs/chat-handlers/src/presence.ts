import { broadcastRoomOwner } from '@relay/chat-core';
import type { HandlerDeps } from './deps';
import { forEachBounded } from './pool';

/**
 * Open rooms up to this size get presence pushed on every join, leave and disconnect (at most
 * this many posts per change, about 1,250 to fill a room). Larger rooms, and every artist's
 * broadcast room (an audience, not a conversation), would turn each arrival into a fan-out to
 * everyone, so there clients refresh the list slowly instead.
 */
export const PRESENCE_PUSH_LIMIT = 50;
const PRESENCE_POST_CONCURRENCY = 16;

export interface PresenceChange {
  roomId: string;
  userId: string;
  name: string;
  online: boolean;
  /** The connection that caused the change: it knows already. */
  connectionId: string;
}

/**
 * Tells the other members of a small room that presence changed. Best effort: a failed post is
 * logged and dropped (the member's next refresh corrects the list), and it never fails the
 * route that caused it.
 */
export async function announcePresence(deps: HandlerDeps, change: PresenceChange): Promise<void> {
  const poster = deps.poster;
  if (!poster || broadcastRoomOwner(change.roomId) !== undefined) return;
  try {
    const pages = deps.stores.memberships.connectionIdPages(change.roomId, PRESENCE_PUSH_LIMIT + 1);
    const { value } = await pages.next();
    const first: string[] = value ?? [];
    if (first.length > PRESENCE_PUSH_LIMIT) return;
    const frame = JSON.stringify({ type: 'presence', roomId: change.roomId, userId: change.userId, name: change.name, online: change.online });
    const others = first.filter((id) => id !== change.connectionId);
    await forEachBounded(others, PRESENCE_POST_CONCURRENCY, (id) =>
      poster.post(id, frame).catch((error: unknown) => deps.logger.debug('presence post failed', { connectionId: id, error: String(error) })),
    );
  } catch (error) {
    deps.logger.warn('presence announcement skipped', { roomId: change.roomId, error: String(error) });
  }
}
