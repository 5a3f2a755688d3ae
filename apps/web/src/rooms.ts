/** The chat's room rules, as the server applies them (chat-core's frames and room-rules). */
export const ROOM_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
export const ROOM_RULE = 'a room name is 1-128 letters, digits, _ . : or -';
const ARTIST_ROOM_PREFIX = 'artist-';

/** The artist who owns a broadcast room, or undefined for an open room. */
export function artistOf(roomId: string): string | undefined {
  return roomId.slice(0, ARTIST_ROOM_PREFIX.length).toLowerCase() === ARTIST_ROOM_PREFIX ? roomId.slice(ARTIST_ROOM_PREFIX.length) : undefined;
}
