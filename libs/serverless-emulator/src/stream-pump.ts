import type { DynamoDBRecord } from 'aws-lambda';
import { DELIVERY_EVENT_SOURCE } from '@relay/runtime-contract';
import type { StreamLambda } from './lambda-types';

export interface StreamPumpOptions {
  handler: StreamLambda;
  /** Default: the stack's event source mapping (DELIVERY_EVENT_SOURCE). */
  batchSize?: number;
  /** Retries of a failing record before it goes to the on-failure destination (default: the stack's). */
  maxRetries?: number;
  /** Records older than this are dead-lettered instead of retried (default: the stack's). */
  maxRecordAgeSeconds?: number;
  /** The function's timeout, told to the handler through its context (default: the stack's). */
  timeoutMs?: number;
  /** Wait between retries of a failing batch: doubling from baseMs up to maxMs. */
  retryBackoff?: { baseMs: number; maxMs: number };
  onError?: (message: string, error: unknown) => void;
}

/** A failing batch waits before its retry, as Lambda backs off, instead of hammering a sick dependency. */
export const DEFAULT_PUMP_BACKOFF = { baseMs: 500, maxMs: 8000 };

/**
 * Plays the Lambda event source mapping for one shard: in-order batches, ReportBatchItemFailures
 * (retry from the lowest failed sequence number), finite retries, then the record moves to the
 * on-failure destination (kept in `failed`) and the shard moves on.
 */
export class StreamPump {
  readonly failed: DynamoDBRecord[] = [];
  private readonly queue: DynamoDBRecord[] = [];
  private running?: Promise<void>;
  /** When each record reached the pump: its age for maximumRecordAgeInSeconds. */
  private readonly received = new WeakMap<DynamoDBRecord, number>();
  private stopped = false;
  invocations = 0;

  constructor(private readonly options: StreamPumpOptions) {}

  push(record: DynamoDBRecord): void {
    if (this.stopped) return;
    this.received.set(record, Date.now());
    this.queue.push(record);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves when every record pushed so far has been processed or dead-lettered. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? DELIVERY_EVENT_SOURCE.batchSize;
    const maxRetries = this.options.maxRetries ?? DELIVERY_EVENT_SOURCE.maximumRetryAttempts;
    const maxAgeMs = (this.options.maxRecordAgeSeconds ?? DELIVERY_EVENT_SOURCE.maximumRecordAgeInSeconds) * 1000;
    const backoff = this.options.retryBackoff ?? DEFAULT_PUMP_BACKOFF;
    let attempts = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, batchSize);
      const failedAt = await this.invoke(batch);
      if (failedAt === -1) {
        this.queue.splice(0, batch.length);
        attempts = 0;
        continue;
      }
      this.queue.splice(0, failedAt);
      if (failedAt > 0) attempts = 0;
      const head = this.queue[0];
      const tooOld = head !== undefined && Date.now() - this.arrivedAt(head) > maxAgeMs;
      if (++attempts > maxRetries || tooOld) {
        const deadLetter = this.queue.shift();
        if (deadLetter) this.failed.push(deadLetter);
        attempts = 0;
        continue;
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempts - 1))));
    }
  }

  private arrivedAt(record: DynamoDBRecord): number {
    // The record's own creation time, as Lambda ages it; the arrival here when it has none.
    const approximate = record.dynamodb?.ApproximateCreationDateTime;
    return approximate ? approximate * 1000 : (this.received.get(record) ?? Date.now());
  }

  /** Index of the first record to retry, or -1 when the whole batch succeeded. */
  private async invoke(batch: DynamoDBRecord[]): Promise<number> {
    this.invocations++;
    try {
      const deadline = Date.now() + (this.options.timeoutMs ?? DELIVERY_EVENT_SOURCE.functionTimeoutSeconds * 1000);
      const result = await this.options.handler({ Records: batch }, { getRemainingTimeInMillis: () => deadline - Date.now() });
      const failures = result?.batchItemFailures ?? [];
      if (failures.length === 0) return -1;
      const failedIds = new Set(failures.map((f) => f.itemIdentifier));
      const index = batch.findIndex((r) => failedIds.has(r.dynamodb?.SequenceNumber ?? ''));
      // An identifier that matches nothing fails the whole batch, as Lambda does.
      return index === -1 ? 0 : index;
    } catch (error) {
      this.options.onError?.('stream handler threw; retrying the batch', error);
      return 0;
    }
  }
}
