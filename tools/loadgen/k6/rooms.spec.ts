import path from 'node:path';
import { artistRoom, broadcastRoomOwner, mayPost } from '@relay/chat-core';
import { workspaceRoot } from '@relay/k6-process';

// The k6 scripts' copy of the room naming (they cannot import workspace libraries), loaded by
// path: the scenarios meet the chat's rules here, where they are run against it.
const k6Rooms = require(path.join(workspaceRoot, 'loadtests/src/lib/rooms.ts')) as { artistRoom(artistId: string): string };

describe("the load tests' artist room", () => {
  it('is the broadcast room the chat rules give the artist: only that artist posts, followers only receive', () => {
    const room = k6Rooms.artistRoom('lt-123-artist');
    expect(room).toBe(artistRoom('lt-123-artist'));
    expect(broadcastRoomOwner(room)).toBe('lt-123-artist');
    expect(mayPost({ userId: 'lt-123-artist', roles: ['artist'] }, room)).toBe(true);
    expect(mayPost({ userId: 'lt-123-follower-1' }, room)).toBe(false);
  });
});
