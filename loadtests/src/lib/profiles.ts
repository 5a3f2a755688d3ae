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

export const PROFILES: Record<string, Profile> = {
  // Seconds, for CI: ~60 followers.
  smoke: {
    peakFollowersPerSecond: 10, rampSeconds: 3, holdSeconds: 4, dropSeconds: 2, sessionSeconds: 6,
    followersPerIteration: 1, postIntervalMs: 500, graceMs: 3000, preAllocatedVUs: 80, maxVUs: 120,
  },
  // Sized for a 2-core machine running both k6 and the local runtime: ~300 followers at the
  // peak (30/s x 10 s sessions); the measured ceiling is ~350 (see README).
  'local-spike': {
    peakFollowersPerSecond: 30, rampSeconds: 10, holdSeconds: 20, dropSeconds: 5, sessionSeconds: 10,
    followersPerIteration: 5, postIntervalMs: 500, graceMs: 3000, preAllocatedVUs: 100, maxVUs: 200,
  },
  // The real target, against stag: ~10,000 followers connected at the peak.
  nightly: {
    peakFollowersPerSecond: 500, rampSeconds: 30, holdSeconds: 60, dropSeconds: 15, sessionSeconds: 20,
    followersPerIteration: 10, postIntervalMs: 1000, graceMs: 5000, preAllocatedVUs: 1200, maxVUs: 2000,
  },
};

/** -e overrides for capacity searches: PEAK_FOLLOWERS_PER_SECOND, SESSION_SECONDS, FOLLOWERS_PER_ITERATION. */
const OVERRIDES = {
  PEAK_FOLLOWERS_PER_SECOND: 'peakFollowersPerSecond',
  SESSION_SECONDS: 'sessionSeconds',
  FOLLOWERS_PER_ITERATION: 'followersPerIteration',
  MAX_VUS: 'maxVUs',
} as const;

/** The profile named by -e PROFILE (default smoke) from a scenario's table, or a clear error. */
export function pickProfile<T>(profiles: Record<string, T>, name = __ENV['PROFILE'] ?? 'smoke'): { name: string; profile: T } {
  const profile = profiles[name];
  if (!profile) throw new Error(`unknown PROFILE "${name}": expected one of ${Object.keys(profiles).join(', ')}`);
  return { name, profile };
}

export function profileNamed(name: string | undefined): { name: string; profile: Profile } {
  const picked = pickProfile(PROFILES, name ?? 'smoke');
  const key = picked.name;
  const profile = { ...picked.profile };
  for (const [variable, field] of Object.entries(OVERRIDES)) {
    const raw = __ENV[variable];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${variable} must be a positive integer, got "${raw}"`);
    profile[field] = value;
  }
  return { name: key, profile };
}

export function totalSeconds(p: Profile): number {
  return p.rampSeconds + p.holdSeconds + p.dropSeconds + p.sessionSeconds + p.graceMs / 1000;
}
