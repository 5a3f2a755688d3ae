import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliveryChunkSchema, type DeliveryChunk } from '@relay/chat-core';
import { DELIVERY_FANOUT, DELIVERY_METRICS } from '@relay/runtime-contract';
import type { ChunkQueue } from './chunk-queue';
import { postToAll, removeGoneRecipients, type PostingDeps } from './post';

export interface FanoutWorkerDeps extends PostingDeps {
  /** Where posts that kept failing go again, as a smaller chunk, later. */
  queue: ChunkQueue;
  metrics?: Metrics;
  /** Delay before each re-queue round (default DELIVERY_FANOUT.requeueDelaySeconds). */
  requeueDelaySeconds?: readonly number[];
}

export interface ChunkReport {
  recipients: number;
  delivered: number;
  gone: number;
  requeued: number;
  failed: number;
  retries: number;
  /** Milliseconds from the message's sentAt to this chunk's last delivery. */
  lastDeliveryMs?: number;
}

/**
 * The second stage: an SQS-triggered worker posting one chunk of a message's recipients.
 * Transient failures are retried per post; posts still failing go back on the queue as a new,
 * smaller chunk (a few delayed rounds) instead of failing the whole chunk, which would re-send
 * to everyone already served. A chunk that cannot be handled at all (the re-queue failed, the
 * worker crashed or ran out of time) is redelivered by SQS alone (ReportBatchItemFailures), and
 * after maxReceiveCount receives lands in the chunks' dead-letter queue.
 */
export function createFanoutWorkerHandler(deps: FanoutWorkerDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    try {
      for (const record of event.Records) {
        try {
          const report = await deliverChunkRecord(deps, record);
          if (report) recordMetrics(deps, report);
        } catch (error) {
          deps.logger.error('chunk failed; SQS redelivers it after its visibility timeout', { error: error as Error, messageId: record.messageId });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    } finally {
      deps.metrics?.publishStoredMetrics();
    }
  };
}

function recordMetrics(deps: FanoutWorkerDeps, report: ChunkReport): void {
  if (!deps.metrics) return;
  if (report.lastDeliveryMs !== undefined) deps.metrics.addMetric(DELIVERY_METRICS.latency, MetricUnit.Milliseconds, report.lastDeliveryMs);
  deps.metrics.addMetric(DELIVERY_METRICS.failed, MetricUnit.Count, report.failed);
}

export async function deliverChunkRecord(deps: FanoutWorkerDeps, record: SQSRecord): Promise<ChunkReport | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(record.body);
  } catch {
    raw = undefined;
  }
  const parsed = deliveryChunkSchema.safeParse(raw);
  if (!parsed.success) {
    // Redelivering what can never parse would only fill the dead-letter queue later.
    deps.logger.error('dropping a malformed chunk', { messageId: record.messageId, issues: parsed.error?.issues });
    return undefined;
  }
  return deliverChunk(deps, parsed.data);
}

export async function deliverChunk(deps: FanoutWorkerDeps, chunk: DeliveryChunk): Promise<ChunkReport> {
  const outcome = await postToAll(deps, chunk.connectionIds, chunk.frame);
  const delays = deps.requeueDelaySeconds ?? DELIVERY_FANOUT.requeueDelaySeconds;
  const report: ChunkReport = {
    recipients: chunk.connectionIds.length,
    delivered: outcome.delivered,
    gone: outcome.gone.length,
    requeued: 0,
    failed: outcome.failed.length,
    retries: outcome.retries,
  };
  if (outcome.lastDeliveryAt !== undefined) report.lastDeliveryMs = Math.max(0, outcome.lastDeliveryAt - Date.parse(chunk.sentAt));
  if (outcome.retryable.length > 0) {
    const delaySeconds = delays[chunk.round];
    if (delaySeconds === undefined) {
      report.failed += outcome.retryable.length;
    } else {
      // If this throws, the whole chunk is redelivered: duplicates for some, loss for none.
      await deps.queue.send([{ ...chunk, connectionIds: outcome.retryable, round: chunk.round + 1 }], { delaySeconds });
      report.requeued = outcome.retryable.length;
    }
  }
  await removeGoneRecipients(deps, outcome.gone);
  const log = report.failed > 0 ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
  log('chunk done', { roomId: chunk.roomId, seq: chunk.seq, round: chunk.round, ...report });
  return report;
}
