import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { chatMessageSchema, chunked, DELIVERY_FANOUT, DELIVERY_METRICS, messageFrame, type ChatMessage } from '@relay/chat-core';
import type { PageKey } from '@relay/chat-store';
import type { ChunkQueue } from './chunk-queue';
import { postToAll, removeGoneRecipients, type PostingDeps } from './post';
import { PAGE_READ_RETRY, withRetries, type RetryPolicy } from './retry';

export interface DeliverDeps extends PostingDeps {
  /**
   * The fan-out workers' queue. With it, rooms above `directMax` members are handed off in
   * chunks; without it every room is posted here (single stage, as bench:fanout compares).
   */
  queue?: ChunkQueue;
  /** Connection ids per chunk (default DELIVERY_FANOUT.chunkSize). */
  chunkSize?: number;
  /** Rooms up to this many members are posted here, saving the hop (default DELIVERY_FANOUT.directMax). */
  directMax?: number;
  /** Retries of a member page read before the record is failed (default PAGE_READ_RETRY). */
  pageReadRetry?: RetryPolicy;
  /** Per-message delivery metrics (EMF); published once per invocation. */
  metrics?: Metrics;
  /** Members per page read (default: DynamoDB's 1 MB page). */
  pageSize?: number;
  /**
   * Time kept in reserve before the invocation's timeout: with less left than this after a page,
   * the fan-out checkpoints and stops, and the record's retry resumes at the next page.
   */
  timeReserveMs?: number;
}

/** Lambda's own clock, when there is one. */
export interface InvocationClock {
  getRemainingTimeInMillis(): number;
}

/** A fan-out that stopped at a checkpoint to stay clear of its timeout. */
export class TimeBudgetExhausted extends Error {}

/** Enough for a page of posts at their slowest (retries included) plus the checkpoint write. */
export const DEFAULT_TIME_RESERVE_MS = 15_000;

export interface FanoutReport {
  recipients: number;
  /** Posted here (small rooms, or every room without a queue). */
  delivered: number;
  gone: number;
  failed: number;
  retries: number;
  /** Recipients handed to the workers, and in how many chunks. */
  queued: number;
  chunks: number;
  /** Milliseconds from the message's sentAt to its last delivery here (before any cleanup). */
  lastDeliveryMs?: number;
}

/**
 * DynamoDB Streams consumer, the first stage of delivery. Records are handled in order; the
 * first record whose fan-out cannot run (its member query failed after its retries) is
 * reported in batchItemFailures so Lambda retries from there and earlier records are not sent
 * twice. A failure to reach one recipient does not fail the record: re-running it would
 * re-send to everyone else.
 */
export function createDeliverHandler(deps: DeliverDeps) {
  return async (event: DynamoDBStreamEvent, context?: InvocationClock): Promise<DynamoDBBatchResponse> => {
    try {
      for (const record of event.Records) {
        try {
          const report = await deliverRecord(deps, record, context);
          if (report) recordMetrics(deps, report);
        } catch (error) {
          const retry = { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
          if (error instanceof TimeBudgetExhausted) {
            deps.logger.info('time budget reached: checkpointed; the retry resumes where this stopped', { sequenceNumber: record.dynamodb?.SequenceNumber });
            return retry;
          }
          deps.logger.error('fan-out failed; asking Lambda to retry from this record', {
            error: error as Error,
            sequenceNumber: record.dynamodb?.SequenceNumber,
          });
          return retry;
        }
      }
      return { batchItemFailures: [] };
    } finally {
      deps.metrics?.publishStoredMetrics();
    }
  };
}

/** Latency per message posted here; chunks report their own from the workers (DELIVERY_METRICS). */
function recordMetrics(deps: DeliverDeps, report: FanoutReport): void {
  if (!deps.metrics) return;
  if (report.lastDeliveryMs !== undefined && report.delivered > 0) {
    deps.metrics.addMetric(DELIVERY_METRICS.latency, MetricUnit.Milliseconds, report.lastDeliveryMs);
  }
  deps.metrics.addMetric(DELIVERY_METRICS.recipients, MetricUnit.Count, report.recipients);
  deps.metrics.addMetric(DELIVERY_METRICS.failed, MetricUnit.Count, report.failed);
}

export async function deliverRecord(deps: DeliverDeps, record: DynamoDBRecord, clock?: InvocationClock): Promise<FanoutReport | undefined> {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return undefined;
  const parsed = chatMessageSchema.safeParse(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>));
  if (!parsed.success) {
    // Retrying a record that can never parse would stall the shard; log it for the on-call instead.
    deps.logger.error('skipping malformed message record', {
      sequenceNumber: record.dynamodb.SequenceNumber,
      issues: parsed.error.issues,
    });
    return undefined;
  }
  return fanOut(deps, parsed.data, clock);
}

