/**
 * How far this generator's clock is from the target's, measured the way NTP does over a route
 * that answers the server's time (`GET /health/time` of the broadcast service, `{ "now": ms }`):
 * for each round trip, offset = server time - the midpoint of send and receive. The round trip
 * with the smallest delay is the one whose midpoint is closest to when the server read its
 * clock, so its offset is reported, with half that delay as the bound of its error.
 * Delivery latency is the generator's clock minus the Lambda's `sentAt`, so the offset is part of
 * every latency the run reports: the report shows the worst and flags one above 5 ms.
 */
export interface ClockOffset {
  /** Target's clock minus ours, ms (positive: ours is behind). */
  offsetMs: number;
  /** The error bound: half the best round trip, ms. */
  uncertaintyMs: number;
  roundTrips: number;
}

export const CLOCK_OFFSET_LIMIT_MS = 5;

export class ClockOffsetError extends Error {}

/**
 * `now` is the wall clock latencies are measured with (k6's Date.now()), never
 * performance.timeOrigin + performance.now(): that is monotonic from process start and drifts
 * from the wall clock (by ~450 ms in a long-lived test worker here), which would read as an offset.
 */
export async function measureClockOffset(
  timeUrl: string,
  options: { roundTrips?: number; now?: () => number; headers?: Record<string, string> } = {},
): Promise<ClockOffset> {
  const { roundTrips = 9, now = Date.now } = options;
  let best: { delay: number; offset: number } | undefined;
  const failures: string[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const sent = now();
    try {
      const response = await fetch(timeUrl, { signal: AbortSignal.timeout(5000), headers: { ...options.headers, 'cache-control': 'no-store' } });
      const received = now();
      const body = (await response.json()) as { now?: unknown };
      if (!response.ok || typeof body.now !== 'number' || !Number.isFinite(body.now)) {
        failures.push(`${response.status} without a numeric "now"`);
        continue;
      }
      const delay = received - sent;
      const offset = body.now - (sent + received) / 2;
      if (!best || delay < best.delay) best = { delay, offset };
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (!best) throw new ClockOffsetError(`no usable round trip to ${timeUrl}: ${failures.slice(0, 3).join('; ')}`);
  return { offsetMs: best.offset, uncertaintyMs: best.delay / 2, roundTrips };
}
