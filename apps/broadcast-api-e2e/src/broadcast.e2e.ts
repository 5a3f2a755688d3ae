import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { artistRoom, loadConfig, startBroadcastService, type RunningService } from '@relay/broadcast-service';
import { followsTable } from '@relay/runtime-contract';
import { signToken } from '@relay/chat-core';
import { ChatClient, startLocalRuntime, type LocalRuntime } from '@relay/serverless-emulator';
import { LOCAL_AUTH } from '@relay/platform-config';
import { tableInput } from '@relay/chat-store';
import { createTables } from '@relay/dynamo-emulator';

jest.setTimeout(60_000);

let runtime: LocalRuntime;
let service: RunningService;
let env: Record<string, string>;
const FOLLOWS = 'relay-local-follows';

const token = (userId: string, roles?: string[]) => signToken({ userId, name: `User ${userId}`, roles }, LOCAL_AUTH);

async function post(artistId: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(`${service.url}/v1/artists/${artistId}/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ onError: () => undefined });
  await createTables(runtime.dynamoEndpoint, [tableInput(followsTable, FOLLOWS)]);
  env = {
    PORT: '0',
    HOST: '127.0.0.1',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: runtime.dynamoEndpoint,
    CHAT_ROOMS_TABLE: runtime.tables.rooms,
    CHAT_MESSAGES_TABLE: runtime.tables.messages,
    CHAT_CONNECTIONS_TABLE: runtime.tables.connections,
    CHAT_MEMBERSHIPS_TABLE: runtime.tables.memberships,
    FOLLOWS_TABLE: FOLLOWS,
    AUTH_TOKEN_SECRET: LOCAL_AUTH.secret,
    AUTH_ISSUER: LOCAL_AUTH.issuer,
    AUTH_AUDIENCE: LOCAL_AUTH.audience,
    CURSOR_SECRET: 'c'.repeat(40),
    POSTS_PER_MINUTE: '5',
    LOG_LEVEL: 'silent',
  };
  service = await startBroadcastService(loadConfig(env));
});

afterAll(async () => {
  await service?.drain('test end');
  await runtime?.stop();
});

describe('broadcast API over real HTTP', () => {
  it('delivers an artist post to a connected follower through the chat tables and Streams', async () => {
    const follower = await ChatClient.connect(runtime.wsUrl, await token('fan-1'));
    expect(await follower.request({ action: 'join', roomId: artistRoom('a1') })).toMatchObject({ type: 'ack' });
    const auth = { authorization: `Bearer ${await token('a1', ['artist'])}` };

    const first = await post('a1', { body: 'new single out now' }, { ...auth, 'idempotency-key': 'drop-1' });
    expect(first).toEqual({ status: 201, json: { roomId: 'artist-a1', seq: 1, sentAt: expect.any(String), duplicate: false } });
    expect(await follower.next((f) => f.type === 'message' && f['clientMessageId'] === 'drop-1')).toMatchObject({
      roomId: 'artist-a1',
      senderId: 'a1',
      senderName: 'User a1',
      body: 'new single out now',
      seq: 1,
    });

    const retry = await post('a1', { body: 'new single out now' }, { ...auth, 'idempotency-key': 'drop-1' });
    expect(retry).toEqual({ status: 200, json: { ...first.json, duplicate: true } });
    const reused = await post('a1', { body: 'something else' }, { ...auth, 'idempotency-key': 'drop-1' });
    expect(reused).toMatchObject({ status: 409, json: { type: 'error', code: 'idempotency_conflict', requestId: expect.any(String) } });
    // Neither the retry nor the refused reuse took a sequence number: the next post follows the
    // first without a gap, which the follower's client would otherwise chase through history.
    const next = await post('a1', { body: 'tour dates' }, { ...auth, 'idempotency-key': 'drop-2' });
    expect(next).toMatchObject({ status: 201, json: { seq: 2, duplicate: false } });
    await follower.next((f) => f.type === 'message' && f['clientMessageId'] === 'drop-2');
    await runtime.settle();
    expect(follower.messages(artistRoom('a1')).map((m) => m['seq'])).toEqual([1, 2]);
    await follower.close();
  });

  it('answers bad requests with 400 and a clear message, and stores nothing', async () => {
    const auth = { authorization: `Bearer ${await token('a2', ['artist'])}` };
    const cases: [unknown, Record<string, string>, RegExp][] = [
      [{}, { 'idempotency-key': 'k1' }, /body/],
      [{ body: '' }, { 'idempotency-key': 'k2' }, /body must not be empty/],
      [{ body: 'x', senderId: 'mallory' }, { 'idempotency-key': 'k3' }, /senderId|Unrecognized/i],
      [{ body: 'x' }, {}, /idempotency-key/i],
      [{ body: 'x' }, { 'idempotency-key': 'has space' }, /Idempotency-Key must be/],
      ['{"body": "x", oops', { 'idempotency-key': 'k4' }, /JSON/i],
    ];
    for (const [body, headers, message] of cases) {
      const res = await post('a2', body, { ...auth, ...headers });
      expect({ status: res.status, message: String(res.json['message']) }).toEqual({ status: 400, message: expect.stringMatching(message) });
    }
    expect((await fetch(`${service.url}/v1/artists/a2/posts`, { method: 'POST', headers: auth })).status).toBe(400);
    const reader = await ChatClient.connect(runtime.wsUrl, await token('reader'));
    await reader.request({ action: 'join', roomId: artistRoom('a2') });
    expect(await reader.request({ action: 'history', roomId: artistRoom('a2') })).toMatchObject({ items: [] });
    await reader.close();
  });

  it('lets only the artist post as the artist', async () => {
    expect((await post('a3', { body: 'x' }, { 'idempotency-key': 'k' })).status).toBe(401);
    const fan = { authorization: `Bearer ${await token('a3')}` };
    expect(await post('a3', { body: 'x' }, { ...fan, 'idempotency-key': 'k' })).toMatchObject({ status: 403 });
    const otherArtist = { authorization: `Bearer ${await token('a4', ['artist'])}` };
    expect(await post('a3', { body: 'x' }, { ...otherArtist, 'idempotency-key': 'k' })).toMatchObject({ status: 403 });
  });

  it('rate-limits posts per artist', async () => {
    const auth = { authorization: `Bearer ${await token('a5', ['artist'])}` };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post('a5', { body: `post ${i}` }, { ...auth, 'idempotency-key': `r${i}` })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429]);
    const otherArtist = { authorization: `Bearer ${await token('a6', ['artist'])}` };
    expect((await post('a6', { body: 'still fine' }, { ...otherArtist, 'idempotency-key': 'x' })).status).toBe(201);
  });

  it('does not let junk or anonymous requests spend an artist quota', async () => {
    for (let i = 0; i < 8; i++) {
      expect((await post('a10', { body: 'x' }, { 'idempotency-key': `anon${i}` })).status).toBe(401);
      expect((await post('a10', { nope: true }, { authorization: `Bearer ${await token('a10', ['artist'])}`, 'idempotency-key': `bad${i}` })).status).toBe(400);
    }
    const auth = { authorization: `Bearer ${await token('a10', ['artist'])}` };
    expect((await post('a10', { body: 'the real post' }, { ...auth, 'idempotency-key': 'real' })).status).toBe(201);
  });

  it('follows, lists and unfollows, each user only for themselves', async () => {
    const as = async (userId: string) => ({ authorization: `Bearer ${await token(userId)}` });
    for (const fan of ['f1', 'f2', 'f3']) {
      const res = await fetch(`${service.url}/v1/artists/a7/followers/${fan}`, { method: 'PUT', headers: await as(fan) });
      expect(res.status).toBe(204);
    }
    expect((await fetch(`${service.url}/v1/artists/a7/followers/f1`, { method: 'PUT', headers: await as('f2') })).status).toBe(403);
    await fetch(`${service.url}/v1/artists/a7/followers/f2`, { method: 'DELETE', headers: await as('f2') });
    const page1 = (await (await fetch(`${service.url}/v1/artists/a7/followers?limit=1`, { headers: await as('f1') })).json()) as {
      followers: string[];
      cursor: string;
    };
    const page2 = (await (await fetch(`${service.url}/v1/artists/a7/followers?limit=5&cursor=${page1.cursor}`, { headers: await as('f1') })).json()) as {
      followers: string[];
    };
    expect([...page1.followers, ...page2.followers]).toEqual(['f1', 'f3']);
    const foreignCursor = (await fetch(`${service.url}/v1/artists/a8/followers?cursor=${page1.cursor}`, { headers: await as('f1') })).status;
    expect(foreignCursor).toBe(400);
  });

  it("refuses a post into another artist's room over REST, and lets no follower post there over WebSocket", async () => {
    const fan = await ChatClient.connect(runtime.wsUrl, await token('fan-b'));
    await fan.request({ action: 'join', roomId: artistRoom('b1') });
    const artistA = { authorization: `Bearer ${await token('a11', ['artist'])}` };
    for (const roomId of [artistRoom('b1'), 'lobby', 'Artist-a11']) {
      const res = await post('a11', { body: 'hijack', roomId }, { ...artistA, 'idempotency-key': `h-${roomId}` });
      expect(res).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    }
    expect(await post('a11', { body: 'mine', roomId: artistRoom('a11') }, { ...artistA, 'idempotency-key': 'own' })).toMatchObject({ status: 201 });
    expect(await fan.request({ action: 'send', roomId: artistRoom('b1'), clientMessageId: 'x', body: 'hi' })).toMatchObject({ code: 'forbidden' });
    await runtime.settle();
    expect(fan.messages(artistRoom('b1'))).toHaveLength(0);
    expect(await fan.request({ action: 'history', roomId: artistRoom('b1') })).toMatchObject({ items: [] });
    await fan.close();
  });

  it('answers every error with one stable code per status, in the chat error shape', async () => {
    const fan = { authorization: `Bearer ${await token('fan-c')}` };
    const checks: [Promise<Response>, number, string][] = [
      [fetch(`${service.url}/v1/artists/a12/followers/someone-else`, { method: 'PUT', headers: fan }), 403, 'forbidden'],
      [fetch(`${service.url}/v1/nope`, { headers: fan }), 404, 'not_found'],
      [
        fetch(`${service.url}/v1/artists/a12/posts`, {
          method: 'POST',
          headers: { ...fan, 'content-type': 'application/json', 'idempotency-key': 'k' },
          body: JSON.stringify({ body: 'x'.repeat(200_000) }),
        }),
        413,
        'payload_too_large',
      ],
      [
        fetch(`${service.url}/v1/artists/a12/posts`, {
          method: 'POST',
          headers: { ...fan, 'content-type': 'application/xml', 'idempotency-key': 'k' },
          body: '<x/>',
        }),
        415,
        'unsupported_media_type',
      ],
      [fetch(`${service.url}/v1/artists/a12/followers`), 401, 'unauthorized'],
      [fetch(`${service.url}/v1/artists/a12/followers?limit=0`, { headers: fan }), 400, 'invalid_request'],
    ];
    for (const [pending, status, code] of checks) {
      const res = await pending;
      expect({ status: res.status, json: await res.json() }).toEqual({
        status,
        json: { type: 'error', code, message: expect.any(String), requestId: expect.any(String), ...(status === 400 ? { details: expect.anything() } : {}) },
      });
    }
  });

  it('spends the limit only on posts it stores, and answers a stored retry even when the limit is reached', async () => {
    const auth = { authorization: `Bearer ${await token('a13', ['artist'])}` };
    const big = 'x'.repeat(40_000);
    for (let i = 0; i < 6; i++) {
      expect((await post('a13', { body: 'hi', roomId: artistRoom('other') }, { ...auth, 'idempotency-key': `f${i}` })).status).toBe(403);
      expect((await post('a13', { body: big }, { ...auth, 'idempotency-key': `big${i}` })).status).toBe(413);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post('a13', { body: `post ${i}` }, { ...auth, 'idempotency-key': `p${i}` })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201]);
    // The quota (5) is used up: a new post is refused, a conflicting key is still a 409, a retry gets its stored result.
    expect(await post('a13', { body: 'one more' }, { ...auth, 'idempotency-key': 'p9' })).toMatchObject({ status: 429, json: { code: 'rate_limited' } });
    expect(await post('a13', { body: 'changed' }, { ...auth, 'idempotency-key': 'p0' })).toMatchObject({ status: 409, json: { code: 'idempotency_conflict' } });
    expect(await post('a13', { body: 'post 2' }, { ...auth, 'idempotency-key': 'p2' })).toMatchObject({ status: 200, json: { duplicate: true, seq: 3 } });
  });

  it('seals follower cursors: tampered or foreign ones are a 400, never a 500', async () => {
    const as = { authorization: `Bearer ${await token('f9')}` };
    for (const fan of ['g1', 'g2', 'g3']) {
      await fetch(`${service.url}/v1/artists/a14/followers/${fan}`, { method: 'PUT', headers: { authorization: `Bearer ${await token(fan)}` } });
    }
    const page = (await (await fetch(`${service.url}/v1/artists/a14/followers?limit=1`, { headers: as })).json()) as { cursor: string };
    expect(Buffer.from(page.cursor, 'base64url').toString('latin1')).not.toContain('g1');
    const raw = Buffer.from(page.cursor, 'base64url');
    raw[5]! ^= 0x40;
    const bad = [
      raw.toString('base64url'),
      Buffer.from(JSON.stringify({ artistId: 'a14', userId: { S: 'x' } })).toString('base64url'),
      '%%%',
      'A'.repeat(2048),
    ];
    for (const cursor of bad) {
      const res = await fetch(`${service.url}/v1/artists/a14/followers?cursor=${encodeURIComponent(cursor)}`, { headers: as });
      expect({ status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({ status: 400, code: 'invalid_request' });
    }
  });

  it('publishes an OpenAPI document generated from its schemas', async () => {
    const doc = (await (await fetch(`${service.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths['/v1/artists/{artistId}/posts']!['post']!.responses).sort()).toEqual([
      '200',
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '429',
      '500',
    ]);
  });

  it('reports readiness', async () => {
    expect(await (await fetch(`${service.url}/health/live`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
  });

  it('answers its clock, uncached and without a token (load generators measure their offset against it)', async () => {
    const before = Date.now();
    const response = await fetch(`${service.url}/health/time`);
    const { now } = (await response.json()) as { now: number };
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('the built service process', () => {
  const bundle = path.resolve(__dirname, '../../../dist/apps/broadcast-api/main.js');

  it('drains on SIGTERM: refuses new connections, finishes the request in flight, exits 0', async () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: the test target depends on build`);
    // Port 0: the kernel picks a free port and the service logs the address it bound.
    const child: ChildProcess = spawn(process.execPath, [bundle], {
      env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        logs.push(chunk.toString());
        const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(logs.join(''));
        if (listening) resolve(listening[1]!);
      });
      child.once('exit', (code) => reject(new Error(`service exited early with ${code}: ${stderr}`)));
    });
    const auth = `Bearer ${await token('a9', ['artist'])}`;
    const payload = JSON.stringify({ body: 'posted while the task was being stopped' });

    // A request whose body is still arriving when SIGTERM lands.
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${url}/v1/artists/a9/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: auth, 'idempotency-key': 'during-drain' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(payload.slice(0, 10));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(payload.slice(10)), 500);
      }, 200);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    await new Promise((r) => setTimeout(r, 350));
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body)).toMatchObject({ roomId: 'artist-a9', duplicate: false });
    expect(await exited).toBe(0);
    expect(logs.join('')).toContain('drained');
  });
});
