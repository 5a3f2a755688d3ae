import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { chatMessageSchema, DELIVERY_METRICS, messageFrame } from '@relay/chat-core';
import type { HandlerDeps } from './deps';
import { removeConnection } from './cleanup';
import type { ConnectionPoster } from './poster';
import { forEachBounded } from './pool';
import { backoffDelay, DEFAULT_RETRY, isGone, isRetryable, PAGE_READ_RETRY, sleep, withRetries, type RetryPolicy } from './retry';

export interface DeliverDeps extends HandlerDeps {
  poster: ConnectionPoster;
  concurrency: number;
  retry?: RetryPolicy;
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
  delivered: number;
  gone: number;
  failed: number;
  retries: number;
  /** Milliseconds from the message's sentAt to its last delivery (before any cleanup). */
  lastDeliveryMs?: number;
}

/** Gone recipients are removed after the posts, this many at a time. */
const CLEANUP_CONCURRENCY = 8;

type Outcome = 'delivered' | 'gone' | 'failed';

/**
 * DynamoDB Streams consumer. Records are handled in order; the first record whose fan-out cannot
 * run (its member query failed) is reported in batchItemFailures so Lambda retries from there
 * and earlier records are not sent twice. A failure to reach one recipient does not fail the
 * record: re-running it would re-send to everyone else, and the client recovers via history.
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

/** One value per message: p95 over messages is the product's promise (DELIVERY_METRICS). */
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
  const message = parsed.data;
  const frame = JSON.stringify(messageFrame(message));
  const report: FanoutReport = { recipients: 0, delivered: 0, gone: 0, failed: 0, retries: 0 };
  const pageRetry = deps.pageReadRetry ?? PAGE_READ_RETRY;
  const gone: string[] = [];
  const reserve = deps.timeReserveMs ?? DEFAULT_TIME_RESERVE_MS;
  // A retry of a record whose earlier invocation ran out of time resumes at its checkpoint.
  const from = await withRetries(pageRetry, () => deps.stores.deliveryProgress.resumeKey(message.roomId, message.seq));
  const pages = deps.stores.memberships.memberPages(message.roomId, { pageSize: deps.pageSize, from, readPage: (read) => withRetries(pageRetry, read) });
  for await (const { connectionIds, nextKey } of pages) {
    report.recipients += connectionIds.length;
    await forEachBounded(connectionIds, deps.concurrency, async (connectionId) => {
      const outcome = await postWithRetry(deps, connectionId, frame, report);
      report[outcome]++;
      if (outcome === 'gone') gone.push(connectionId);
    });
    if (nextKey && clock && clock.getRemainingTimeInMillis() < reserve) {
      await forEachBounded(gone, CLEANUP_CONCURRENCY, (connectionId) => removeGoneRecipient(deps, connectionId));
      await withRetries(pageRetry, () => deps.stores.deliveryProgress.save(message.roomId, message.seq, nextKey));
      deps.logger.info('fan-out paused before the timeout', { roomId: message.roomId, seq: message.seq, ...report });
      throw new TimeBudgetExhausted(`${message.roomId}/${message.seq}: paused after ${report.recipients} recipients`);
    }
  }
  if (from) await withRetries(pageRetry, () => deps.stores.deliveryProgress.clear(message.roomId, message.seq));
  report.lastDeliveryMs = Math.max(0, Date.now() - Date.parse(message.sentAt));
  // Off the hot path: a gone recipient costs three DynamoDB round trips, which must not hold a
  // delivery slot while live members wait.
  await forEachBounded(gone, CLEANUP_CONCURRENCY, (connectionId) => removeGoneRecipient(deps, connectionId));
  const log = report.failed > 0 ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
  log('fan-out done', { roomId: message.roomId, seq: message.seq, ...report });
  return report;
}

async function postWithRetry(deps: DeliverDeps, connectionId: string, frame: string, report: FanoutReport): Promise<Outcome> {
  const policy = deps.retry ?? DEFAULT_RETRY;
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.poster.post(connectionId, frame);
      return 'delivered';
    } catch (error) {
      if (isGone(error)) return 'gone';
      if (!isRetryable(error) || attempt + 1 >= policy.maxAttempts) {
        deps.logger.warn('could not deliver to connection', { connectionId, error: error as Error, attempt });
        return 'failed';
      }
      report.retries++;
      await sleep(backoffDelay(policy, attempt));
    }
  }
}

async function removeGoneRecipient(deps: DeliverDeps, connectionId: string): Promise<void> {
  try {
    await removeConnection(deps, connectionId);
  } catch (error) {
    deps.logger.warn('410 cleanup failed; TTL will reap the rows', { connectionId, error: error as Error });
  }
}
