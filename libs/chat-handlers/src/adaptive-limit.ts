/**
 * Posts in flight for one delivery container, adapting to the account's API Gateway quota
 * (additive increase, multiplicative decrease): it halves on a throttle, at most once per
 * `cooldownMs` so one burst of 429s counts once, and grows by one per limit's worth of
 * successes, up to `max`. Workers sharing one quota settle near their share of it instead of
 * all retrying at full concurrency and spending the quota's headroom on 429s.
 */
export class AdaptiveLimit {
  private current: number;
  private inFlight = 0;
  private lastDecrease = -Infinity;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly max: number,
    private readonly cooldownMs = 50,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`a concurrency limit is a positive integer, not ${max}`);
    this.current = max;
  }

  get limit(): number {
    return Math.floor(this.current);
  }

  tryAcquire(): boolean {
    if (this.inFlight >= this.limit) return false;
    this.inFlight++;
    return true;
  }

  /** Resolves holding a slot: a waiter is handed the slot a release frees, in arrival order. */
  async acquire(): Promise<void> {
    if (this.tryAcquire()) return;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(throttled: boolean): void {
    this.inFlight--;
    if (throttled) {
      const at = this.now();
      if (at - this.lastDecrease >= this.cooldownMs) {
        this.current = Math.max(1, this.current / 2);
        this.lastDecrease = at;
      }
    } else {
      this.current = Math.min(this.max, this.current + 1 / this.current);
    }
    // Wake only as many waiters as there are free slots, each already holding its own: waking
    // every waiter on every release made a worker's 800 queued posts spin 800 times per post.
    while (this.waiting.length > 0 && this.inFlight < this.limit) {
      this.inFlight++;
      this.waiting.shift()?.();
    }
  }
}
