import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBRecord } from 'aws-lambda';
import { ChatClient, LocalWebSocketGateway } from '@relay/chat-local-runtime';
import { chatTableNames, createChatStores, createDocumentClient, createTableInputs, type ChatStores } from '@relay/chat-store';
import { createTables, DynamoStreamTap, startDynalite, type RunningServer } from '@relay/local-dynamo';
import { createDeliverHandler, deliverRecord, type DeliverDeps } from './deliver';
import { createManagementPoster } from './poster';
import { backoffDelay, DEFAULT_RETRY } from './retry';

jest.setTimeout(30_000);

const tables = chatTableNames('deliver-test');
const logger = new Logger({ serviceName: 'deliver-test', logLevel: 'SILENT' });
let dynamo: RunningServer;
let tapServer: RunningServer;
let gateway: LocalWebSocketGateway;
let stores: ChatStores;
let tap: DynamoStreamTap;
const records: DynamoDBRecord[] = [];
const clients: ChatClient[] = [];

beforeAll(async () => {
  dynamo = await startDynalite();
  tap = new DynamoStreamTap(dynamo.url, [{ tableName: tables.messages, keyAttributes: ['roomId', 'seq'] }]);
  tap.onRecord((r) => records.push(r));
  tapServer = await tap.listen();
  await createTables(tapServer.url, createTableInputs(tables));
  stores = createChatStores(createDocumentClient({ endpoint: tapServer.url, region: 'us-east-1' }), tables);
  // A management API that throttles every third post: fan-out to 60 hits 429s on any machine.
  gateway = new LocalWebSocketGateway({ stage: 'test', throttleEveryNthPost: 3 });
  await gateway.start();
  // The poster signs with the environment's credentials, as on Lambda; the gateway checks them.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: gateway.managementCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: gateway.managementCredentials.secretAccessKey });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await gateway.stop();
  await tapServer.close();
  await dynamo.close();
});

function deps(overrides: Partial<DeliverDeps> = {}): DeliverDeps {
  return {
    stores,
    logger,
    poster: createManagementPoster({ endpoint: gateway.managementEndpoint, region: 'us-east-1', maxSockets: 16 }),
    concurrency: 16,
    retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 200 },
    ...overrides,
  };
}

/** Opens sockets and makes their connections members of the room; returns clients and ids. */
async function roomWithListeners(roomId: string, count: number) {
  const before = new Set(gateway.connectionIds());
  const listeners = await Promise.all(Array.from({ length: count }, () => ChatClient.connect(gateway.wsUrl, 'unused')));
  clients.push(...listeners);
  const ids = gateway.connectionIds().filter((id) => !before.has(id));
  for (const connectionId of ids) {
    await stores.memberships.join({ roomId, connectionId, userId: connectionId, name: 'n', joinedAt: '', expiresAt: 4102444800 });
  }
  return { listeners, ids };
}

/** Stores a message through the tap and returns the real stream record it produced. */
async function messageRecord(roomId: string, clientMessageId: string): Promise<DynamoDBRecord> {
  const count = records.length;
  await stores.messages.append({ roomId, senderId: 's', senderName: 'S', clientMessageId, body: `body ${clientMessageId}` });
  expect(records.length).toBe(count + 1);
  return records[count]!;
}

const received = (client: ChatClient, id: string) => client.messages().filter((m) => m['clientMessageId'] === id).length;

describe('deliver', () => {
  it('retries throttled posts with backoff until every member has the message once', async () => {
    const { listeners } = await roomWithListeners('throttled', 60);
    const report = await deliverRecord(deps(), await messageRecord('throttled', 'burst'));
    expect(report).toMatchObject({ recipients: 60, delivered: 60, gone: 0, failed: 0 });
    expect(report!.retries).toBeGreaterThan(0);
    await Promise.all(listeners.map((l) => l.next((f) => f['clientMessageId'] === 'burst')));
    expect(listeners.map((l) => received(l, 'burst'))).toEqual(Array(60).fill(1));
  });

  it('deletes the recipient rows on 410 and still delivers to the others', async () => {
    const { listeners, ids } = await roomWithListeners('gone', 2);
    await stores.connections.put({ connectionId: 'vanished', userId: 'v', name: 'v', connectedAt: '', expiresAt: 4102444800 });
    await stores.memberships.join({ roomId: 'gone', connectionId: 'vanished', userId: 'v', name: 'v', joinedAt: '', expiresAt: 4102444800 });
    await stores.memberships.join({ roomId: 'other-room', connectionId: 'vanished', userId: 'v', name: 'v', joinedAt: '', expiresAt: 4102444800 });

    const result = await createDeliverHandler(deps())({ Records: [await messageRecord('gone', 'g1')] });
    expect(result.batchItemFailures).toEqual([]);
    await Promise.all(listeners.map((l) => l.next((f) => f['clientMessageId'] === 'g1')));
    expect(await stores.connections.get('vanished')).toBeUndefined();
    expect(await stores.memberships.roomsOf('vanished')).toEqual([]);
    expect((await stores.memberships.list('gone', 10)).items.map((m) => m.connectionId).sort()).toEqual([...ids].sort());
  });

  it('reports the first record whose fan-out cannot run, after delivering the ones before it', async () => {
    const { listeners } = await roomWithListeners('before-failure', 1);
    await roomWithListeners('doomed', 1);
    const good = await messageRecord('before-failure', 'ok');
    const failing = await messageRecord('doomed', 'lost-query');
    const after = await messageRecord('before-failure', 'after');
    // DynamoDB answers 500 to every member Query of the doomed room, SDK retries included.
    const heal = tap.failWhen((operation, body) => operation === 'Query' && body.includes('"doomed"'));

    // A lasting outage: page reads give up after their own retries and the record is failed.
    const result = await createDeliverHandler(deps({ pageReadRetry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }))({ Records: [good, failing, after] });
    heal();
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: failing.dynamodb!.SequenceNumber }]);
    await listeners[0]!.next((f) => f['clientMessageId'] === 'ok');
    expect(received(listeners[0]!, 'after')).toBe(0);
  });

  it('skips records that cannot be a message instead of stalling the shard', async () => {
    const { listeners } = await roomWithListeners('poison', 1);
    const record = await messageRecord('poison', 'p1');
    const poison = { ...record, dynamodb: { ...record.dynamodb, NewImage: { roomId: { S: 'poison' } } } };
    const modify = { ...record, eventName: 'MODIFY' as const };
    const next = await messageRecord('poison', 'p2');

    const result = await createDeliverHandler(deps())({ Records: [poison, modify, next] });
    expect(result.batchItemFailures).toEqual([]);
    await listeners[0]!.next((f) => f['clientMessageId'] === 'p2');
    expect(received(listeners[0]!, 'p1')).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('stays within the exponential ceiling and the cap', () => {
    expect(backoffDelay(DEFAULT_RETRY, 0, () => 0.999)).toBeLessThan(DEFAULT_RETRY.baseDelayMs);
    expect(backoffDelay(DEFAULT_RETRY, 3, () => 0.999)).toBeLessThan(DEFAULT_RETRY.baseDelayMs * 8);
    expect(backoffDelay(DEFAULT_RETRY, 30, () => 0.999)).toBeLessThan(DEFAULT_RETRY.maxDelayMs);
    expect(backoffDelay(DEFAULT_RETRY, 5, () => 0)).toBe(0);
  });
});
