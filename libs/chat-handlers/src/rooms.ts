import {
  ChatError,
  type ChatMessage,
  historyRequestSchema,
  joinRequestSchema,
  leaveRequestSchema,
  membersRequestSchema,
  type CursorKind,
  type ServerFrame,
} from '@relay/chat-core';
import type * as z from 'zod/mini';
import type { MembershipRecord, Page, PageKey } from '@relay/chat-store';
import type { HandlerDeps, PagingDeps } from './deps';
import { NewestPageCache } from './newest-page-cache';
import type { WebSocketHandler } from './events';
import { announcePresence } from './presence';
import { wsRoute } from './route';

/** The membership row doubles as the caller's identity for room actions: one read does both. */
export async function requireMembership(deps: HandlerDeps, roomId: string, connectionId: string): Promise<MembershipRecord> {
  const membership = await deps.stores.memberships.get(roomId, connectionId);
  if (!membership) throw new ChatError('not_a_member', `join room ${roomId} first`);
  return membership;
}

export function createJoinHandler(deps: HandlerDeps): WebSocketHandler {
  return wsRoute(deps, joinRequestSchema, async ({ connectionId, now }, request) => {
    const connection = await deps.stores.connections.get(connectionId);
    if (!connection) throw new ChatError('unauthorized', 'connection is not registered; reconnect');
    await deps.stores.memberships.join({
      roomId: request.roomId,
      connectionId,
      userId: connection.userId,
      name: connection.name,
      ...(connection.roles?.length ? { roles: connection.roles } : {}),
      joinedAt: now.toISOString(),
      expiresAt: connection.expiresAt,
    });
    await announcePresence(deps, { roomId: request.roomId, userId: connection.userId, name: connection.name, online: true, connectionId });
    // Read after the membership is written: any message numbered later is fanned out to this
    // connection, so a client holding everything up to lastSeq needs no history read at all.
    const lastSeq = await deps.stores.messages.latestSeq(request.roomId);
    return { type: 'ack', action: 'join', requestId: request.requestId, roomId: request.roomId, lastSeq };
  });
}

export function createLeaveHandler(deps: HandlerDeps): WebSocketHandler {
  return wsRoute(deps, leaveRequestSchema, async ({ connectionId }, request) => {
    const membership = await deps.stores.memberships.leave(request.roomId, connectionId);
    if (membership) {
      await announcePresence(deps, { roomId: request.roomId, userId: membership.userId, name: membership.name, online: false, connectionId });
    }
    return { type: 'ack', action: 'leave', requestId: request.requestId, roomId: request.roomId };
  });
}

interface PagedRequest {
  roomId: string;
  limit: number;
  cursor?: string;
  requestId?: string;
}

/**
 * A members-only read of one page inside the room's partition. The cursor is sealed and bound
 * to this kind of read in this room, so paging can never cross into another room or reveal keys.
 */
function roomPageRoute<R extends PagedRequest, T>(
  deps: PagingDeps,
  kind: CursorKind,
  schema: z.ZodMiniType<R>,
  readPage: (roomId: string, limit: number, startKey?: PageKey) => Promise<Page<T>>,
  toFrame: (request: R, items: T[], cursor: string | null) => ServerFrame,
): WebSocketHandler {
  return wsRoute(deps, schema, async ({ connectionId }, request) => {
    await requireMembership(deps, request.roomId, connectionId);
    const cursors = await deps.cursors();
    const page = await readPage(request.roomId, request.limit, cursors.decode(kind, request.roomId, 'roomId', request.cursor));
    return toFrame(request, page.items, cursors.encode(kind, request.roomId, page.lastKey));
  });
}

export function createMembersHandler(deps: PagingDeps): WebSocketHandler {
  return roomPageRoute(
    deps,
    'members',
    membersRequestSchema,
    (roomId, limit, startKey) => deps.stores.memberships.list(roomId, limit, startKey),
    (request, items, cursor) => {
      // One user may be online on several connections; a presence list names each user once per page.
      const seen = new Set<string>();
      const members = items.filter((m) => !seen.has(m.userId) && seen.add(m.userId)).map((m) => ({ userId: m.userId, name: m.name }));
      return { type: 'members', requestId: request.requestId, roomId: request.roomId, members, cursor };
    },
  );
}

/**
 * History: older pages by cursor, the newest page (shared through NewestPageCache while the
 * room's counter has not moved), or only what follows `after`, oldest first: a client filling
 * a gap or catching up after a reconnect reads what it lacks and nothing it holds.
 */
export function createHistoryHandler(deps: PagingDeps & { newestPages?: NewestPageCache }): WebSocketHandler {
  const newestPages = deps.newestPages ?? new NewestPageCache();
  return wsRoute(deps, historyRequestSchema, async ({ connectionId }, request) => {
    const { roomId, limit, requestId } = request;
    if (request.after !== undefined && request.cursor !== undefined) {
      throw new ChatError('invalid_request', 'after and cursor cannot be combined: after is itself the position to read from');
    }
    await requireMembership(deps, roomId, connectionId);
    if (request.after !== undefined) {
      const items = await deps.stores.messages.historyAfter(roomId, request.after, limit);
      return { type: 'history', requestId, roomId, items, cursor: null };
    }
    const cursors = await deps.cursors();
    let page: Page<ChatMessage> | undefined;
    if (request.cursor === undefined) {
      const latest = await deps.stores.messages.latestSeq(roomId);
      page = newestPages.get(roomId, limit, latest);
      if (!page) {
        page = await deps.stores.messages.history(roomId, limit);
        newestPages.offer(roomId, limit, latest, page);
      }
    } else {
      page = await deps.stores.messages.history(roomId, limit, cursors.decode('history', roomId, 'roomId', request.cursor));
    }
    return { type: 'history', requestId, roomId, items: page.items, cursor: cursors.encode('history', roomId, page.lastKey) };
  });
}
