import { chunked } from '@relay/chat-core';
import { AdaptiveLimit, type RetryPolicy } from '@relay/chat-handlers';
import { quotaFloorMs } from '@relay/platform-config';

/**
 * A discrete-event model of deployed delivery on a virtual clock: what one post to N followers
 * costs in time and calls, single-stage (the stream consumer posts everyone) against two-stage
 * (chunks through SQS to parallel workers). It runs the code's own numbers (chunk size,
 * small-room threshold, retry policy, the AIMD limit class itself) and the stack's (posts in
 * flight, workers), plus what a run measures (CPU per post, page read time) and what only
 * AWS knows (per-post latency, the account's API Gateway quota). A model, not a measurement.
 */
export interface ModelParams {
  followers: number;
  mode: 'single-stage' | 'two-stage';
  /** Round trip of one PostToConnection (default 20 ms). */
  postLatencyMs: number;
  /** The account's API Gateway quota, requests per second, and its burst. */
  quotaPerSecond: number;
  quotaBurst: number;
  /** CPU one post costs its container (signing, HTTP); one vCPU per container. */
  cpuPerPostMs: number;
  /** Every container shares one CPU (the local runtime: one process), instead of one each. */
  sharedCpu?: boolean;
  /** Members per page read, and the time to read one. */
  pageSize: number;
  pageReadMs: number;
  /** Page reads in flight at once (the consumer reads segments of the room in parallel). */
  readAhead: number;
  /** Posts in flight per container at most (the env's deliveryConcurrency). */
  concurrency: number;
  /** Fan-out workers at once (the env's fanoutWorkers). */
  workers: number;
  chunkSize: number;
  directMax: number;
  retry: RetryPolicy;
  requeueDelaySeconds: readonly number[];
  /** SendMessageBatch round trip; from send to a worker's invocation (poll and invoke). */
  queueSendMs: number;
  queueToWorkerMs: number;
  /** The consumer's timeout and the reserve it checkpoints at (single-stage runs past it at scale). */
  functionTimeoutMs: number;
  timeReserveMs: number;
  seed: number;
}

export interface ModelResult {
  /** From the stored message to the last follower's delivery. */
  lastDeliveryMs: number;
  p50Ms: number;
  p95Ms: number;
  delivered: number;
  failed: number;
  calls: { PostToConnection: number; throttled: number; Query: number; SendMessageBatch: number; invocations: number };
  /** followers / quota: no design delivers sooner at that quota. */
  quotaFloorMs: number;
}

interface Event {
  at: number;
  order: number;
  run: () => void;
}

/** A binary heap of events by time, ties in scheduling order: the virtual clock. */
export class Clock {
  now = 0;
  private heap: Event[] = [];
  private order = 0;

  at(time: number, run: () => void): void {
    const event = { at: Math.max(time, this.now), order: this.order++, run };
    const heap = this.heap;
    heap.push(event);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as Event;
      if (before(above, event)) break;
      heap[i] = above;
      heap[parent] = event;
      i = parent;
    }
  }

  run(): void {
    while (this.heap.length > 0) {
      const next = this.pop();
      this.now = next.at;
      next.run();
    }
  }

  private pop(): Event {
    const heap = this.heap;
    const item = (i: number) => heap[i] as Event;
    const top = item(0);
    const last = heap.pop() as Event;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && before(item(l), item(smallest))) smallest = l;
        if (r < heap.length && before(item(r), item(smallest))) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [item(smallest), item(i)];
        i = smallest;
      }
    }
    return top;
  }
}

const before = (a: Event, b: Event) => a.at < b.at || (a.at === b.at && a.order < b.order);

