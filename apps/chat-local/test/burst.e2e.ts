import { ChatClient, startLocalRuntime, type Frame, type LocalRuntime } from '@relay/serverless-emulator';

jest.setTimeout(120_000);

/**
 * One socket's burst must meet its own limit, never the shared pools: the others in the same
 * window all succeed, and the burst gets acks or rate_limited, never internal_error.
 */
let runtime: LocalRuntime;
const clients: ChatClient[] = [];
const errors: string[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({ onError: (message, error) => errors.push(`${message}: ${String(error)}`) });
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await runtime?.stop();
});

async function joined(userId: string, roomId: string): Promise<ChatClient> {
  const client = await ChatClient.connect(runtime.wsUrl, await runtime.issueToken(userId, userId));
  clients.push(client);
  expect(await client.request({ action: 'join', roomId }, 30_000)).toMatchObject({ type: 'ack' });
  return client;
}

const BURST = 2_000;
const OTHERS = 40;

it('a 2,000-frame burst on one socket gets acks or rate_limited, and 40 other users sending at once all succeed', async () => {
  const burster = await joined('burster', 'burst-room');
  const others: ChatClient[] = [];
  for (let i = 0; i < OTHERS; i++) others.push(await joined(`other-${i}`, `quiet-room-${i % 4}`));

  // Every frame of the burst leaves at once: sends and history reads interleaved.
  for (let i = 0; i < BURST; i++) {
    const frame =
      i % 2 === 0
        ? { action: 'send', roomId: 'burst-room', clientMessageId: `b${i}`, body: `burst ${i}`, requestId: `b${i}` }
        : { action: 'history', roomId: 'burst-room', requestId: `b${i}` };
    burster.sendRaw(JSON.stringify(frame));
  }
  const othersDone = others.map((client, i) =>
    client.request({ action: 'send', roomId: `quiet-room-${i % 4}`, clientMessageId: `o${i}`, body: `from ${i}` }, 60_000),
  );
  const otherReplies = await Promise.all(othersDone);
  expect(otherReplies.filter((reply) => reply.type !== 'ack')).toEqual([]);

  const replies: Frame[] = [];
  for (let i = 0; i < BURST; i++) replies.push(await burster.next((f) => f['requestId'] === `b${i}`, 60_000));
  const kinds = new Map<string, number>();
  for (const reply of replies) {
    const kind = reply.type === 'error' ? `error:${String(reply['code'])}` : String(reply.type);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  expect([...kinds.keys()].filter((k) => k !== 'ack' && k !== 'history' && k !== 'error:rate_limited')).toEqual([]);
  // The limit is a limit: most of the burst is refused, and some of it still gets through.
  expect(kinds.get('error:rate_limited') ?? 0).toBeGreaterThan(BURST / 2);
  expect(kinds.get('ack') ?? 0).toBeGreaterThan(0);
  const refused = replies.find((r) => r['code'] === 'rate_limited');
  expect(refused).toMatchObject({ type: 'error', code: 'rate_limited' });
  expect(Number((refused?.['details'] as { retryAfterMs?: number } | undefined)?.retryAfterMs)).toBeGreaterThan(0);

  // Nothing acknowledged is lost: every acked send is in the room's history.
  await runtime.settle();
  const acked = new Set(replies.filter((r) => r.type === 'ack').map((r) => Number(r['seq'])));
  expect(acked.size).toBe(replies.filter((r) => r.type === 'ack').length);
  expect(errors.filter((e) => /internal|timed out|TimeoutError/i.test(e))).toEqual([]);
});
