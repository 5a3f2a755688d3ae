import { Logger } from '@aws-lambda-powertools/logger';
import { KeyedTokenBuckets } from '@relay/chat-core';
import * as z from 'zod/mini';
import type { HandlerDeps } from './deps';
import type { WebSocketEvent } from './events';
import { wsRoute } from './route';

const event = (connectionId: string, body: string) =>
  ({ body, isBase64Encoded: false, requestContext: { connectionId, routeKey: 'ping', requestId: 'r' } }) as unknown as WebSocketEvent;

describe('wsRoute per-connection frame limit', () => {
  let now = 0;
  const clock = () => now;
  let runs = 0;
  const schema = z.object({ action: z.literal('ping'), requestId: z.optional(z.string()) });
  const handler = wsRoute(
    { logger: new Logger({ logLevel: 'SILENT' }), connectionLimit: new KeyedTokenBuckets(10, 20, 100, clock) } as unknown as HandlerDeps,
    schema,
    async () => {
      runs++;
      return { type: 'ack', action: 'ping' } as never;
    },
  );
  const frame = (requestId: string) => JSON.stringify({ action: 'ping', requestId });
  const replyOf = async (connectionId: string, requestId: string) =>
    JSON.parse(String((await handler(event(connectionId, frame(requestId))))?.body)) as Record<string, unknown>;

  it('admits the burst, then refuses with rate_limited, the requestId and when to retry, before the route runs', async () => {
    for (let i = 0; i < 20; i++) expect(await replyOf('c1', `a${i}`)).toMatchObject({ type: 'ack' });
    expect(runs).toBe(20);
    expect(await replyOf('c1', 'over')).toEqual({
      type: 'error',
      code: 'rate_limited',
      requestId: 'over',
      message: expect.stringContaining('retry in 100 ms'),
      details: { retryAfterMs: 100 },
    });
    expect(runs).toBe(20);
    // Another connection has its own bucket.
    expect(await replyOf('c2', 'b0')).toMatchObject({ type: 'ack' });
    // The bucket refills at the rate: one frame per 100 ms.
    now += 100;
    expect(await replyOf('c1', 'later')).toMatchObject({ type: 'ack' });
    expect(await replyOf('c1', 'again')).toMatchObject({ code: 'rate_limited' });
  });

  it('does not log refusals at INFO: a flood of them must not become a flood of billed log lines', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const logged = wsRoute(
        { logger: new Logger({ logLevel: 'INFO' }), connectionLimit: new KeyedTokenBuckets(1, 1, 10, clock) } as unknown as HandlerDeps,
        schema,
        async () => ({ type: 'ack', action: 'ping' }) as never,
      );
      await logged(event('c9', frame('one')));
      for (let i = 0; i < 50; i++) await logged(event('c9', frame(`flood-${i}`)));
      // A refusal of another kind is still logged at INFO.
      await logged(event('c8', '{'));
    } finally {
      spy.mockRestore();
    }
    expect(written.filter((line) => line.includes('rate_limited'))).toEqual([]);
    expect(written.filter((line) => line.includes('malformed_frame'))).toHaveLength(1);
  });

  it('keeps at most maxKeys buckets, forgetting refilled ones first', () => {
    const buckets = new KeyedTokenBuckets(10, 2, 4, clock);
    for (let i = 0; i < 50; i++) buckets.take(`k${i}`);
    expect(buckets.size).toBeLessThanOrEqual(4);
    // A key still draining is remembered while refilled ones are forgotten: evicting it would
    // hand a flooding connection a fresh burst.
    const held = new KeyedTokenBuckets(10, 2, 3, clock);
    held.take('a');
    held.take('b');
    now += 1000;
    expect(held.take('hot').ok).toBe(true);
    expect(held.take('hot').ok).toBe(true);
    held.take('c');
    expect(held.size).toBe(2);
    expect(held.take('hot').ok).toBe(false);
  });
});