/** Deterministic jitter (mulberry32), so a model run is repeatable. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The account quota: a token bucket shared by every container. */
export class Quota {
  private tokens: number;
  private updated = 0;
  constructor(
    private readonly perMs: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  take(at: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (at - this.updated) * this.perMs);
    this.updated = at;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** When a CPU is next free: one per container on Lambda, one for all in the local runtime. */
class Cpu {
  freeAt = 0;
}

/** One Lambda container: one vCPU, its posts in flight (lanes, the AIMD limit), its retries. */
class Container {
  private readonly cpu: Cpu;
  readonly limit: AdaptiveLimit;
  private parked: (() => void)[] = [];

  constructor(
    private readonly sim: Simulation,
    concurrency: number,
  ) {
    this.limit = new AdaptiveLimit(concurrency, 50, () => sim.clock.now);
    this.cpu = sim.params.sharedCpu ? sim.sharedCpu : new Cpu();
  }

  /** Posts to every id (lanes x AIMD limit, jittered retries); `done` gets the ids still failing after the retries. */
  postAll(ids: readonly string[], done: (retryable: string[]) => void): void {
    const { params } = this.sim;
    const queue = [...ids];
    const retryable: string[] = [];
    let open = ids.length;
    if (open === 0) return done(retryable);
    const finish = () => {
      if (--open === 0) done(retryable);
    };
    const lane = () => {
      const id = queue.shift();
      if (id !== undefined) attempt(id, 0);
    };
    const attempt = (id: string, n: number) => {
      if (!this.limit.tryAcquire()) {
        this.parked.push(() => attempt(id, n));
        return;
      }
      const clock = this.sim.clock;
      const cpuStart = Math.max(clock.now, this.cpu.freeAt);
      this.cpu.freeAt = cpuStart + params.cpuPerPostMs;
      const arrives = this.cpu.freeAt + params.postLatencyMs / 2;
      this.sim.calls.PostToConnection++;
      clock.at(arrives, () => {
        const ok = this.sim.quota.take(clock.now);
        const delivered = clock.now;
        clock.at(delivered + params.postLatencyMs / 2, () => {
          this.limit.release(!ok);
          this.wakeParked();
          if (ok) {
            this.sim.deliveredAt.push(delivered);
            finish();
            return lane();
          }
          this.sim.calls.throttled++;
          if (n + 1 >= params.retry.maxAttempts) {
            retryable.push(id);
            finish();
            return lane();
          }
          clock.at(clock.now + this.sim.backoff(n), () => attempt(id, n + 1));
        });
      });
    };
    for (let i = 0; i < Math.min(params.concurrency, ids.length); i++) lane();
  }

  private wakeParked(): void {
    const parked = this.parked.splice(0);
    for (const resume of parked) resume();
  }
}

class Simulation {
  readonly clock = new Clock();
  readonly sharedCpu = new Cpu();
  readonly quota: Quota;
  readonly deliveredAt: number[] = [];
  readonly calls = { PostToConnection: 0, throttled: 0, Query: 0, SendMessageBatch: 0, invocations: 0 };
  failed = 0;
  private readonly rng: () => number;

  constructor(readonly params: ModelParams) {
    this.quota = new Quota(params.quotaPerSecond / 1000, params.quotaBurst);
    this.rng = random(params.seed);
  }

  /** The code's full-jitter backoff, with the run's seeded random numbers. */
  backoff(attempt: number): number {
    const { retry } = this.params;
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
    const floor = ceiling * (retry.minFraction ?? 0);
    return floor + this.rng() * (ceiling - floor);
  }

  /** Member pages as the consumer reads them, starting at `startAt`: `readAhead` reads in flight. */
  readPages(startAt: number, readAhead: number, onPage: (ids: string[], last: boolean, next: () => void) => void): void {
    const { followers, pageSize, pageReadMs } = this.params;
    const pages = Math.max(1, Math.ceil(followers / pageSize));
    const readyAt = (p: number) => startAt + Math.floor(p / readAhead + 1) * pageReadMs;
    this.calls.Query += pages;
    const deliver = (p: number) => {
      const ids = Array.from({ length: Math.min(pageSize, followers - p * pageSize) }, (_, i) => `c${p * pageSize + i}`);
      this.clock.at(readyAt(p), () => onPage(ids, p === pages - 1, () => (p + 1 < pages ? deliver(p + 1) : undefined)));
    };
    deliver(0);
  }

  singleStage(): void {
    const { functionTimeoutMs, timeReserveMs, concurrency } = this.params;
    const consumer = new Container(this, concurrency);
    this.calls.invocations++;
    let invocationStart = 0;
    // One page at a time, the next read while this one is posted.
    this.readPages(0, 1, (ids, _last, next) =>
      consumer.postAll(ids, (retryable) => {
        this.failed += retryable.length;
        // Past its budget the consumer checkpoints; the stream's retry resumes in a new invocation.
        if (this.clock.now - invocationStart > functionTimeoutMs - timeReserveMs) {
          this.calls.invocations++;
          invocationStart = this.clock.now;
        }
        next();
      }),
    );
  }

  twoStage(): void {
    const { params } = this;
    const consumer = new Container(this, params.concurrency);
    const idle = Array.from({ length: params.workers }, () => new Container(this, params.concurrency));
    const ready: { ids: string[]; round: number }[] = [];
    this.calls.invocations++;
    const dispatch = () => {
      for (;;) {
        const worker = ready.length > 0 ? idle.shift() : undefined;
        if (!worker) return;
        const chunk = ready.shift() as { ids: string[]; round: number };
        this.calls.invocations++;
        worker.postAll(chunk.ids, (retryable) => {
          if (retryable.length > 0) requeue(retryable, chunk.round + 1);
          idle.push(worker);
          dispatch();
        });
      }
    };
    const enqueue = (chunks: string[][], round: number, delayMs: number, sent: () => void) => {
      const batches = Math.ceil(chunks.length / 10);
      this.calls.SendMessageBatch += batches;
      this.clock.at(this.clock.now + params.queueSendMs, () => {
        sent();
        this.clock.at(this.clock.now + delayMs + params.queueToWorkerMs, () => {
          ready.push(...chunks.map((ids) => ({ ids, round })));
          dispatch();
        });
      });
    };
    const requeue = (ids: string[], round: number) => {
      const delay = params.requeueDelaySeconds[round - 1];
      if (delay === undefined) {
        this.failed += ids.length;
        return;
      }
      enqueue([ids], round, delay * 1000, () => undefined);
    };
    const small = params.followers <= params.directMax;
    // A probe of directMax + 1 members tells a small room (posted here) from a large one.
    const probeMs = (params.pageReadMs * Math.min(params.followers, params.directMax + 1)) / params.pageSize;
    if (small) {
      this.calls.Query++;
      const ids = Array.from({ length: params.followers }, (_, i) => `c${i}`);
      this.clock.at(probeMs, () => consumer.postAll(ids, (retryable) => (retryable.length > 0 ? requeue(retryable, 1) : undefined)));
      return;
    }
    this.calls.Query++;
    this.readPages(probeMs, params.readAhead, (ids, _last, next) => {
      // Hand-offs are not awaited page by page: the next page is read and sent meanwhile.
      enqueue(chunked(ids, params.chunkSize), 0, 0, () => undefined);
      next();
    });
  }

  result(): ModelResult {
    const sorted = [...this.deliveredAt].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
    return {
      lastDeliveryMs: sorted[sorted.length - 1] ?? NaN,
      p50Ms: pct(50),
      p95Ms: pct(95),
      delivered: sorted.length,
      failed: this.failed,
      calls: { ...this.calls },
      quotaFloorMs: quotaFloorMs(this.params.followers, this.params.quotaPerSecond),
    };
  }
}

export function runModel(params: ModelParams): ModelResult {
  const sim = new Simulation(params);
  if (params.mode === 'single-stage') sim.singleStage();
  else sim.twoStage();
  sim.clock.run();
  return sim.result();
}
