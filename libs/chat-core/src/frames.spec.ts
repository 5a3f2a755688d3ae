import { ChatError } from './errors';
import { parseFrameJson, parseRequest, requestIdOf, sendRequestSchema, historyRequestSchema } from './frames';

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

  it('refuses a body with a lone surrogate (a split emoji) instead of storing broken text', () => {
    const split = '\u{1F600}'.slice(0, 1);
    expect(() => parseRequest(sendRequestSchema, { action: 'send', roomId: 'r', clientMessageId: 'c', body: `a${split}` })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(parseRequest(sendRequestSchema, { action: 'send', roomId: 'r', clientMessageId: 'c', body: '\u{1F600}' }).body).toBe('\u{1F600}');
  });

  it('echoes only a sane requestId', () => {
    expect(requestIdOf({ requestId: 'abc' })).toBe('abc');
    expect(requestIdOf({ requestId: 'x'.repeat(500) })).toBeUndefined();
    expect(requestIdOf('string')).toBeUndefined();
  });
});
