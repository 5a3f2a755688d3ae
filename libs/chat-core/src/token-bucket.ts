/**
 * API Gateway's throttling algorithm: a bucket of `burst` tokens refilled at `ratePerSecond`;
 * a request takes one or is refused. The local gateway uses it to mirror the @connections
 * limit, and every WebSocket route to limit one connection's frames.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes a token; when there is none, answers how long until one is due (ms), and takes nothing. */
  take(): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return { ok: false, retryAfterMs: Math.max(1, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000)) };
    this.tokens -= 1;
    return { ok: true };
  }

  /** Full again: nothing taken within the time a full refill takes. */
  isFull(): boolean {
    return this.tokens + ((this.clock() - this.last) / 1000) * this.ratePerSecond >= this.burst;
  }
}

/**
 * One bucket per key (a connection id), held in memory by one process (a Lambda container,
 * the local host). Buckets that have refilled are forgotten first, so a flood of new keys
 * cannot grow memory past `maxKeys`, and forgetting one loses nothing it was owed.
 */
export class KeyedTokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxKeys = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  take(key: string): { ok: true } | { ok: false; retryAfterMs: number } {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict();
      bucket = new TokenBucket(this.ratePerSecond, this.burst, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
    // All still draining: drop the oldest quarter (insertion order), which at worst hands a
    // flooding key a fresh burst; memory stays bounded either way.
    if (this.buckets.size >= this.maxKeys) {
      let drop = Math.ceil(this.maxKeys / 4);
      for (const key of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }
}
