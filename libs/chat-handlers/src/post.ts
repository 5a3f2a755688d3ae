import type { HandlerDeps } from './deps';
import { removeConnection } from './cleanup';
import type { ConnectionPoster } from './poster';
import { forEachBounded } from './pool';
import { AdaptiveLimit } from './adaptive-limit';
import { backoffDelay, DEFAULT_RETRY, isGone, isRetryable, isThrottled, sleep, type RetryPolicy } from './retry';

export interface PostingDeps extends HandlerDeps {
  poster: ConnectionPoster;
  /** Posts in flight at most (the socket pool is sized to match). */
  concurrency: number;
  /**
   * Shared by every post of the container (so it carries what the last chunk learned about
   * the quota into the next); a fresh one per call when absent.
   */
  limiter?: AdaptiveLimit;
  retry?: RetryPolicy;
}

/** What one pass of posts to a list of connections did. */
export interface PostOutcome {
  delivered: number;
  retries: number;
  /** 410: the socket is gone; its rows are removed off the hot path. */
  gone: string[];
  /** Still failing after the retries, with an error worth another try later (throttles, 5xx, resets). */
  retryable: string[];
  /** Failed with an error no retry fixes. */
  failed: string[];
  /** Date.now() when the last successful post returned. */
  lastDeliveryAt?: number;
}

/** Posts `frame` to every connection with at most `deps.concurrency` in flight, each with jittered retries. */
export async function postToAll(deps: PostingDeps, connectionIds: readonly string[], frame: string): Promise<PostOutcome> {
  const outcome: PostOutcome = { delivered: 0, retries: 0, gone: [], retryable: [], failed: [] };
  const policy = deps.retry ?? DEFAULT_RETRY;
  const limiter = deps.limiter ?? new AdaptiveLimit(deps.concurrency);
  await forEachBounded(connectionIds, deps.concurrency, async (connectionId) => {
    for (let attempt = 0; ; attempt++) {
      await limiter.acquire();
      try {
        await deps.poster.post(connectionId, frame);
        limiter.release(false);
        outcome.delivered++;
        outcome.lastDeliveryAt = Date.now();
        return;
      } catch (error) {
        limiter.release(isThrottled(error));
        if (isGone(error)) {
          outcome.gone.push(connectionId);
          return;
        }
        const retryable = isRetryable(error);
        if (!retryable || attempt + 1 >= policy.maxAttempts) {
          deps.logger.warn('could not deliver to connection', { connectionId, error: error as Error, attempt });
          (retryable ? outcome.retryable : outcome.failed).push(connectionId);
          return;
        }
        outcome.retries++;
        await sleep(backoffDelay(policy, attempt));
      }
    }
  });
  return outcome;
}

/** Gone recipients are removed after the posts, this many at a time. */
const CLEANUP_CONCURRENCY = 8;

/**
 * Off the hot path: a gone recipient costs three DynamoDB round trips (its rooms, a batch
 * delete, the connection row), which must never hold a delivery slot while live members wait.
 */
export async function removeGoneRecipients(deps: HandlerDeps, connectionIds: readonly string[]): Promise<void> {
  await forEachBounded(connectionIds, CLEANUP_CONCURRENCY, async (connectionId) => {
    try {
      await removeConnection(deps, connectionId);
    } catch (error) {
      deps.logger.warn('410 cleanup failed; TTL will reap the rows', { connectionId, error: error as Error });
    }
  });
}