async function fanOut(deps: DeliverDeps, message: ChatMessage, clock?: InvocationClock): Promise<FanoutReport> {
  const frame = JSON.stringify(messageFrame(message));
  const report: FanoutReport = { recipients: 0, delivered: 0, gone: 0, failed: 0, retries: 0, queued: 0, chunks: 0 };
  const pageRetry = deps.pageReadRetry ?? PAGE_READ_RETRY;
  const directMax = deps.directMax ?? DELIVERY_FANOUT.directMax;
  const reserve = deps.timeReserveMs ?? DEFAULT_TIME_RESERVE_MS;
  const gone: string[] = [];
  const checkpoint = (key: PageKey) => withRetries(pageRetry, () => deps.stores.deliveryProgress.save(message.roomId, message.seq, key));
  // A retry of a record whose earlier invocation stopped early resumes at its checkpoint.
  const from = await withRetries(pageRetry, () => deps.stores.deliveryProgress.resumeKey(message.roomId, message.seq));
  const pages = prefetched(
    deps.stores.memberships.memberPages(message.roomId, { pageSize: deps.pageSize, from, readPage: (read) => withRetries(pageRetry, read) }),
  );
  /** The page after the last one fully handed off: where a retry would resume. */
  let handedOffTo: PageKey | undefined;
  let first = true;
  try {
    for await (const { connectionIds, nextKey } of pages) {
      report.recipients += connectionIds.length;
      const smallRoom = first && !from && !nextKey && connectionIds.length <= directMax;
      first = false;
      if (!deps.queue || smallRoom) {
        await postHere(deps, message, frame, connectionIds, report, gone);
      } else {
        const chunks = chunked(connectionIds, deps.chunkSize ?? DELIVERY_FANOUT.chunkSize);
        await deps.queue.send(chunks.map((ids) => ({ roomId: message.roomId, seq: message.seq, sentAt: message.sentAt, frame, connectionIds: ids, round: 0 })));
        report.queued += connectionIds.length;
        report.chunks += chunks.length;
      }
      handedOffTo = nextKey;
      if (nextKey && clock && clock.getRemainingTimeInMillis() < reserve) {
        await removeGoneRecipients(deps, gone);
        await checkpoint(nextKey);
        deps.logger.info('fan-out paused before the timeout', { roomId: message.roomId, seq: message.seq, ...report });
        throw new TimeBudgetExhausted(`${message.roomId}/${message.seq}: paused after ${report.recipients} recipients`);
      }
    }
  } catch (error) {
    // Whatever failed, the retry need not hand off again what already went (best effort: the
    // checkpoint write may fail too, and then the retry re-sends, which clients dedupe).
    if (!(error instanceof TimeBudgetExhausted) && handedOffTo) await checkpoint(handedOffTo).catch(() => undefined);
    throw error;
  }
  if (from) await withRetries(pageRetry, () => deps.stores.deliveryProgress.clear(message.roomId, message.seq));
  await removeGoneRecipients(deps, gone);
  const log = report.failed > 0 ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
  log('fan-out done', { roomId: message.roomId, seq: message.seq, ...report });
  return report;
}

/** Posts one page from here; what keeps failing goes to the workers for a delayed retry when there are workers. */
async function postHere(deps: DeliverDeps, message: ChatMessage, frame: string, connectionIds: string[], report: FanoutReport, gone: string[]): Promise<void> {
  const outcome = await postToAll(deps, connectionIds, frame);
  report.delivered += outcome.delivered;
  report.retries += outcome.retries;
  report.failed += outcome.failed.length;
  gone.push(...outcome.gone);
  report.gone += outcome.gone.length;
  if (outcome.lastDeliveryAt !== undefined) report.lastDeliveryMs = Math.max(0, outcome.lastDeliveryAt - Date.parse(message.sentAt));
  if (outcome.retryable.length === 0) return;
  if (!deps.queue) {
    report.failed += outcome.retryable.length;
    return;
  }
  const [delaySeconds] = DELIVERY_FANOUT.requeueDelaySeconds;
  await deps.queue.send([{ roomId: message.roomId, seq: message.seq, sentAt: message.sentAt, frame, connectionIds: outcome.retryable, round: 1 }], {
    delaySeconds,
  });
  report.queued += outcome.retryable.length;
  report.chunks += 1;
}

/**
 * Reads the next page while the current one is being handed off or posted, so reads and
 * posts overlap. A read that fails while nobody awaits it is observed here and rethrown
 * where the loop reaches it.
 */
async function* prefetched<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  for (;;) {
    next.catch(() => undefined);
    const result = await next;
    if (result.done) return;
    next = source.next();
    yield result.value;
  }
}
