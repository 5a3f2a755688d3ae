import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamLambda } from './lambda-types';

export interface StreamPumpOptions {
  handler: StreamLambda;
  batchSize?: number;
  /** Retries of a failing record before it goes to the on-failure destination. */
  maxRetries?: number;
  onError?: (message: string, error: unknown) => void;
}

/**
 * Plays the Lambda event source mapping for one shard: in-order batches, ReportBatchItemFailures
 * (retry from the lowest failed sequence number), finite retries, then the record moves to the
 * on-failure destination (kept in `failed`) and the shard moves on.
 */
export class StreamPump {
  readonly failed: DynamoDBRecord[] = [];
  private readonly queue: DynamoDBRecord[] = [];
  private running?: Promise<void>;
  private stopped = false;
  invocations = 0;

  constructor(private readonly options: StreamPumpOptions) {}

  push(record: DynamoDBRecord): void {
    if (this.stopped) return;
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
    const batchSize = this.options.batchSize ?? 100;
    const maxRetries = this.options.maxRetries ?? 3;
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
      if (++attempts > maxRetries) {
        const deadLetter = this.queue.shift();
        if (deadLetter) this.failed.push(deadLetter);
        attempts = 0;
      }
    }
  }

  /** Index of the first record to retry, or -1 when the whole batch succeeded. */
  private async invoke(batch: DynamoDBRecord[]): Promise<number> {
    this.invocations++;
    try {
      const result = await this.options.handler({ Records: batch });
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
