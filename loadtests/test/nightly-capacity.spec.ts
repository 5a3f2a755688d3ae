import path from 'node:path';
import { resolveEnvironment, type Environment } from '@relay/platform-config';

/**
 * Stag must take its own nightly spike: the k6 nightly profile against the catalogue's stag
 * throttles and the account quotas they sit under, so that neither can change without the
 * other. (loadtests is a k6 project, not a library: its plain-data profile table is loaded by
 * path.)
 */
type Profile = { peakFollowersPerSecond: number; sessionSeconds: number; postIntervalMs: number };
const table = require(path.resolve(__dirname, '../src/lib/profile-table.ts')) as {
  PROFILES: Record<string, Profile>;
  FOLLOWER_REQUESTS: { onArrival: number; beforeLeaving: number };
};

/** Headroom over the profile's peak: the spike must pass on a bad night, not only a good one. */
const MARGIN = 1.2;

function capacityProblems(webSocket: Environment['webSocket'], profile: Profile): string[] {
  const { onArrival, beforeLeaving } = table.FOLLOWER_REQUESTS;
  const arrivals = profile.peakFollowersPerSecond;
  // During the hold, as many sessions end each second as begin: both halves run at once.
  const clientRequests = arrivals * (onArrival + beforeLeaving);
  const connected = arrivals * profile.sessionSeconds;
  // Each post is one @connections request per connected follower, on the same account quota.
  const deliveryPosts = connected * (1000 / profile.postIntervalMs);
  const problems: string[] = [];
  if (webSocket.rateLimit < clientRequests * MARGIN)
    problems.push(`stage rate ${webSocket.rateLimit}/s < ${clientRequests * MARGIN}/s (client requests at the peak with margin)`);
  if (webSocket.burstLimit < arrivals * onArrival * MARGIN)
    problems.push(`stage burst ${webSocket.burstLimit} < ${arrivals * onArrival * MARGIN} (one second of arrivals with margin)`);
  if (webSocket.accountNewConnectionsPerSecond < arrivals * MARGIN)
    problems.push(`new-connection quota ${webSocket.accountNewConnectionsPerSecond}/s < ${arrivals * MARGIN}/s`);
  if (webSocket.accountRequestsPerSecond < webSocket.rateLimit + deliveryPosts) {
    problems.push(`account request quota ${webSocket.accountRequestsPerSecond}/s < stage rate ${webSocket.rateLimit}/s + delivery posts ${deliveryPosts}/s`);
  }
  return problems;
}

describe('stag is sized for the nightly spike profile', () => {
  const nightly = table.PROFILES['nightly']!;

  it('has a real profile to check against', () => {
    expect(nightly.peakFollowersPerSecond).toBeGreaterThanOrEqual(100);
    expect(table.FOLLOWER_REQUESTS.onArrival).toBeGreaterThanOrEqual(3);
  });

  it("stag's stage throttles and account quotas take the nightly peak with margin", () => {
    expect(capacityProblems(resolveEnvironment('stag').webSocket, nightly)).toEqual([]);
  });

  it('the sizing stag had before (200/s, burst 500, account defaults) could not', () => {
    const before = { rateLimit: 200, burstLimit: 500, accountRequestsPerSecond: 10_000, accountNewConnectionsPerSecond: 500 };
    expect(capacityProblems(before, nightly)).toHaveLength(4);
  });

  it("prod's stage throttle is deliberate: below its account quota, leaving room for delivery", () => {
    const prod = resolveEnvironment('prod').webSocket;
    expect(prod.rateLimit).toBeLessThan(prod.accountRequestsPerSecond);
    expect(prod.accountRequestsPerSecond - prod.rateLimit).toBeGreaterThanOrEqual(10_000);
  });
});
