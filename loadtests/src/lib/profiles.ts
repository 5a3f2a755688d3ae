import { PROFILES, type Profile } from './profile-table.ts';

export { PROFILES, FOLLOWER_REQUESTS, type Profile } from './profile-table.ts';

/** -e overrides for capacity searches: PEAK_FOLLOWERS_PER_SECOND, SESSION_SECONDS, FOLLOWERS_PER_ITERATION, PRE_ALLOCATED_VUS, MAX_VUS. */
const OVERRIDES = {
  PEAK_FOLLOWERS_PER_SECOND: 'peakFollowersPerSecond',
  SESSION_SECONDS: 'sessionSeconds',
  FOLLOWERS_PER_ITERATION: 'followersPerIteration',
  PRE_ALLOCATED_VUS: 'preAllocatedVUs',
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
