export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Share of each wait that is fixed (0 = full jitter, the default; 0.5 = "equal jitter").
   * A floor makes the total patience predictable, e.g. to outlast an outage of known length.
   */
  minFraction?: number;
}

/**
 * A post's retries. At the account quota most retries are throttles, and the AIMD limit does
 * the pacing, so waits stay short (a long one leaves quota unused) and attempts many: at 10,000
 * posts/s, 100k followers finish near the quota floor in bench:fanout's model (6 attempts
 * capped at 1 s left 40% on the table).
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 12, baseDelayMs: 25, maxDelayMs: 250 };

/** "Full jitter" backoff: spreads a thundering herd of throttled posts instead of re-aligning it. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const floor = ceiling * (policy.minFraction ?? 0);
  return Math.floor(floor + random() * (ceiling - floor));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const THROTTLE_NAMES = new Set(['LimitExceededException', 'TooManyRequestsException', 'ThrottlingException']);

export function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** The API's quota said no (429 or a throttling error): the sender should slow down. */
export function isThrottled(error: unknown): boolean {
  return THROTTLE_NAMES.has((error as Error)?.name ?? '') || statusOf(error) === 429;
}

export function isGone(error: unknown): boolean {
  return (error as Error)?.name === 'GoneException' || statusOf(error) === 410;
}

/** What a dropped or stalled connection looks like from Node and the SDK's HTTP handler. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError']);

/**
 * Worth another try: throttling, server-side faults, and transient network failures (a reset
 * of an idle keep-alive socket, a timeout). Treating those as final would silently drop a live
 * member's delivery. Other client errors are not retried.
 */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  const { name, code, message } = (error ?? {}) as { name?: string; code?: string; message?: string };
  return (
    THROTTLE_NAMES.has(name ?? '') ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    TRANSIENT_NAMES.has(name ?? '') ||
    TRANSIENT_CODES.has(code ?? '') ||
    /socket hang up/i.test(message ?? '')
  );
}

/** Runs `op`, retrying retryable failures with full-jitter backoff; the last failure is thrown. */
export async function withRetries<T>(policy: RetryPolicy, op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!isRetryable(error) || attempt + 1 >= policy.maxAttempts) throw error;
      await sleep(backoffDelay(policy, attempt));
    }
  }
}

/**
 * Member page reads during fan-out ride out a DynamoDB blip of several seconds in place, so the
 * record is not failed (and its earlier pages re-sent) for a short outage.
 */
export const PAGE_READ_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 2000, minFraction: 0.5 };
// At least 50+100+200+400+800+1000x4 ms = 5.55 s of patience before the record is failed, and
// then the event source mapping retries it with backoff on top.
