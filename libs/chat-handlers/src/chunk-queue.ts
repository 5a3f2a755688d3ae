import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DeliveryChunk } from '@relay/chat-core';
import { backoffDelay, sleep, withRetries, type RetryPolicy } from './retry';

/** Where the stream consumer hands chunks to the fan-out workers. */
export interface ChunkQueue {
  /** Resolves once every chunk is accepted by the queue; throws if one cannot be. */
  send(chunks: readonly DeliveryChunk[], options?: { delaySeconds?: number }): Promise<void>;
}

/** SendMessageBatch takes 10 entries and, portably, 256 KiB in all. */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;
const QUEUE_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 1000, minFraction: 0.5 };

/** Groups bodies into SendMessageBatch calls within the entry and byte limits, in order. */
export function sendBatches(bodies: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (size > MAX_BATCH_BYTES) throw new Error(`a chunk of ${size} bytes exceeds the queue's ${MAX_BATCH_BYTES}-byte limit`);
    if (current.length === MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export function createSqsChunkQueue(options: { queueUrl: string; region?: string; endpoint?: string; client?: SQSClient }): ChunkQueue {
  const client =
    options.client ??
    new SQSClient({
      region: options.region,
      endpoint: options.endpoint,
      // Retries are ours: failed entries of a batch are re-sent alone, with backoff.
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 5000 }),
    });
  return {
    async send(chunks, { delaySeconds } = {}) {
      const batches = sendBatches(chunks.map((chunk) => JSON.stringify(chunk)));
      await Promise.all(batches.map((batch) => sendBatch(client, options.queueUrl, batch, delaySeconds)));
    },
  };
}

async function sendBatch(client: SQSClient, queueUrl: string, bodies: string[], delaySeconds?: number): Promise<void> {
  let pending = bodies.map((body, i) => ({ Id: String(i), MessageBody: body, DelaySeconds: delaySeconds }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    const entries = pending;
    const result = await withRetries(QUEUE_RETRY, () => client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
    const failed = result.Failed ?? [];
    const ours = failed.find((f) => f.SenderFault);
    if (ours) throw new Error(`the queue refused a chunk: ${ours.Code}: ${ours.Message}`);
    if (failed.length > 0 && attempt + 1 >= QUEUE_RETRY.maxAttempts) throw new Error(`${failed.length} chunks were not queued after ${attempt + 1} attempts`);
    const retry = new Set(failed.map((f) => f.Id));
    pending = entries.filter((e) => retry.has(e.Id));
    if (pending.length > 0) await sleep(backoffDelay(QUEUE_RETRY, attempt));
  }
}
