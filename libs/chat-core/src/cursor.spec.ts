import fc from 'fast-check';
import { CursorCodec } from './cursor';
import { ChatError } from './errors';

const codec = new CursorCodec('k'.repeat(40));
const key = { roomId: 'r1', connectionId: 'Abc+/def=ghijk12' };

function rejectsAsInvalid(run: () => unknown): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ChatError);
  expect(caught).toMatchObject({ code: 'invalid_request', status: 400 });
}

describe('CursorCodec', () => {
  it('round-trips a key for the same kind and partition, and null at the end', () => {
    const cursor = codec.encode('members', 'r1', key)!;
    expect(codec.decode('members', 'r1', 'roomId', cursor)).toEqual(key);
    expect(codec.decode('members', 'r1', 'roomId', undefined)).toBeUndefined();
    expect(codec.encode('members', 'r1', undefined)).toBeNull();
  });

  it('is opaque: the key, the connection id and the room are not readable in it', () => {
    const cursor = codec.encode('members', 'r1', key)!;
    const bytes = Buffer.from(cursor, 'base64url').toString('latin1');
    for (const secret of ['Abc+/def', 'connectionId', 'r1']) expect(bytes).not.toContain(secret);
    expect(cursor).not.toContain(Buffer.from(JSON.stringify(key)).toString('base64url').slice(0, 12));
  });

  it('is bound to its kind and partition', () => {
    const cursor = codec.encode('history', 'r1', { roomId: 'r1', seq: 9 })!;
    rejectsAsInvalid(() => codec.decode('history', 'r2', 'roomId', cursor));
    rejectsAsInvalid(() => codec.decode('members', 'r1', 'roomId', cursor));
    rejectsAsInvalid(() => codec.decode('followers', 'r1', 'artistId', cursor));
  });

  it('refuses cursors sealed under another key', () => {
    const other = new CursorCodec('o'.repeat(40)).encode('history', 'r1', { roomId: 'r1', seq: 9 })!;
    rejectsAsInvalid(() => codec.decode('history', 'r1', 'roomId', other));
  });

  it('refuses the old unsealed form (raw DynamoDB keys in base64)', () => {
    const legacy = Buffer.from(JSON.stringify({ roomId: 'r1', seq: 1 })).toString('base64url');
    rejectsAsInvalid(() => codec.decode('history', 'r1', 'roomId', legacy));
  });

  it('refuses every single-bit change of a valid cursor', () => {
    const raw = Buffer.from(codec.encode('history', 'r1', { roomId: 'r1', seq: 12345 })!, 'base64url');
    fc.assert(
      fc.property(fc.nat({ max: raw.length * 8 - 1 }), (bit) => {
        const flipped = Buffer.from(raw);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        rejectsAsInvalid(() => codec.decode('history', 'r1', 'roomId', flipped.toString('base64url')));
      }),
    );
  });

  it('answers any string, random or cursor-like, with a value or invalid_request, never another error', () => {
    const valid = codec.encode('history', 'r1', { roomId: 'r1', seq: 3 })!;
    const candidates = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.base64String({ maxLength: 400 }).map((s) => s.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_')),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64url')),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([1]), Buffer.from(b)]).toString('base64url')),
      fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
      fc.string({ maxLength: 20 }).map((suffix) => valid + suffix),
    );
    fc.assert(
      fc.property(candidates, (cursor) => {
        try {
          const decoded = codec.decode('history', 'r1', 'roomId', cursor);
          expect(decoded).toEqual({ roomId: 'r1', seq: 3 }); // only the real cursor opens
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_request' });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a secret too short to be a key', () => {
    expect(() => new CursorCodec('short')).toThrow('at least 32 bytes');
  });
});
