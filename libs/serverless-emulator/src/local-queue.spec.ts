import type { SQSEvent } from 'aws-lambda';
import { LocalQueue, type LocalQueueSettings } from './local-queue';

const settings = (overrides: Partial<LocalQueueSettings> = {}): LocalQueueSettings => ({
  visibilityTimeoutMs: 200,
  maxReceiveCount: 3,
  batchSize: 2,
  maxConcurrency: 2,
  timeoutMs: 1000,
  ...overrides,
});
const bodies = (e: SQSEvent) => e.Records.map((r) => r.body);

describe('LocalQueue (SQS and its Lambda event source)', () => {
  it('hands messages out in batches, at most maxConcurrency invocations at once, and deletes what succeeded', async () => {
    const batches: string[][] = [];
    let running = 0;
    let peak = 0;
    const queue = new LocalQueue('q', settings(), async (e) => {
      peak = Math.max(peak, ++running);
      batches.push(bodies(e));
      await new Promise((r) => setTimeout(r, 20));
      running--;
    });
    ['a', 'b', 'c', 'd', 'e'].forEach((b) => queue.send(b));
    await queue.idle();
    expect(batches.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
    expect(peak).toBe(2);
    expect(queue.depth).toBe(0);
  });

  it('keeps only the reported failures of a batch, and gives them back after the visibility timeout', async () => {
    const seen: { body: string; at: number }[] = [];
    let failB = true;
    const queue = new LocalQueue('q', settings(), async (e) => {
      e.Records.forEach((r) => seen.push({ body: r.body, at: Date.now() }));
      const b = e.Records.find((r) => r.body === 'b');
      if (b && failB) {
        failB = false;
        return { batchItemFailures: [{ itemIdentifier: b.messageId }] };
      }
      return { batchItemFailures: [] };
    });
    queue.send('a');
    queue.send('b');
    await queue.idle();
    expect(seen.map((s) => s.body)).toEqual(['a', 'b', 'b']);
    const [, first, second] = seen;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(190);
    expect(queue.receives).toHaveLength(3);
  });

  it('redelivers the batch of a worker that threw, crashed or ran past its timeout, and each such batch alone', async () => {
    const handled: string[] = [];
    const attempts = new Map<string, number>();
    const queue = new LocalQueue('q', settings({ timeoutMs: 100, batchSize: 1 }), async (e) => {
      const body = bodies(e)[0]!;
      const attempt = (attempts.get(body) ?? 0) + 1;
      attempts.set(body, attempt);
      if (body === 'throws' && attempt === 1) throw new Error('boom');
      if (body === 'slow' && attempt === 1) await new Promise((r) => setTimeout(r, 300));
      handled.push(body);
    });
    queue.crashNext((body) => body === 'crashes');
    const ids = Object.fromEntries(['throws', 'slow', 'crashes', 'fine'].map((b) => [b, queue.send(b).messageId]));
    await queue.idle();
    const receives = (body: string) => queue.receives.filter((id) => id === ids[body]).length;
    expect([receives('throws'), receives('slow'), receives('crashes'), receives('fine')]).toEqual([2, 2, 2, 1]);
    expect(handled).toEqual(expect.arrayContaining(['throws', 'crashes', 'fine']));
    expect(queue.deadLetters).toEqual([]);
    expect(queue.depth).toBe(0);
  });

  it('moves a message that keeps failing to the dead-letter queue after maxReceiveCount receives, and goes on', async () => {
    const queue = new LocalQueue('q', settings({ visibilityTimeoutMs: 20, batchSize: 1 }), async (e) => {
      if (bodies(e)[0] === 'poison') throw new Error('never works');
    });
    queue.send('poison');
    queue.send('fine');
    await queue.idle();
    expect(queue.deadLetters.map((d) => [d.body, d.receiveCount])).toEqual([['poison', 3]]);
    expect(queue.depth).toBe(0);
  });

  it('holds a delayed message back until its delay has passed', async () => {
    const at: number[] = [];
    const queue = new LocalQueue('q', settings(), async () => void at.push(Date.now()));
    const sent = Date.now();
    queue.send('later', 1);
    await queue.idle();
    expect(at[0]! - sent).toBeGreaterThanOrEqual(990);
  });
});
