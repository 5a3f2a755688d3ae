import { ChatError } from './errors';
import { parseFrameJson, parseRequest, requestIdOf, sendRequestSchema, historyRequestSchema } from './frames';
import { decodeCursor, encodeCursor } from './cursor';

describe('frames', () => {
  it('parses a valid send frame', () => {
    const frame = parseRequest(sendRequestSchema, parseFrameJson('{"action":"send","roomId":"r-1","clientMessageId":"c_1","body":"hi"}'));
    expect(frame).toEqual({ action: 'send', roomId: 'r-1', clientMessageId: 'c_1', body: 'hi' });
  });

  it.each(['', 'nope', '{"a":', undefined])('rejects %p as a malformed frame', (raw) => {
    expect(() => parseFrameJson(raw)).toThrow(expect.objectContaining({ code: 'malformed_frame' }));
  });

  it('lists every invalid field at once', () => {
    let error: ChatError | undefined;
    try {
      parseRequest(sendRequestSchema, { action: 'send', roomId: 'has space', clientMessageId: '', body: '' });
    } catch (e) {
      error = e as ChatError;
    }
    expect(error?.code).toBe('invalid_request');
    expect((error?.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['body', 'clientMessageId', 'roomId']);
  });

  it('defaults and bounds page sizes', () => {
    expect(parseRequest(historyRequestSchema, { action: 'history', roomId: 'r' }).limit).toBe(50);
    expect(() => parseRequest(historyRequestSchema, { action: 'history', roomId: 'r', limit: 1000 })).toThrow(ChatError);
  });

  it('echoes only a sane requestId', () => {
    expect(requestIdOf({ requestId: 'abc' })).toBe('abc');
    expect(requestIdOf({ requestId: 'x'.repeat(500) })).toBeUndefined();
    expect(requestIdOf('string')).toBeUndefined();
  });
});

describe('cursor', () => {
  it('round-trips a key of the same room', () => {
    const cursor = encodeCursor({ roomId: 'r1', seq: 42 });
    expect(decodeCursor(cursor!, 'r1')).toEqual({ roomId: 'r1', seq: 42 });
    expect(encodeCursor(undefined)).toBeNull();
  });

  it('rejects a cursor of another room or a forged one', () => {
    const other = encodeCursor({ roomId: 'secret-room', seq: 1 })!;
    expect(() => decodeCursor(other, 'r1')).toThrow('not valid for this room');
    expect(() => decodeCursor('!!!', 'r1')).toThrow(ChatError);
    const nested = Buffer.from(JSON.stringify({ roomId: 'r1', seq: { N: '1' } })).toString('base64url');
    expect(() => decodeCursor(nested, 'r1')).toThrow(ChatError);
  });
});
