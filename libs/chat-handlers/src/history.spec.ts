import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CursorCodec, KeyedTokenBuckets } from '@relay/chat-core';
import { createChatStores, createDocumentClient, createTableInputs, type ChatStores } from '@relay/chat-store';
import { chatTableNames } from '@relay/runtime-contract';
import { createTables, DynamoStreamTap, startDynalite, type RunningDynalite, type RunningServer } from '@relay/dynamo-emulator';
import type { WebSocketEvent } from './events';
import { NewestPageCache } from './newest-page-cache';
import { createHistoryHandler } from './rooms';

/**
 * History reads against dynalite, counted at the wire by the stream tap: a gap is filled with
 * only what follows the client's last seq, and the newest page is shared while nothing is posted.
 */
const tables = chatTableNames('history-test');
let dynamo: RunningDynalite;
let tap: DynamoStreamTap;
let tapServer: RunningServer;
let db: DynamoDBDocumentClient;
let stores: ChatStores;
let history: ReturnType<typeof createHistoryHandler>;
const cache = new NewestPageCache(4);

const event = (body: Record<string, unknown>) =>
  ({
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { connectionId: 'c1', routeKey: 'history', requestId: 'r' },
  }) as unknown as WebSocketEvent;
async function read(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await history(event({ action: 'history', ...body }));
  return JSON.parse(String(result?.body)) as Record<string, unknown>;
}
const seqs = (reply: Record<string, unknown>) => (reply['items'] as { seq: number }[]).map((m) => m.seq);

beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  dynamo = await startDynalite();
  tap = new DynamoStreamTap(dynamo.handle, []);
  tapServer = await tap.listen();
  await createTables(tapServer.url, createTableInputs(tables));
  db = createDocumentClient({ endpoint: tapServer.url, region: 'us-east-1' });
  stores = createChatStores(db, tables);
  history = createHistoryHandler({
    stores,
    logger: new Logger({ logLevel: 'SILENT' }),
    cursors: async () => new CursorCodec('h'.repeat(40)),
    connectionLimit: new KeyedTokenBuckets(1e9, 1e9),
    newestPages: cache,
  });
  for (const roomId of ['gap-room', 'busy-room']) {
    await stores.memberships.join({ roomId, connectionId: 'c1', userId: 'u1', name: 'U', joinedAt: new Date().toISOString(), expiresAt: 2e9 });
  }
  for (let i = 1; i <= 12; i++) {
    await stores.messages.append({ roomId: 'gap-room', senderId: 'u1', senderName: 'U', clientMessageId: `m${i}`, body: `b${i}` });
  }
});

afterAll(async () => {
  db.destroy();
  await tapServer.close();
  await dynamo.close();
});

describe('history after a seq', () => {
  it('answers only the messages after it, oldest first, a page at a time', async () => {
    expect(seqs(await read({ roomId: 'gap-room', after: 9 }))).toEqual([10, 11, 12]);
    const first = await read({ roomId: 'gap-room', after: 2, limit: 4 });
    expect(seqs(first)).toEqual([3, 4, 5, 6]);
    expect(first['cursor']).toBeNull();
    expect(seqs(await read({ roomId: 'gap-room', after: 6, limit: 4 }))).toEqual([7, 8, 9, 10]);
    expect(seqs(await read({ roomId: 'gap-room', after: 12 }))).toEqual([]);
  });

  it('refuses after together with a cursor, and a negative or fractional after', async () => {
    const page = await read({ roomId: 'gap-room', limit: 2 });
    expect(await read({ roomId: 'gap-room', after: 3, cursor: page['cursor'] })).toMatchObject({ type: 'error', code: 'invalid_request' });
    expect(await read({ roomId: 'gap-room', after: -1 })).toMatchObject({ type: 'error', code: 'invalid_request' });
    expect(await read({ roomId: 'gap-room', after: 1.5 })).toMatchObject({ type: 'error', code: 'invalid_request' });
  });
});

describe('the newest page', () => {
  it('is read once while nothing is posted, and read again as soon as something is', async () => {
    const append = (n: number) => stores.messages.append({ roomId: 'busy-room', senderId: 'u1', senderName: 'U', clientMessageId: `n${n}`, body: `${n}` });
    await append(1);
    await append(2);
    tap.resetCounts();
    const first = await read({ roomId: 'busy-room', limit: 10 });
    expect(seqs(first)).toEqual([2, 1]);
    for (let i = 0; i < 5; i++) expect(seqs(await read({ roomId: 'busy-room', limit: 10 }))).toEqual([2, 1]);
    expect(tap.callCounts()['Query']).toBe(1);
    await append(3);
    expect(seqs(await read({ roomId: 'busy-room', limit: 10 }))).toEqual([3, 2, 1]);
    expect(tap.callCounts()['Query']).toBe(2);
    // Its cursor still pages on into older messages.
    const page = await read({ roomId: 'busy-room', limit: 2 });
    expect(seqs(await read({ roomId: 'busy-room', limit: 2, cursor: page['cursor'] }))).toEqual([1]);
  });

  it('never keeps a page that lacks the seq the counter has handed out (a write still in flight)', () => {
    const local = new NewestPageCache(2);
    const page = { items: [{ seq: 4 }], lastKey: undefined } as never;
    expect(local.offer('r', 10, 5, page)).toBe(false);
    expect(local.get('r', 10, 5)).toBeUndefined();
    expect(local.offer('r', 10, 4, page)).toBe(true);
    expect(local.get('r', 10, 4)).toBe(page);
    local.offer('s', 10, 4, page);
    local.offer('t', 10, 4, page);
    expect(local.size).toBe(2);
    expect(local.get('r', 10, 4)).toBeUndefined();
  });
});
