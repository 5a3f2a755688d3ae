import { DELIVERY_EVENT_SOURCE, DELIVERY_FANOUT } from '@relay/runtime-contract';
import { DEFAULT_RETRY, DEFAULT_TIME_RESERVE_MS } from '@relay/chat-handlers';
import { resolveEnvironment } from '@relay/platform-config';
import { runModel, type ModelParams } from './fanout-model';

/**
 * The delivery design's promises, checked on the model's virtual clock (deterministic: no
 * wall time, no machine speed): the code's numbers and prod's sizing, with a fixed CPU per
 * post and page read time in the range bench:fanout measures.
 */
const prod = resolveEnvironment('prod');
const params = (followers: number, mode: ModelParams['mode'], quotaPerSecond: number): ModelParams => ({
  followers,
  mode,
  quotaPerSecond,
  quotaBurst: Math.min(5000, quotaPerSecond),
  postLatencyMs: 20,
  cpuPerPostMs: 0.5,
  pageSize: DELIVERY_FANOUT.pageSize,
  pageReadMs: 20,
  readAhead: DELIVERY_FANOUT.readSegments,
  concurrency: prod.lambda.deliveryConcurrency,
  workers: prod.lambda.fanoutWorkers,
  chunkSize: DELIVERY_FANOUT.chunkSize,
  directMax: DELIVERY_FANOUT.directMax,
  retry: DEFAULT_RETRY,
  requeueDelaySeconds: DELIVERY_FANOUT.requeueDelaySeconds,
  queueSendMs: 20,
  queueToWorkerMs: 30,
  functionTimeoutMs: DELIVERY_EVENT_SOURCE.functionTimeoutSeconds * 1000,
  timeReserveMs: DEFAULT_TIME_RESERVE_MS,
  seed: 1,
});

describe('the fan-out model of the deployed design', () => {
  it('delivers 100k followers within 20% of the quota floor at the default quota, every one, none lost', () => {
    const result = runModel(params(100_000, 'two-stage', 10_000));
    expect(result.delivered).toBe(100_000);
    expect(result.failed).toBe(0);
    expect(result.calls.PostToConnection - result.calls.throttled).toBe(100_000);
    expect(result.lastDeliveryMs / result.quotaFloorMs).toBeLessThanOrEqual(1.2);
  });

  it('keeps p95 under 200 ms for 10k followers with the quota raised to 100,000/s', () => {
    expect(runModel(params(10_000, 'two-stage', 100_000)).p95Ms).toBeLessThan(200);
  });

  it('shows why one stage is not enough: one container is CPU-bound far past the quota floor', () => {
    const single = runModel(params(100_000, 'single-stage', 10_000));
    expect(single.delivered).toBe(100_000);
    expect(single.lastDeliveryMs).toBeGreaterThan(3 * runModel(params(100_000, 'two-stage', 10_000)).lastDeliveryMs);
  });

  it('posts a small room without the queue hop', () => {
    const small = runModel(params(DELIVERY_FANOUT.directMax, 'two-stage', 10_000));
    expect(small.calls.SendMessageBatch).toBe(0);
    expect(small.calls.invocations).toBe(1);
  });
});
