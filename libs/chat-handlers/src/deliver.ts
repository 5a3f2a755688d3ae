import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { chatMessageSchema, chunked, messageFrame, type ChatMessage, type DeliveryChunk } from '@relay/chat-core';
import { DELIVERY_FANOUT, DELIVERY_METRICS } from '@relay/runtime-contract';
import { memberSegments, type DeliveryCursor, type PageKey } from '@relay/chat-store';
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
  /** Members per page read (default DELIVERY_FANOUT.pageSize with a queue, DynamoDB's 1 MB page without). */
  pageSize?: number;
  /** Segments of a large room read in parallel, and hand-offs in flight (DELIVERY_FANOUT's by default). */
  readSegments?: number;
  sendsInFlight?: number;
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
  const readPage = <T>(read: () => Promise<T>) => withRetries(pageRetry, read);
  const gone: string[] = [];
  // A retry of a record whose earlier invocation stopped early resumes at its cursor.
  const resuming = withRetries(pageRetry, () => deps.stores.deliveryProgress.resume(message.roomId, message.seq));
  let cursor: DeliveryCursor | undefined;
  if (!deps.queue) {
    cursor = await resuming;
    await postEveryPage(deps, message, frame, report, gone, cursor, readPage, clock);
  } else {
    // A small room (one short page) is posted from here, saving the queue hop. The probe is read
    // beside the cursor (only a retried record has one), not after it: a round trip less before
    // the first post of every message, for a probe wasted on a retry.
    const directMax = deps.directMax ?? DELIVERY_FANOUT.directMax;
    const probing = firstPage(deps, message.roomId, directMax + 1, readPage);
    probing.catch(() => undefined);
    cursor = await resuming;
    const probe = cursor ? undefined : await probing;
    if (probe && probe.length <= directMax) {
      report.recipients = probe.length;
      await postHere(deps, message, frame, probe, report, gone);
    } else {
      await handOff(deps, deps.queue, message, frame, report, cursor ?? {}, readPage, clock);
    }
  }
  if (cursor) await withRetries(pageRetry, () => deps.stores.deliveryProgress.clear(message.roomId, message.seq));
  await removeGoneRecipients(deps, gone);
  const log = report.failed > 0 ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
  log('fan-out done', { roomId: message.roomId, seq: message.seq, ...report });
  return report;
}

async function firstPage(deps: DeliverDeps, roomId: string, limit: number, readPage: ReadPage): Promise<string[] | undefined> {
  for await (const page of deps.stores.memberships.memberPages(roomId, { pageSize: limit, readPage })) {
    return page.nextKey ? undefined : page.connectionIds;
  }
  return [];
}

type ReadPage = <T>(read: () => Promise<T>) => Promise<T>;

/**
 * The two-stage path: the members are read as parallel segments of the key space, each page
 * goes out as chunks while later pages are read (sendsInFlight at most), and the cursor records,
 * per segment, the last page whose hand-off and every earlier one's succeeded. On a failure or
 * near the timeout the cursor is saved, so the retry hands off only the rest.
 */
async function handOff(
  deps: DeliverDeps,
  queue: ChunkQueue,
  message: ChatMessage,
  frame: string,
  report: FanoutReport,
  from: DeliveryCursor,
  readPage: ReadPage,
  clock?: InvocationClock,
): Promise<void> {
  const reserve = deps.timeReserveMs ?? DEFAULT_TIME_RESERVE_MS;
  const chunkSize = deps.chunkSize ?? DELIVERY_FANOUT.chunkSize;
  const segments = memberSegments(deps.readSegments ?? DELIVERY_FANOUT.readSegments);
  const sends: { segment: number; after: PageKey | 'done'; sent: Promise<void> }[] = [];
  const inFlight = new Set<Promise<void>>();
  const pages = mergedPages(
    segments.flatMap((segment, index) => {
      const start = from[index];
      if (start === 'done') return [];
      const read = deps.stores.memberships.memberPages(message.roomId, { pageSize: deps.pageSize ?? DELIVERY_FANOUT.pageSize, segment, from: start, readPage });
      return [[index, read] as const];
    }),
  );
  let failure: unknown;
  let outOfTime = false;
  let sendFailed = false;
  try {
    for await (const { source: index, page } of pages) {
      // After a failed hand-off, stop: what follows would only be handed off again by the retry.
      if (sendFailed) break;
      report.recipients += page.connectionIds.length;
      if (page.connectionIds.length > 0) {
        const chunks = chunked(page.connectionIds, chunkSize);
        const sent = queue.send(chunks.map((ids) => chunkOf(message, frame, ids, 0)));
        report.queued += page.connectionIds.length;
        report.chunks += chunks.length;
        sends.push({ segment: index, after: page.nextKey ?? 'done', sent });
        inFlight.add(sent);
        void sent.then(
          () => inFlight.delete(sent),
          () => {
            inFlight.delete(sent);
            sendFailed = true;
          },
        );
        if (inFlight.size >= (deps.sendsInFlight ?? DELIVERY_FANOUT.sendsInFlight)) await Promise.race(inFlight).catch(() => undefined);
      } else {
        sends.push({ segment: index, after: page.nextKey ?? 'done', sent: Promise.resolve() });
      }
      if (page.nextKey && clock && clock.getRemainingTimeInMillis() < reserve) {
        outOfTime = true;
        break;
      }
    }
  } catch (error) {
    failure = error;
  }
  const settled = await Promise.allSettled(sends.map((s) => s.sent));
  const failedAt = settled.findIndex((r) => r.status === 'rejected');
  failure ??= failedAt === -1 ? undefined : (settled[failedAt] as PromiseRejectedResult).reason;
  if (!failure && !outOfTime) return;
  // Per segment: the last page before its first failed hand-off (pages of one segment go in order).
  const cursor: DeliveryCursor = { ...from };
  const broken = new Set<number>();
  sends.forEach(({ segment, after }, i) => {
    if (broken.has(segment)) return;
    if (settled[i]?.status === 'rejected') broken.add(segment);
    else cursor[segment] = after;
  });
  if (outOfTime && !failure) return pauseAt(deps, message, report, cursor);
  // Best effort: if the cursor cannot be saved either, the retry hands off again (clients dedupe).
  await saveCursor(deps, message, cursor).catch(() => undefined);
  throw failure;
}

