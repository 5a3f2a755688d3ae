import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CursorCodec, KeyedTokenBuckets, signToken, type TokenSettings } from '@relay/chat-core';
import {
  createConnectHandler,
  createDisconnectHandler,
  createHistoryHandler,
  createJoinHandler,
  createLeaveHandler,
  createMembersHandler,
  createSendHandler,
  type WebSocketEvent,
  type WebSocketHandler,
} from '@relay/chat-handlers';
import { CHAT_FUNCTION_ACCESS, type ChatResourceArns } from '@relay/chat-infra';
import { createChatStores, createDocumentClient, createTableInputs } from '@relay/chat-store';
import { chatTableNames, type ChatTableKey } from '@relay/runtime-contract';
import { createTables, DynamoStreamTap, startDynalite, type RunningDynalite, type RunningServer } from '@relay/dynamo-emulator';
import { evaluate } from '@relay/policy';

/**
 * Every DynamoDB call each WebSocket route makes, on the table it names, is allowed by that
 * function's role (CHAT_FUNCTION_ACCESS, what synthesizes into it). runtime-roles.spec.ts proves
 * the actions from the source; this proves the tables, by running the real handlers on dynalite
 * through a tap that logs "operation table": an action granted on one table and used on another
 * is an AccessDenied on AWS that no local test would otherwise see.
 */
jest.setTimeout(60_000);

const names = chatTableNames('relay-iam-test');
const arns: ChatResourceArns = {
  tables: Object.fromEntries(Object.entries(names).map(([key, name]) => [key, `arn:aws:dynamodb:ap-northeast-2:111111111111:table/${name}`])) as Record<
    ChatTableKey,
    string
  >,
  authSecretParameter: 'arn:aws:ssm:ap-northeast-2:111111111111:parameter/relay/dev/chat/auth-token-secret',
  cursorSecretParameter: 'arn:aws:ssm:ap-northeast-2:111111111111:parameter/relay/dev/chat/cursor-secret',
  apiStage: 'arn:aws:execute-api:ap-northeast-2:111111111111:api/live',
  messagesStream: `arn:aws:dynamodb:ap-northeast-2:111111111111:table/${names.messages}/stream/x`,
  deadLetterQueue: 'arn:aws:sqs:ap-northeast-2:111111111111:dlq',
  chunkQueue: 'arn:aws:sqs:ap-northeast-2:111111111111:chunks',
};
const arnOfTable = new Map(Object.entries(names).map(([key, name]) => [name, arns.tables[key as ChatTableKey]]));
const auth: TokenSettings = { secret: 't'.repeat(40), issuer: 'relay-test', audience: 'relay-chat' };

let dynamo: RunningDynalite;
let tap: DynamoStreamTap;
let tapServer: RunningServer;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  dynamo = await startDynalite();
  tap = new DynamoStreamTap(dynamo.handle, []);
  tapServer = await tap.listen();
  await createTables(tapServer.url, createTableInputs(names));
  db = createDocumentClient({ endpoint: tapServer.url, region: 'us-east-1' });
});

afterAll(async () => {
  db.destroy();
  await tapServer.close();
  await dynamo.close();
});

const event = (connectionId: string, body?: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { connectionId, routeKey: 'x', requestId: 'r', eventType: body ? 'MESSAGE' : 'CONNECT' },
    ...extra,
  }) as unknown as WebSocketEvent;

it('every table call of every WebSocket route is one its role allows', async () => {
  const base = {
    stores: createChatStores(db, names),
    logger: new Logger({ logLevel: 'SILENT' }),
    cursors: async () => new CursorCodec('c'.repeat(40)),
    connectionLimit: new KeyedTokenBuckets(1e9, 1e9),
  };
  const routes: Record<string, WebSocketHandler> = {
    connect: createConnectHandler({ ...base, tokenSettings: async () => auth }),
    join: createJoinHandler(base),
    send: createSendHandler(base),
    history: createHistoryHandler(base),
    members: createMembersHandler(base),
    leave: createLeaveHandler(base),
    disconnect: createDisconnectHandler(base),
  };
  const token = await signToken({ userId: 'u1', name: 'U' }, auth);
  // A session touching every route and every branch that reads: first entry, a post, the
  // newest page twice (the second from the cache), a page by cursor, a catch-up, members.
  const session: [string, WebSocketEvent][] = [
    ['connect', event('c1', undefined, { queryStringParameters: { token } })],
    ['join', event('c1', { action: 'join', roomId: 'room' })],
    ['send', event('c1', { action: 'send', roomId: 'room', clientMessageId: 'm1', body: 'hi' })],
    ['send', event('c1', { action: 'send', roomId: 'room', clientMessageId: 'm1', body: 'hi' })],
    ['send', event('c1', { action: 'send', roomId: 'room', clientMessageId: 'm2', body: 'hi again' })],
    ['history', event('c1', { action: 'history', roomId: 'room', limit: 1 })],
    ['history', event('c1', { action: 'history', roomId: 'room', limit: 1 })],
    ['history', event('c1', { action: 'history', roomId: 'room', after: 0 })],
    ['members', event('c1', { action: 'members', roomId: 'room' })],
    ['leave', event('c1', { action: 'leave', roomId: 'room' })],
    ['join', event('c1', { action: 'join', roomId: 'room' })],
    ['disconnect', event('c1', undefined, { requestContext: { connectionId: 'c1', routeKey: '$disconnect', requestId: 'r', eventType: 'DISCONNECT' } })],
  ];
  const denied: string[] = [];
  const seen: string[] = [];
  for (const [fn, e] of session) {
    const log = tap.recordTables();
    const reply = (await routes[fn]?.(e)) as { statusCode?: number; body?: string } | undefined;
    expect({ fn, internal: String(reply?.body ?? '').includes('internal_error') }).toEqual({ fn, internal: false });
    const policy = {
      Version: '2012-10-17',
      Statement: CHAT_FUNCTION_ACCESS[fn]?.(arns).map((s) => ({ Effect: s.effect ?? 'Allow', Action: s.actions, Resource: s.resources })) ?? [],
    };
    for (const call of log) {
      const [operation = '', table = ''] = call.split(' ');
      seen.push(`${fn}: ${call}`);
      if (evaluate([policy], { action: `dynamodb:${operation}`, resource: arnOfTable.get(table) ?? table }) !== 'allow') denied.push(`${fn}: ${call}`);
    }
  }
  expect(denied).toEqual([]);
  // The session did reach the reads this test is about.
  expect(seen).toEqual(expect.arrayContaining([`join: GetItem ${names.rooms}`, `history: GetItem ${names.rooms}`, `history: Query ${names.messages}`]));
});
