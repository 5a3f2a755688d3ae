import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { signToken } from '@relay/chat-core';
import { createChatStores, createDocumentClient, createTableInputs, tableInput } from '@relay/chat-store';
import { chatTableNames, followsTable } from '@relay/runtime-contract';
import { createTables, startDynalite, type RunningServer } from '@relay/dynamo-emulator';
import { buildBroadcastApp } from './app';
import { REST_ERROR_CODES } from './errors';
import { FollowsRepository } from './follows';

/**
 * Generated requests against the real app and a real DynamoDB emulator: no 5xx, every error in
 * the documented shape with the code its status documents, and a post is stored only when it
 * was answered 201.
 */
jest.setTimeout(120_000);

const tables = chatTableNames('rest-property');
const auth = { AUTH_TOKEN_SECRET: 't'.repeat(40), AUTH_ISSUER: 'relay', AUTH_AUDIENCE: 'relay-chat' };
let dynamo: RunningServer;
let db: DynamoDBDocumentClient;
let app: FastifyInstance;
let tokens: string[];
let base: string;

beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  dynamo = await startDynalite();
  await createTables(dynamo.url, [...createTableInputs(tables), tableInput(followsTable, 'rest-property-follows')]);
  db = createDocumentClient({ endpoint: dynamo.url, region: 'us-east-1' });
  const stores = createChatStores(db, tables);
  app = buildBroadcastApp({
    config: { ...auth, CURSOR_SECRET: 'c'.repeat(40), POSTS_PER_MINUTE: 1000, LOG_LEVEL: 'silent' },
    messages: stores.messages,
    follows: new FollowsRepository(db, 'rest-property-follows'),
    ready: async () => true,
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  const settings = { secret: auth.AUTH_TOKEN_SECRET, issuer: auth.AUTH_ISSUER, audience: auth.AUTH_AUDIENCE };
  tokens = [
    await signToken({ userId: 'star', name: 'Star', roles: ['artist'] }, settings),
    await signToken({ userId: 'fan', name: 'Fan' }, settings),
    'not-a-token',
  ];
});

afterAll(async () => {
  await app.close();
  db.destroy();
  await dynamo.close();
});

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', '\ud800', '%', '..', 'artist-star', 'x'.repeat(300)),
);
/** Percent-encodes, replacing lone surrogates (which no client can send in a URL). */
const enc = (t: string) => encodeURIComponent(t.replace(/\p{Cs}/gu, '\uFFFD'));
const json = fc.oneof(
  fc.record(
    { body: fc.oneof(text, fc.constant('x'.repeat(40_000)), fc.integer()), roomId: fc.oneof(text, fc.constantFrom('artist-star', 'artist-fan', 'lobby')) },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const anyRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  path: fc.oneof(
    fc.constantFrom(
      '/v1/artists/star/posts',
      '/v1/artists/fan/posts',
      '/v1/artists/star/followers',
      '/v1/artists/star/followers/fan',
      '/health/ready',
      '/v1/artists//posts',
    ),
    text.map((t) => `/v1/artists/${enc(t)}/posts`),
    text.map((t) => `/v1/artists/star/followers?limit=${enc(t)}&cursor=${enc(t)}`),
    fc.constantFrom('/v1/artists/%ZZ/posts', '/v1/artists/star/followers?cursor=%', '/v1/artists/star/followers?limit=%E0%A4%A', '/v1/%C0%AF'),
  ),
  token: fc.option(fc.constantFrom(...[0, 1, 2]), { nil: undefined }),
  // Only what an HTTP client can put in a header at all.
  key: fc.option(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
      text.filter((t) => /^[\x21-\x7e]*$/.test(t)),
    ),
    { nil: undefined },
  ),
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', undefined),
  body: fc.oneof(
    json.map((j) => JSON.stringify(j)),
    text,
    fc.constant(undefined),
  ),
});

// Near-valid posts by the artist, so the run exercises storage, not only validation.
const artistPost = fc.record({
  method: fc.constant('POST'),
  path: fc.constant('/v1/artists/star/posts'),
  token: fc.constant(0),
  key: fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/),
  contentType: fc.constant('application/json'),
  body: fc
    .record(
      { body: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constant('\ud800')), roomId: fc.constantFrom('artist-star', 'artist-fan') },
      { requiredKeys: ['body'] },
    )
    .map((b) => JSON.stringify(b)),
});
const request = fc.oneof(anyRequest, artistPost);

describe('broadcast REST under generated requests', () => {
  it('never answers 5xx, documents every error, and stores only what it answered 201', async () => {
    let created = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.token !== undefined) headers['authorization'] = `Bearer ${tokens[r.token]}`;
        if (r.key !== undefined) headers['idempotency-key'] = r.key;
        if (r.contentType && r.body !== undefined) headers['content-type'] = r.contentType;
        const withBody = r.body !== undefined && r.method !== 'GET';
        const res = await fetch(`${base}${r.path}`, { method: r.method, headers, ...(withBody ? { body: r.body } : {}) });
        expect(res.status).toBeLessThan(500);
        const payload = await res.text();
        if (res.status >= 400) {
          const error = JSON.parse(payload) as { type: string; code: string; requestId: string };
          expect(error).toMatchObject({ type: 'error', code: REST_ERROR_CODES[res.status as keyof typeof REST_ERROR_CODES], requestId: expect.any(String) });
        }
        if (res.status === 201) created++;
      }),
      { numRuns: 800 },
    );
    expect(created).toBeGreaterThan(5); // a run that stored nothing proves nothing
    const { Items = [] } = await db.send(new ScanCommand({ TableName: tables.messages }));
    expect(Items).toHaveLength(created);
    for (const message of Items) expect(message).toMatchObject({ roomId: 'artist-star', senderId: 'star' });
  });
});
