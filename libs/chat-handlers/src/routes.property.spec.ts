import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { artistRoom, CursorCodec, KeyedTokenBuckets, MAX_PAYLOAD_BYTES, signToken, type TokenSettings } from '@relay/chat-core';
import { createChatStores, createDocumentClient, createTableInputs } from '@relay/chat-store';
import { chatTableNames } from '@relay/runtime-contract';
import { createTables, startDynalite, type RunningServer } from '@relay/dynamo-emulator';
import { createConnectHandler } from './connect';
import { createDefaultHandler } from './default-route';
import type { PagingDeps } from './deps';
import type { WebSocketEvent, WebSocketHandler } from './events';
import { createHistoryHandler, createJoinHandler, createLeaveHandler, createMembersHandler } from './rooms';
import { createSendHandler } from './send';

/**
 * Generated frames against the real route handlers and a real DynamoDB emulator: whatever a
 * client sends, every reply is a frame, never an internal_error, and the only messages stored
 * are the ones some send acknowledged.
 */
jest.setTimeout(120_000);

const tables = chatTableNames('property-test');
const auth: TokenSettings = { secret: 'p'.repeat(40), issuer: 'relay-test', audience: 'relay-chat' };
let dynamo: RunningServer;
let db: DynamoDBDocumentClient;
let routes: Record<string, WebSocketHandler>;
let connect: WebSocketHandler;
const ROOMS = ['lobby', artistRoom('star'), 'Artist-star', 'r.1:x'];
const CONNECTIONS = ['fan-conn', 'star-conn'];

const event = (connectionId: string, body: string | undefined, extra: Partial<WebSocketEvent> = {}) =>
  ({ body, isBase64Encoded: false, requestContext: { connectionId, routeKey: 'x', requestId: 'r' }, ...extra }) as unknown as WebSocketEvent;

beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  dynamo = await startDynalite();
  await createTables(dynamo.url, createTableInputs(tables));
  db = createDocumentClient({ endpoint: dynamo.url, region: 'us-east-1' });
  const codec = new CursorCodec('c'.repeat(40));
  // The per-connection frame limit is route.spec's subject; here every generated frame must reach its route.
  const unlimited = new KeyedTokenBuckets(1e9, 1e9);
  const deps: PagingDeps = {
    stores: createChatStores(db, tables),
    logger: new Logger({ logLevel: 'SILENT' }),
    cursors: async () => codec,
    connectionLimit: unlimited,
  };
  routes = {
    join: createJoinHandler(deps),
    leave: createLeaveHandler(deps),
    send: createSendHandler(deps),
    history: createHistoryHandler(deps),
    members: createMembersHandler(deps),
    $default: createDefaultHandler(deps),
  };
  connect = createConnectHandler({ ...deps, tokenSettings: async () => auth });
  const tokens = [await signToken({ userId: 'fan', name: 'Fan' }, auth), await signToken({ userId: 'star', name: 'Star', roles: ['artist'] }, auth)];
  for (const [i, connectionId] of CONNECTIONS.entries()) {
    expect(await connect(event(connectionId, undefined, { queryStringParameters: { token: tokens[i] } }))).toMatchObject({ statusCode: 200 });
    for (const roomId of ROOMS) await routes['join']!(event(connectionId, JSON.stringify({ action: 'join', roomId })));
  }
});

afterAll(async () => {
  db.destroy();
  await dynamo.close();
});

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\ud800', 'a'.repeat(200), '𝕏'.repeat(3)),
);
const anyValue = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
const frame = fc.record(
  {
    action: fc.oneof(fc.constantFrom('join', 'leave', 'send', 'history', 'members', '$default', 'unknown', ''), anyValue),
    roomId: fc.oneof(fc.constantFrom(...ROOMS), anyValue),
    clientMessageId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), anyValue),
    body: fc.oneof(text, fc.constantFrom('x'.repeat(40_000), '\u{1F600}'.repeat(10)), anyValue),
    limit: fc.oneof(fc.integer({ min: -5, max: 200 }), anyValue),
    cursor: fc.oneof(text, fc.base64String({ maxLength: 200 }), anyValue),
    requestId: fc.oneof(text, anyValue),
    senderId: text,
  },
  { requiredKeys: [] },
);
// Near-valid sends, so the run exercises storage and the room rules, not only validation.
const send = fc.record({
  action: fc.constant('send'),
  roomId: fc.constantFrom(...ROOMS),
  clientMessageId: fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
  body: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('\ud800', 'x'.repeat(40_000))),
});
const rawBody = fc.oneof(
  send.map((f) => JSON.stringify(f)),
  frame.map((f) => JSON.stringify(f)),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 100 }),
  fc.constantFrom('', '{', '[]', 'null', '"send"', '{"action":"send"}', '{"__proto__":{"action":"send"}}', 'x'.repeat(MAX_PAYLOAD_BYTES + 1)),
);

describe('every route under generated frames', () => {
  it('replies with a frame, never an internal_error, and stores only acknowledged messages', async () => {
    const acked = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ arbitrary: fc.constant('send'), weight: 2 }, fc.constantFrom(...Object.keys(routes))),
        fc.constantFrom(...CONNECTIONS),
        rawBody,
        async (route, connectionId, body) => {
          const result = await routes[route]!(event(connectionId, body));
          expect(result.statusCode).toBe(200);
          const reply = JSON.parse(result.body ?? '') as Record<string, unknown>;
          expect(reply['type']).toEqual(expect.any(String));
          if (reply['type'] === 'error') expect(reply['code']).not.toBe('internal_error');
          if (reply['type'] === 'ack' && reply['action'] === 'send') acked.add(`${String(reply['roomId'])}#${String(reply['seq'])}`);
        },
      ),
      { numRuns: 600 },
    );
    expect(acked.size).toBeGreaterThan(10); // a run that stored nothing proves nothing
    const { Items = [] } = await db.send(new ScanCommand({ TableName: tables.messages }));
    expect(Items.map((m) => `${String(m['roomId'])}#${String(m['seq'])}`).sort()).toEqual([...acked].sort());
    for (const message of Items) {
      if (String(message['roomId']).toLowerCase().startsWith('artist-')) expect(message).toMatchObject({ roomId: artistRoom('star'), senderId: 'star' });
    }
  });

  it('refuses generated tokens with a 4xx at $connect, never a 5xx or a stored connection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.base64String({ maxLength: 300 })), async (token) => {
        const result = await connect(event('generated-conn', undefined, { queryStringParameters: { token } }));
        expect(result.statusCode).toBe(401);
      }),
      { numRuns: 200 },
    );
    const { Items = [] } = await db.send(new ScanCommand({ TableName: tables.connections }));
    expect(Items.map((c) => c['connectionId']).sort()).toEqual(CONNECTIONS);
  });
});
