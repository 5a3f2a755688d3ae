/**
 * Who may post where. A room named `artist-<id>` is that artist's broadcast room: only the
 * artist (role `artist`, token subject `<id>`) posts there, over REST or WebSocket; followers
 * join, read history and receive. Every other room is open chat for its members.
 * The prefix is matched without regard to case, so `Artist-b` cannot pose as b's room.
 */
export const ARTIST_ROOM_PREFIX = 'artist-';
export const ARTIST_ROLE = 'artist';

export interface Poster {
  userId: string;
  roles?: readonly string[];
}

/** The broadcast room of an artist. */
export function artistRoom(artistId: string): string {
  return `${ARTIST_ROOM_PREFIX}${artistId}`;
}

/** The artist a broadcast room belongs to, or undefined for an open room. */
export function broadcastRoomOwner(roomId: string): string | undefined {
  return roomId.slice(0, ARTIST_ROOM_PREFIX.length).toLowerCase() === ARTIST_ROOM_PREFIX ? roomId.slice(ARTIST_ROOM_PREFIX.length) : undefined;
}

export function isArtist(poster: Poster, artistId: string): boolean {
  return poster.userId === artistId && (poster.roles ?? []).includes(ARTIST_ROLE);
}

/** Whether this identity may post into the room. */
export function mayPost(poster: Poster, roomId: string): boolean {
  const owner = broadcastRoomOwner(roomId);
  return owner === undefined || (roomId === artistRoom(owner) && isArtist(poster, owner));
}
