import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { deliveryChunkSchema, type DeliveryChunk } from '@relay/chat-core';
import { memberSegments } from '@relay/chat-store';
import { LocalQueue, LocalSqsServer, type ChatClient } from '@relay/serverless-emulator';
import { createSqsChunkQueue, sendBatches, type ChunkQueue } from './chunk-queue';
import { deliverRecord, type DeliverDeps } from './deliver';
import { startDeliveryFixture, type DeliveryFixture } from './delivery-fixture';
import { createFanoutWorkerHandler, deliverChunk, type FanoutWorkerDeps } from './fanout-worker';
import { createSignedPoster } from './signed-poster';

/**
 * Both stages against real parts: DynamoDB (dynalite), the local management API with real
 * sockets, and the real SQS client sending to the local queue endpoint. Chunks land in a queue
 * whose worker here only records them, so each stage is checked on its own.
 */
jest.setTimeout(30_000);

const logger = new Logger({ serviceName: 'two-stage-test', logLevel: 'SILENT' });
let fixture: DeliveryFixture;
let sqs: LocalSqsServer;
let queue: ChunkQueue;
const queued: { chunk: DeliveryChunk }[] = [];

beforeAll(async () => {
  fixture = await startDeliveryFixture('two-stage', {});
  sqs = new LocalSqsServer(fixture.gateway.managementCredentials);
  const endpoint = await sqs.start();
  const settings = { visibilityTimeoutMs: 1000, maxReceiveCount: 3, batchSize: 10, maxConcurrency: 1, timeoutMs: 5000 };
  const recorder = new LocalQueue('chunks', settings, async (event) => {
    for (const r of event.Records) queued.push({ chunk: deliveryChunkSchema.parse(JSON.parse(r.body)) });
  });
  queue = createSqsChunkQueue({ queueUrl: sqs.add(recorder), endpoint, region: 'us-east-1' });
});

afterAll(async () => {
  await sqs?.stop();
  await fixture?.stop();
});

const posting = () => ({
  stores: fixture.stores,
  logger,
  poster: createSignedPoster({ endpoint: fixture.gateway.managementEndpoint, region: 'us-east-1', maxSockets: 8 }),
  concurrency: 8,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
});

const consumer = (overrides: Partial<DeliverDeps> = {}): DeliverDeps => ({ ...posting(), queue, chunkSize: 10, directMax: 5, ...overrides });
const worker = (overrides: Partial<FanoutWorkerDeps> = {}): FanoutWorkerDeps => ({ ...posting(), queue, requeueDelaySeconds: [0, 0], ...overrides });
const copies = (client: ChatClient, id: string) => client.messages().filter((m) => m['clientMessageId'] === id).length;
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
};

describe('the stream consumer (first stage)', () => {
  it('posts a room of up to directMax members itself', async () => {
    const { listeners } = await fixture.room('tiny', 5);
    const report = await deliverRecord(consumer(), await fixture.stored('tiny', 't1'));
    expect(report).toMatchObject({ recipients: 5, delivered: 5, queued: 0, chunks: 0 });
    await Promise.all(listeners.map((l) => l.next((f) => f['clientMessageId'] === 't1')));
  });

  it('hands a larger room to the queue in chunks that cover every member exactly once', async () => {
    const { ids } = await fixture.room('big', 34);
    const before = queued.length;
    const report = await deliverRecord(consumer({ pageSize: 15 }), await fixture.stored('big', 'b1'));
    expect(report).toMatchObject({ recipients: 34, delivered: 0, queued: 34 });
    await until(() => queued.length - before === report!.chunks);
    const chunks = queued.slice(before).map((q) => q.chunk);
    expect(chunks.every((c) => c.connectionIds.length <= 10 && c.round === 0 && c.roomId === 'big')).toBe(true);
    expect(chunks.flatMap((c) => c.connectionIds).sort()).toEqual([...ids].sort());
    expect(JSON.parse(chunks[0]!.frame)).toMatchObject({ type: 'message', clientMessageId: 'b1' });
  });

  it('checkpoints what it handed off when the queue fails mid-room, so the retry hands off only the rest', async () => {
    const { ids } = await fixture.room('half', 30);
    const record = await fixture.stored('half', 'h1');
    let sends = 0;
    const flaky: ChunkQueue = {
      send: async (chunks, options) => {
        if (++sends === 2) throw new Error('queue unavailable');
        await queue.send(chunks, options);
      },
    };
    const before = queued.length;
    await expect(deliverRecord(consumer({ pageSize: 5, queue: flaky }), record)).rejects.toThrow('queue unavailable');
    const first = sends - 1; // hand-offs that went through
    const retried = await deliverRecord(consumer({ pageSize: 5 }), record);
    expect(retried!.queued).toBeLessThan(30);
    await until(() => queued.slice(before).flatMap((q) => q.chunk.connectionIds).length >= 30);
    // Everyone was handed off; the retry skipped what had gone out before the failure (pages a
    // segment sent after its failed one may go twice: at-least-once, deduplicated by clients).
    const handedOff = queued.slice(before).flatMap((q) => q.chunk.connectionIds);
    expect([...new Set(handedOff)].sort()).toEqual([...ids].sort());
    expect(first).toBeGreaterThan(0);
  });

  it('reads a large room as parallel segments that cover every member exactly once', async () => {
    const { ids } = await fixture.room('segments', 40);
    const seen: string[] = [];
    for (const segment of memberSegments(4)) {
      for await (const page of fixture.stores.memberships.memberPages('segments', { segment, pageSize: 7 })) seen.push(...page.connectionIds);
    }
    expect(seen.sort()).toEqual([...ids].sort());
    expect(memberSegments(4)).toHaveLength(4);
  });
});

