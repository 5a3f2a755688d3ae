import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DELIVERY_EVENT_SOURCE } from '@relay/runtime-contract';
import { StreamPump } from './stream-pump';

const record = (n: number): DynamoDBRecord => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(n).padStart(21, '0') } });
const seqOf = (r: DynamoDBRecord) => Number(r.dynamodb?.SequenceNumber);

describe('StreamPump (event source mapping semantics)', () => {
  it('delivers records in order in batches', async () => {
    const seen: number[][] = [];
    const pump = new StreamPump({ handler: async (e: DynamoDBStreamEvent) => void seen.push(e.Records.map(seqOf)), batchSize: 2 });
    [1, 2, 3, 4, 5].forEach((n) => pump.push(record(n)));
    await pump.idle();
    expect(seen.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((b) => b.length <= 2)).toBe(true);
  });

  it('retries from the reported record, not before it', async () => {
    const seen: number[] = [];
    let failOnce = true;
    const pump = new StreamPump({
      handler: async (e) => {
        const failures = [];
        for (const r of e.Records) {
          if (seqOf(r) === 3 && failOnce) {
            failOnce = false;
            failures.push({ itemIdentifier: r.dynamodb!.SequenceNumber! });
            break;
          }
          seen.push(seqOf(r));
        }
        return { batchItemFailures: failures };
      },
    });
    [1, 2, 3, 4].forEach((n) => pump.push(record(n)));
    await pump.idle();
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(pump.failed).toEqual([]);
  });

  it('sends a record that keeps failing to the on-failure destination after finite retries and moves on', async () => {
    const attempts = new Map<number, number>();
    const succeeded: number[] = [];
    const pump = new StreamPump({
      maxRetries: 2,
      retryBackoff: { baseMs: 1, maxMs: 1 },
      onError: () => undefined,
      handler: async (e) => {
        for (const r of e.Records) attempts.set(seqOf(r), (attempts.get(seqOf(r)) ?? 0) + 1);
        if (seqOf(e.Records[0]!) === 1) throw new Error('poison');
        succeeded.push(...e.Records.map(seqOf));
        return { batchItemFailures: [] };
      },
    });
    [1, 2].forEach((n) => pump.push(record(n)));
    await pump.idle();
    expect(pump.failed.map(seqOf)).toEqual([1]);
    expect(attempts.get(1)).toBe(3); // first try + 2 retries
    expect(succeeded).toEqual([2]);
  });

  it('plays by the stack: its retry count by default, with growing waits between retries', async () => {
    const calls: number[] = [];
    const pump = new StreamPump({
      retryBackoff: { baseMs: 20, maxMs: 80 },
      onError: () => undefined,
      handler: async () => {
        calls.push(Date.now());
        throw new Error('down');
      },
    });
    pump.push(record(1));
    await pump.idle();
    expect(calls).toHaveLength(1 + DELIVERY_EVENT_SOURCE.maximumRetryAttempts);
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    // Waits of at least 20, 40, 80, 80, 80 ms (timers never fire early; a busy box only adds).
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(80, 20 * 2 ** i) - 2));
    expect(pump.failed.map(seqOf)).toEqual([1]);
  });

  it('dead-letters a record past the maximum record age instead of retrying it', async () => {
    let calls = 0;
    const pump = new StreamPump({
      maxRecordAgeSeconds: 60,
      retryBackoff: { baseMs: 1, maxMs: 1 },
      onError: () => undefined,
      handler: async () => {
        calls++;
        throw new Error('down');
      },
    });
    const old = { ...record(1), dynamodb: { ...record(1).dynamodb, ApproximateCreationDateTime: Date.now() / 1000 - 120 } };
    pump.push(old);
    await pump.idle();
    expect(pump.failed).toHaveLength(1);
    expect(calls).toBe(1);
  });
});
