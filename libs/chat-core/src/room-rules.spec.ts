import fc from 'fast-check';
import { artistRoom, broadcastRoomOwner, mayPost } from './room-rules';

const artist = (userId: string) => ({ userId, roles: ['artist'] });

describe('room rules', () => {
  it('lets only the owning artist post into an artist room', () => {
    expect(mayPost(artist('b'), artistRoom('b'))).toBe(true);
    expect(mayPost(artist('a'), artistRoom('b'))).toBe(false); // another artist
    expect(mayPost({ userId: 'b' }, artistRoom('b'))).toBe(false); // the id without the role
    expect(mayPost({ userId: 'fan' }, artistRoom('b'))).toBe(false);
  });

  it('reserves the prefix in any case, so a look-alike room cannot pose as an artist room', () => {
    expect(broadcastRoomOwner('Artist-b')).toBe('b');
    expect(mayPost(artist('b'), 'Artist-b')).toBe(false);
    expect(mayPost({ userId: 'fan' }, 'ARTIST-b')).toBe(false);
  });

  it('leaves every other room open to its members', () => {
    expect(mayPost({ userId: 'fan' }, 'lobby')).toBe(true);
    expect(mayPost({ userId: 'fan' }, 'artists-lounge')).toBe(true);
  });

  it('never lets anyone but the owner post into an artist room (generated identities and rooms)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 20 }), fc.subarray(['artist', 'admin', 'fan']), (owner, userId, roles) => {
        fc.pre(userId !== owner);
        expect(mayPost({ userId, roles }, artistRoom(owner))).toBe(false);
        expect(mayPost({ userId: owner, roles }, artistRoom(owner))).toBe(roles.includes('artist'));
      }),
    );
  });
});