describe('the fan-out worker (second stage)', () => {
  it('posts a chunk and re-queues only the posts that kept failing, one round later, until the rounds run out', async () => {
    const { listeners, ids } = await fixture.room('worker', 12);
    const frame = JSON.stringify({ type: 'message', roomId: 'worker', seq: 1, clientMessageId: 'w1', body: 'x' });
    const chunk: DeliveryChunk = { roomId: 'worker', seq: 1, sentAt: new Date().toISOString(), frame, connectionIds: ids, round: 0 };
    fixture.gateway.setFaults({ throttleEveryNthPost: 3 });
    const before = queued.length;
    try {
      const report = await deliverChunk(worker({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }), chunk);
      expect(report.delivered + report.requeued).toBe(12);
      expect(report.requeued).toBeGreaterThan(0);
      await until(() => queued.length > before);
      const again = queued[before]!.chunk;
      expect(again).toMatchObject({ round: 1, roomId: 'worker', seq: 1 });
      expect(again.connectionIds).toHaveLength(report.requeued);
      // The last round counts what still fails as failed instead of queueing it again.
      const last = await deliverChunk(worker({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }), { ...again, round: 2 });
      expect(last.requeued).toBe(0);
      expect(last.delivered + last.failed).toBe(again.connectionIds.length);
      // Each member was posted once, by the first pass or the re-queued one: no one twice.
      const served = report.delivered + last.delivered;
      await until(() => listeners.filter((l) => copies(l, 'w1') > 0).length === served);
      expect(listeners.map((l) => copies(l, 'w1')).filter((n) => n > 1)).toEqual([]);
    } finally {
      fixture.gateway.setFaults({});
    }
  });

  it('drops a malformed chunk without failing the batch, and reports a chunk it cannot finish for redelivery alone', async () => {
    const { ids } = await fixture.room('batch', 3);
    const frame = JSON.stringify({ type: 'message', clientMessageId: 'x' });
    const good = { roomId: 'batch', seq: 1, sentAt: new Date().toISOString(), frame, connectionIds: ids, round: 0 };
    const broken: ChunkQueue = { send: async () => Promise.reject(new Error('queue unavailable')) };
    fixture.gateway.setFaults({ throttleEveryNthPost: 1 });
    try {
      const handler = createFanoutWorkerHandler(worker({ queue: broken, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }));
      const record = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;
      const result = await handler({
        Records: [record('junk', '{not json'), record('no-ids', JSON.stringify({ ...good, connectionIds: [] })), record('stuck', JSON.stringify(good))],
      });
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'stuck' }]);
    } finally {
      fixture.gateway.setFaults({});
    }
  });

  it('groups chunks into SendMessageBatch calls of at most 10 entries and 256 KiB, and refuses a chunk over the limit', () => {
    const small = Array.from({ length: 23 }, (_, i) => `chunk-${i}`);
    expect(sendBatches(small).map((b) => b.length)).toEqual([10, 10, 3]);
    const big = Array.from({ length: 5 }, () => 'x'.repeat(100 * 1024));
    expect(sendBatches(big).map((b) => b.length)).toEqual([2, 2, 1]);
    expect(() => sendBatches(['x'.repeat(257 * 1024)])).toThrow(/exceeds/);
  });
});
