import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { ChatClient, startLocalRuntime, type LocalRuntime } from '@relay/serverless-emulator';
import { createDocumentClient } from '@relay/chat-store';

jest.setTimeout(60_000);

let runtime: LocalRuntime;
const clients: ChatClient[] = [];

async function connect(userId: string): Promise<ChatClient> {
  const client = await ChatClient.connect(runtime.wsUrl, await runtime.issueToken(userId, `User ${userId}`));
  clients.push(client);
  return client;
}

async function joined(userId: string, roomId: string): Promise<ChatClient> {
  const client = await connect(userId);
  expect(await client.request({ action: 'join', roomId })).toMatchObject({ type: 'ack', action: 'join', roomId });
  return client;
}

async function joinedWithRetry(userId: string, roomId: string, attempts = 3): Promise<ChatClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      const client = await ChatClient.connect(runtime.wsUrl, await runtime.issueToken(userId, `User ${userId}`));
      clients.push(client);
      expect(await client.request({ action: 'join', roomId }, 30_000)).toMatchObject({ type: 'ack', action: 'join', roomId });
      return client;
    } catch (error) {
      if (attempt >= attempts || !/ECONNRESET|socket hang up|no matching frame/.test(String(error))) throw error;
    }
  }
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ onError: () => undefined });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await runtime.settle();
});

afterAll(async () => {
  await runtime?.stop();
});

