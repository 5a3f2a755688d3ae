// Plain data, no k6 API: the catalogue's capacity test reads it too (loadtests/test/nightly-capacity.spec.ts).

/**
 * Load shapes. Followers arrive with a ramping arrival rate (ramp, hold, drop); each
 * iteration opens `followersPerIteration` sockets so one VU can hold many followers.
 */
export interface Profile {
  /** Peak follower arrivals per second. */
  peakFollowersPerSecond: number;
  rampSeconds: number;
  holdSeconds: number;
  dropSeconds: number;
  /** How long each follower stays connected. */
  sessionSeconds: number;
  followersPerIteration: number;
  /** The artist posts this often for the whole run. */
  postIntervalMs: number;
  /** How long a follower waits for in-flight messages before counting a loss. */
  graceMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

const NIGHTLY: Profile = {
  peakFollowersPerSecond: 500,
  rampSeconds: 30,
  holdSeconds: 60,
  dropSeconds: 15,
  sessionSeconds: 20,
  followersPerIteration: 10,
  postIntervalMs: 1000,
  graceMs: 5000,
  preAllocatedVUs: 1200,
  maxVUs: 2000,
};

export const PROFILES: Record<string, Profile> = {
  // Seconds, for CI: ~45 followers. Every suite that checks a fleet or a rehearsal runs it, so it
  // is as short as a ramp, a hold and a drop can be while each follower still sees several posts.
  smoke: {
    peakFollowersPerSecond: 10,
    rampSeconds: 2,
    holdSeconds: 3,
    dropSeconds: 1,
    sessionSeconds: 4,
    followersPerIteration: 1,
    postIntervalMs: 500,
    graceMs: 2000,
    preAllocatedVUs: 80,
    maxVUs: 120,
  },
  // ~1,000 followers connected at the peak on a 2-core machine running both k6 and the local
  // runtime: nightly's shape (20 s sessions) at a tenth of its arrivals, posting twice as often.
  // With 10 s sessions the same 1,000 means twice the arrivals (100/s x 10 SDK calls each) and
  // sits at the edge of p95 200 ms here (docs/benchmarks.md, "Benchmark: local capacity").
  'local-spike': {
    peakFollowersPerSecond: 50,
    rampSeconds: 10,
    holdSeconds: 20,
    dropSeconds: 5,
    sessionSeconds: 20,
    // 10 sockets per VU: ~5 iterations a second, each ~25 s long, keep ~125 VUs in flight.
    followersPerIteration: 10,
    postIntervalMs: 500,
    graceMs: 3000,
    preAllocatedVUs: 180,
    maxVUs: 250,
  },
  // The real target, against stag: ~10,000 followers connected at the peak.
  nightly: NIGHTLY,
  // On demand from the fleet only (loadgen:fleet --profile chat-100k): nightly's shape at ten
  // times its arrivals, ~100,000 followers connected at the peak. Needs the account's
  // new-connection quota raised to 5,000/s first; the fleet's preflight refuses it until then.
  'chat-100k': { ...NIGHTLY, peakFollowersPerSecond: 5_000, preAllocatedVUs: 12_000, maxVUs: 20_000 },
};

/**
 * The WebSocket requests one chat-spike follower sends ($connect counts: the stage throttles it
 * like a message): $connect, join and history on arrival; history and leave before it goes.
 * Keep in step with followOnce in chat-spike.ts.
 */
export const FOLLOWER_REQUESTS = { onArrival: 3, beforeLeaving: 2 } as const;
