// Plain data, no k6 API: tools/loadgen/k6/rooms.spec.ts loads it beside @relay/chat-core's rules.

/**
 * An artist's broadcast room, named as @relay/chat-core's room rules name it (artistRoom). k6
 * scripts load no workspace libraries, so the prefix is spelled here and a spec holds the two
 * together. Only the artist posts there, and presence is not pushed to an audience.
 */
export const ARTIST_ROOM_PREFIX = 'artist-';

export function artistRoom(artistId: string): string {
  return `${ARTIST_ROOM_PREFIX}${artistId}`;
}