/** Single stage (no queue): every page posted from here, in order, checkpointing near the timeout. */
async function postEveryPage(
  deps: DeliverDeps,
  message: ChatMessage,
  frame: string,
  report: FanoutReport,
  gone: string[],
  cursor: DeliveryCursor | undefined,
  readPage: ReadPage,
  clock?: InvocationClock,
): Promise<void> {
  const reserve = deps.timeReserveMs ?? DEFAULT_TIME_RESERVE_MS;
  const start = cursor?.['0'];
  if (start === 'done') return;
  // One source: the next page is read while this one is posted.
  const pages = mergedPages([[0, deps.stores.memberships.memberPages(message.roomId, { pageSize: deps.pageSize, from: start, readPage })]]);
  for await (const { page } of pages) {
    report.recipients += page.connectionIds.length;
    await postHere(deps, message, frame, page.connectionIds, report, gone);
    if (page.nextKey && clock && clock.getRemainingTimeInMillis() < reserve) {
      await removeGoneRecipients(deps, gone.splice(0));
      return pauseAt(deps, message, report, { 0: page.nextKey });
    }
  }
}

function saveCursor(deps: DeliverDeps, message: ChatMessage, cursor: DeliveryCursor): Promise<void> {
  return withRetries(deps.pageReadRetry ?? PAGE_READ_RETRY, () => deps.stores.deliveryProgress.save(message.roomId, message.seq, cursor));
}

/** Near the timeout: saves where the fan-out stands and stops; the record's retry resumes there. */
async function pauseAt(deps: DeliverDeps, message: ChatMessage, report: FanoutReport, cursor: DeliveryCursor): Promise<never> {
  await saveCursor(deps, message, cursor);
  deps.logger.info('fan-out paused before the timeout', { roomId: message.roomId, seq: message.seq, ...report });
  throw new TimeBudgetExhausted(`${message.roomId}/${message.seq}: paused after ${report.recipients} recipients`);
}

function chunkOf(message: ChatMessage, frame: string, connectionIds: string[], round: number): DeliveryChunk {
  return { roomId: message.roomId, seq: message.seq, sentAt: message.sentAt, frame, connectionIds, round };
}

/**
 * Pages from every source as they arrive, tagged with the source's key, each source reading its
 * next page as soon as the last one is taken (so one read per source is in flight, overlapping
 * the caller's work). A failed read ends the merge with its error.
 */
async function* mergedPages<T>(sources: readonly (readonly [number, AsyncGenerator<T>])[]): AsyncGenerator<{ source: number; page: T }> {
  const pending = new Map<number, Promise<{ source: number; result: IteratorResult<T> }>>();
  const pull = ([source, generator]: readonly [number, AsyncGenerator<T>]) => {
    const next = generator.next().then((result) => ({ source, result }));
    next.catch(() => undefined);
    pending.set(source, next);
  };
  const bySource = new Map(sources);
  sources.forEach(pull);
  while (pending.size > 0) {
    const { source, result } = await Promise.race(pending.values());
    pending.delete(source);
    if (result.done) continue;
    pull([source, bySource.get(source) as AsyncGenerator<T>]);
    yield { source, page: result.value };
  }
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
  await deps.queue.send([chunkOf(message, frame, outcome.retryable, 1)], { delaySeconds });
  report.queued += outcome.retryable.length;
  report.chunks += 1;
}