describe('local chat over real WebSockets', () => {
  it('delivers a message to both users in a room, with the sender taken from the token', async () => {
    const alice = await joined('alice', 'room-two-users');
    const bob = await joined('bob', 'room-two-users');

    const ack = await alice.request({
      action: 'send',
      roomId: 'room-two-users',
      clientMessageId: 'hello-1',
      body: 'hi bob',
      senderId: 'mallory', // ignored: identity comes from the token only
    });
    expect(ack).toMatchObject({ type: 'ack', action: 'send', seq: 1, duplicate: false });

    for (const client of [alice, bob]) {
      const message = await client.next((f) => f.type === 'message' && f['clientMessageId'] === 'hello-1');
      expect(message).toMatchObject({ roomId: 'room-two-users', seq: 1, senderId: 'alice', senderName: 'User alice', body: 'hi bob' });
    }
  });

  it('refuses the handshake without a valid token', async () => {
    await expect(ChatClient.connect(runtime.wsUrl, 'not-a-jwt')).rejects.toThrow('handshake refused: 401');
    const forged = (await runtime.issueToken('eve')).slice(0, -4) + 'AAAA';
    await expect(ChatClient.connect(runtime.wsUrl, forged)).rejects.toThrow('handshake refused: 401');
  });

  it('pages history newest first with a cursor', async () => {
    const carol = await joined('carol', 'room-history');
    for (let i = 1; i <= 7; i++) {
      await carol.request({ action: 'send', roomId: 'room-history', clientMessageId: `h${i}`, body: `message ${i}` });
    }
    const seqs: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await carol.request({ action: 'history', roomId: 'room-history', limit: 3, cursor });
      expect(page['type']).toBe('history');
      seqs.push(...(page['items'] as { seq: number }[]).map((m) => m.seq));
      cursor = (page['cursor'] as string | null) ?? undefined;
    } while (cursor);
    expect(seqs).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it('stores and delivers a duplicate clientMessageId once', async () => {
    const dave = await joined('dave', 'room-dupes');
    const erin = await joined('erin', 'room-dupes');
    const frame = { action: 'send', roomId: 'room-dupes', clientMessageId: 'retry-me', body: 'once' };
    const first = await dave.request(frame);
    const second = await dave.request(frame);
    expect(first).toMatchObject({ duplicate: false, seq: 1 });
    expect(second).toMatchObject({ duplicate: true, seq: 1, sentAt: first['sentAt'] });

    await runtime.settle();
    const history = await erin.request({ action: 'history', roomId: 'room-dupes' });
    expect(history['items']).toHaveLength(1);
    expect(erin.messages('room-dupes')).toHaveLength(1);
  });

  it('answers malformed, unknown, oversized and invalid frames with error frames and keeps the socket', async () => {
    const frank = await joined('frank', 'room-errors');
    frank.sendRaw('{"action": "send", oops');
    expect(await frank.next((f) => f.type === 'error' && f['code'] === 'malformed_frame')).toBeDefined();

    expect(await frank.request({ action: 'teleport' })).toMatchObject({ type: 'error', code: 'unknown_action' });
    expect(await frank.request({ action: 'send', roomId: 'room-errors' })).toMatchObject({
      type: 'error',
      code: 'invalid_request',
      message: expect.stringContaining('clientMessageId'),
    });
    expect(await frank.request({ action: 'send', roomId: 'room-errors', clientMessageId: 'big', body: 'x'.repeat(40_000) })).toMatchObject({
      type: 'error',
      code: 'message_too_large',
    });
    frank.sendRaw(JSON.stringify({ action: 'send', roomId: 'room-errors', clientMessageId: 'huge', body: 'y'.repeat(200_000) }));
    expect(await frank.next((f) => f['code'] === 'payload_too_large')).toMatchObject({ type: 'error' });
    expect(await frank.request({ action: 'send', roomId: 'room-not-joined', clientMessageId: 'x', body: 'x' })).toMatchObject({
      code: 'not_a_member',
    });

    // The socket is still good and nothing invalid was stored.
    expect(await frank.request({ action: 'send', roomId: 'room-errors', clientMessageId: 'ok', body: 'still here' })).toMatchObject({ seq: 1 });
    const history = await frank.request({ action: 'history', roomId: 'room-errors' });
    expect((history['items'] as { body: string }[]).map((m) => m.body)).toEqual(['still here']);
  });

  it('removes a vanished recipient on 410 Gone while delivering to the rest', async () => {
    const grace = await joined('grace', 'room-gone');
    // A connection whose $disconnect never ran (best effort on AWS): its rows remain, its socket does not.
    const db = createDocumentClient({ endpoint: runtime.dynamoEndpoint, region: 'us-east-1' });
    const ghost = { connectionId: 'GhostConnId0000=', userId: 'ghost', name: 'Ghost', expiresAt: 4102444800 };
    await db.send(new PutCommand({ TableName: runtime.tables.connections, Item: { ...ghost, connectedAt: '2026-01-01T00:00:00Z' } }));
    await db.send(new PutCommand({ TableName: runtime.tables.memberships, Item: { ...ghost, roomId: 'room-gone', joinedAt: '2026-01-01T00:00:00Z' } }));
    expect(await grace.request({ action: 'members', roomId: 'room-gone' })).toMatchObject({
      members: expect.arrayContaining([{ userId: 'ghost', name: 'Ghost' }]),
    });

    await grace.request({ action: 'send', roomId: 'room-gone', clientMessageId: 'to-ghost', body: 'anyone?' });
    await grace.next((f) => f['clientMessageId'] === 'to-ghost' && f.type === 'message');
    await runtime.settle();

    const members = await grace.request({ action: 'members', roomId: 'room-gone' });
    expect(members['members']).toEqual([{ userId: 'grace', name: 'User grace' }]);
    db.destroy();
  });

  it('cleans up connection and memberships on $disconnect', async () => {
    const heidi = await joined('heidi', 'room-leavers');
    const ivan = await joined('ivan', 'room-leavers');
    await heidi.close();
    await runtime.settle();
    const members = await ivan.request({ action: 'members', roomId: 'room-leavers' });
    expect(members['members']).toEqual([{ userId: 'ivan', name: 'User ivan' }]);
  });

  it('delivers one message to all of 1,000 connections in a room', async () => {
    // Handshakes in waves, as a real audience arrives; a reset handshake is retried, as a real
    // client does. What is proven is unchanged: all 1,000 members receive the post exactly once.
    const followers: ChatClient[] = [];
    for (let wave = 0; wave < 1000; wave += 50) {
      followers.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => joinedWithRetry(`fan-${wave + i}`, 'room-1k')))));
    }
    const artist = await joined('artist', 'room-1k');
    await artist.request({ action: 'send', roomId: 'room-1k', clientMessageId: 'drop', body: 'new single out now' });
    await Promise.all(followers.map((f) => f.next((m) => m.type === 'message' && m['clientMessageId'] === 'drop', 30_000)));
    expect(followers.every((f) => f.messages('room-1k').length === 1)).toBe(true);
    expect(runtime.pump.failed).toHaveLength(0);
  });

  it('serves the management API to signed callers: GET info, POST data, DELETE closes, 410 after', async () => {
    const before = new Set(runtime.gateway.connectionIds());
    const judy = await connect('judy');
    const [id] = runtime.gateway.connectionIds().filter((c) => !before.has(c));
    const ConnectionId = id!;

    const info = await runtime.management.send(new GetConnectionCommand({ ConnectionId }));
    expect(info).toMatchObject({ ConnectedAt: expect.any(Date), Identity: { SourceIp: expect.any(String) } });

    await runtime.management.send(new PostToConnectionCommand({ ConnectionId, Data: Buffer.from('{"type":"ping"}') }));
    expect(await judy.next((f) => f.type === 'ping')).toEqual({ type: 'ping' });

    const closed = new Promise((resolve) => judy.socket.once('close', resolve));
    await runtime.management.send(new DeleteConnectionCommand({ ConnectionId }));
    await closed;
    await expect(runtime.management.send(new PostToConnectionCommand({ ConnectionId, Data: Buffer.from('x') }))).rejects.toMatchObject({
      name: 'GoneException',
    });

    const plain = await fetch(runtime.wsUrl.replace('ws://', 'http://'));
    expect(plain.status).toBe(426);
  });

  it('refuses unsigned, wrongly signed, tampered and stale @connections calls: a client that learns an id cannot forge frames', async () => {
    const before = new Set(runtime.gateway.connectionIds());
    const victim = await connect('victim');
    const [id] = runtime.gateway.connectionIds().filter((c) => !before.has(c));
    const url = `${runtime.managementEndpoint}/@connections/${encodeURIComponent(id!)}`;
    const forged = '{"type":"message","roomId":"lobby","seq":1,"senderId":"admin","body":"forged"}';

    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await fetch(url, { method, ...(method === 'POST' ? { body: forged } : {}) });
      expect({ method, status: res.status, type: res.headers.get('x-amzn-errortype') }).toEqual({ method, status: 403, type: 'ForbiddenException' });
    }
    // Signed with the SDK, but with a key the runtime did not hand out.
    const stranger = new ApiGatewayManagementApiClient({
      endpoint: runtime.managementEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: runtime.gateway.managementCredentials.accessKeyId, secretAccessKey: 'guessed-secret' },
    });
    await expect(stranger.send(new PostToConnectionCommand({ ConnectionId: id!, Data: Buffer.from(forged) }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    stranger.destroy();
    // A signed request whose body was swapped in transit.
    const signer = new SignatureV4({
      credentials: runtime.gateway.managementCredentials,
      region: 'us-east-1',
      service: 'execute-api',
      sha256: Hash.bind(null, 'sha256'),
    });
    const target = new URL(url);
    const signedPost = (body: string, signingDate?: Date) =>
      signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: 'http:',
          hostname: target.hostname,
          port: Number(target.port),
          path: target.pathname,
          headers: { host: target.host },
          body,
        }),
        signingDate ? { signingDate } : undefined,
      );
    const signed = await signedPost('{"type":"ok"}');
    const swapped = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body: forged });
    expect(swapped.status).toBe(403);
    // A correctly signed request replayed after AWS's 15-minute window.
    const stale = await signedPost(forged, new Date(Date.now() - 20 * 60 * 1000));
    expect((await fetch(url, { method: 'POST', headers: stale.headers as Record<string, string>, body: forged })).status).toBe(403);

    await runtime.settle();
    expect(victim.frames.some(({ frame }) => frame['body'] === 'forged')).toBe(false);
    expect(victim.socket.readyState).toBe(victim.socket.OPEN);
  });

  it('lets only the owning artist post into an artist room; followers join, read and receive', async () => {
    const artist = await ChatClient.connect(runtime.wsUrl, await runtime.issueToken('star', 'The Star', ['artist']));
    clients.push(artist);
    const fan = await joined('fan-of-star', 'artist-star');
    const impostor = await ChatClient.connect(runtime.wsUrl, await runtime.issueToken('rival', 'Rival', ['artist']));
    clients.push(impostor);
    for (const client of [artist, impostor]) expect(await client.request({ action: 'join', roomId: 'artist-star' })).toMatchObject({ type: 'ack' });

    const post = { action: 'send', roomId: 'artist-star', body: 'hello fans' };
    expect(await fan.request({ ...post, clientMessageId: 'f1' })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await impostor.request({ ...post, clientMessageId: 'i1' })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await artist.request({ ...post, clientMessageId: 'a1' })).toMatchObject({ type: 'ack', seq: expect.any(Number), duplicate: false });
    expect(await fan.next((f) => f.type === 'message' && f['clientMessageId'] === 'a1')).toMatchObject({ senderId: 'star', senderName: 'The Star' });
    const history = await fan.request({ action: 'history', roomId: 'artist-star' });
    expect((history['items'] as { senderId: string }[]).map((m) => m.senderId)).toEqual(['star']);
    // The prefix is reserved in any case: a look-alike room is nobody's to post in.
    expect(await fan.request({ action: 'join', roomId: 'Artist-star' })).toMatchObject({ type: 'ack' });
    expect(await fan.request({ ...post, roomId: 'Artist-star', clientMessageId: 'f2' })).toMatchObject({ code: 'forbidden' });
  });

  it('refuses a token with an empty or oversized subject at $connect', async () => {
    for (const userId of ['', 'x'.repeat(129)]) {
      await expect(ChatClient.connect(runtime.wsUrl, await runtime.issueToken(userId, 'Someone'))).rejects.toThrow('handshake refused: 401');
    }
  });

  it('hands out opaque cursors and answers tampered or foreign ones with invalid_request', async () => {
    const room = 'room-cursors';
    const members = await Promise.all(['m1', 'm2', 'm3'].map((u) => joined(u, room)));
    const reader = members[0]!;
    for (let i = 0; i < 3; i++) await reader.request({ action: 'send', roomId: room, clientMessageId: `c${i}`, body: `b${i}` });
    const page = await reader.request({ action: 'members', roomId: room, limit: 1 });
    const cursor = page['cursor'] as string;
    const ids = runtime.gateway.connectionIds();
    const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
    expect(ids.some((id) => decoded.includes(id) || cursor.includes(Buffer.from(id).toString('base64url')))).toBe(false);
    const next = await reader.request({ action: 'members', roomId: room, limit: 5, cursor });
    expect(next['type']).toBe('members');

    const historyCursor = (await reader.request({ action: 'history', roomId: room, limit: 1 }))['cursor'] as string;
    const raw = Buffer.from(historyCursor, 'base64url');
    raw[raw.length - 1]! ^= 1;
    const tampered = [
      raw.toString('base64url'),
      Buffer.from(JSON.stringify({ roomId: room, seq: { N: '1' } })).toString('base64url'),
      Buffer.from(JSON.stringify({ roomId: room, seq: 'x'.repeat(2000) }))
        .toString('base64url')
        .slice(0, 2048),
      cursor, // a members cursor is not a history cursor
    ];
    for (const bad of tampered) {
      expect(await reader.request({ action: 'history', roomId: room, cursor: bad })).toMatchObject({ type: 'error', code: 'invalid_request' });
    }
    // A member of two rooms cannot carry one room's cursor into the other.
    expect(await reader.request({ action: 'join', roomId: 'room-cursors-other' })).toMatchObject({ type: 'ack' });
    expect(await reader.request({ action: 'members', roomId: 'room-cursors-other', cursor })).toMatchObject({ code: 'invalid_request' });
  });
});
