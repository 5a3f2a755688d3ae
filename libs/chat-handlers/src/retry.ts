export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 25, maxDelayMs: 1000 };

/** "Full jitter" backoff: spreads a thundering herd of throttled posts instead of re-aligning it. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const THROTTLE_NAMES = new Set(['LimitExceededException', 'TooManyRequestsException', 'ThrottlingException']);

export function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

export function isGone(error: unknown): boolean {
  return (error as Error)?.name === 'GoneException' || statusOf(error) === 410;
}

/** Throttling and server-side faults are worth another try; other client errors are not. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  return THROTTLE_NAMES.has((error as Error)?.name) || status === 429 || (status !== undefined && status >= 500);
}
