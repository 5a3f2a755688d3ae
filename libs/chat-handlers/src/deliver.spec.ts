import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DELIVERY_METRICS } from '@relay/runtime-contract';
import type { ChatClient, LocalWebSocketGateway } from '@relay/serverless-emulator';
import type { ChatStores } from '@relay/chat-store';
import type { DynamoStreamTap } from '@relay/dynamo-emulator';
import { createDeliverHandler, deliverRecord, type DeliverDeps } from './deliver';
import { startDeliveryFixture, type DeliveryFixture } from './delivery-fixture';
import { createSignedPoster } from './signed-poster';
import { backoffDelay, DEFAULT_RETRY } from './retry';

jest.setTimeout(30_000);

const logger = new Logger({ serviceName: 'deliver-test', logLevel: 'SILENT' });
let fixture: DeliveryFixture;
let stores: ChatStores;
let tap: DynamoStreamTap;
let gateway: LocalWebSocketGateway;

beforeAll(async () => {
  // A management API that throttles every third post: fan-out to 60 hits 429s on any machine.
  fixture = await startDeliveryFixture('deliver-test', { throttleEveryNthPost: 3 });
  ({ stores, tap, gateway } = fixture);
});

afterAll(() => fixture?.stop());

function deps(overrides: Partial<DeliverDeps> = {}): DeliverDeps {
  return {
    stores,
    logger,
    poster: createSignedPoster({ endpoint: gateway.managementEndpoint, region: 'us-east-1', maxSockets: 16 }),
    concurrency: 16,
    retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 200 },
    ...overrides,
  };
}

const roomWithListeners = (roomId: string, count: number) => fixture.room(roomId, count);
const messageRecord = (roomId: string, clientMessageId: string) => fixture.stored(roomId, clientMessageId);

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

  it('removes 10% gone recipients after delivering to every live one, never inside a delivery slot', async () => {
    const { listeners } = await roomWithListeners('tenth-gone', 27);
    const goneIds = ['g1', 'g2', 'g3'];
    for (const connectionId of goneIds) {
      await stores.connections.put({ connectionId, userId: connectionId, name: 'x', connectedAt: '', expiresAt: 4102444800 });
      await stores.memberships.join({ roomId: 'tenth-gone', connectionId, userId: connectionId, name: 'x', joinedAt: '', expiresAt: 4102444800 });
    }
    // Count finished posts; cleanup is the only reader of the by-connection index, so the count
    // when it first reads says whether any post was still waiting for a slot.
    const base = deps();
    let postsDone = 0;
    const poster = {
      post: async (id: string, data: string) => {
        try {
          await base.poster.post(id, data);
        } finally {
          postsDone++;
        }
      },
    };
    const doneAtCleanup: number[] = [];
    const stopWatching = tap.failWhen((operation, body) => {
      if (operation === 'Query' && body.includes('byConnection') && doneAtCleanup.length === 0) doneAtCleanup.push(postsDone);
      return false;
    });
    const report = await deliverRecord({ ...base, poster }, await messageRecord('tenth-gone', 'tg'));
    stopWatching();
    expect(report).toMatchObject({ recipients: 30, delivered: 27, gone: 3, failed: 0 });
    expect(doneAtCleanup).toEqual([postsDone]); // every post had finished before the first cleanup call
    await Promise.all(listeners.map((l) => l.next((f) => f['clientMessageId'] === 'tg')));
    for (const connectionId of goneIds) expect(await stores.connections.get(connectionId)).toBeUndefined();
    expect((await stores.memberships.list('tenth-gone', 100)).items).toHaveLength(27);
  });

  it('publishes post-to-last-delivery time and recipients per message as CloudWatch EMF', async () => {
    await roomWithListeners('metered', 3);
    delete process.env['POWERTOOLS_METRICS_DISABLED'];
    const metrics = new Metrics({ namespace: DELIVERY_METRICS.namespace, serviceName: DELIVERY_METRICS.service, defaultDimensions: { environment: 'test' } });
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      await createDeliverHandler(deps({ metrics }))({ Records: [await messageRecord('metered', 'm1'), await messageRecord('metered', 'm2')] });
    } finally {
      process.stdout.write = write;
    }
    const emf = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    const document = emf[0]!;
    expect(document).toMatchObject({ service: 'chat', environment: 'test', [DELIVERY_METRICS.recipients]: [3, 3], [DELIVERY_METRICS.failed]: [0, 0] });
    const latency = document[DELIVERY_METRICS.latency] as number[];
    expect(latency).toHaveLength(2);
    for (const ms of latency) expect(ms).toBeGreaterThanOrEqual(0);
    const directive = (document['_aws'] as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] })
      .CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('Relay');
    expect(directive.Dimensions.flat()).toEqual(expect.arrayContaining(['service', 'environment']));
    expect(directive.Metrics.map((m) => m.Name)).toEqual(expect.arrayContaining([DELIVERY_METRICS.latency, DELIVERY_METRICS.recipients]));
  });

  it('pauses before its timeout at a checkpoint, and the retry serves only those not yet served', async () => {
    const { listeners } = await roomWithListeners('budget', 30);
    const record = await messageRecord('budget', 'b1');
    const handler = createDeliverHandler(deps({ pageSize: 10, timeReserveMs: 1000 }));
    // The first invocation is nearly out of time after its first page, as if it started late.
    const first = await handler({ Records: [record] }, { getRemainingTimeInMillis: () => 500 });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    const seq = Number(record.dynamodb!.NewImage!['seq']!.N);
    expect(await stores.deliveryProgress.resume('budget', seq)).toMatchObject({ 0: { roomId: 'budget' } });
    // Lambda retries the record with a full budget: it resumes at the checkpoint.
    const second = await handler({ Records: [record] }, { getRemainingTimeInMillis: () => 60_000 });
    expect(second.batchItemFailures).toEqual([]);
    await Promise.all(listeners.map((l) => l.next((f) => f['clientMessageId'] === 'b1')));
    await new Promise((r) => setTimeout(r, 200)); // room for any duplicate to arrive
    expect(listeners.map((l) => received(l, 'b1'))).toEqual(Array(30).fill(1));
    expect(await stores.deliveryProgress.resume('budget', seq)).toBeUndefined();
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
