/**
 * broadcast-api: a REST spike against the Fargate broadcast service: artists post at a ramping
 * arrival rate (ramp, hold, drop), each post with its own Idempotency-Key, spread over the
 * seeded artists so their per-artist limit is not what is being measured.
 *   k6 run -e PROFILE=smoke -e BROADCAST_URL=http://… -e USERS_FILE=… loadtests/src/broadcast-api.ts
 */
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import { admissionHeaders, broadcastUrl, seededArtists } from './lib/env.ts';
import { pickProfile } from './lib/profiles.ts';
import { waitForStart } from './lib/barrier.ts';
import { summaryOutputs } from './lib/summary.ts';
import { restThresholds, thresholdPlan } from './lib/thresholds.ts';

interface PostProfile {
  peakPostsPerSecond: number;
  rampSeconds: number;
  holdSeconds: number;
  dropSeconds: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

const PROFILES: Record<string, PostProfile> = {
  // Smoke checks correctness, not capacity: every VU it could need is made before the run, as a
  // VU made mid-run (a fresh JS runtime) on a contended CI host drops the arrivals it is late for.
  smoke: { peakPostsPerSecond: 10, rampSeconds: 2, holdSeconds: 3, dropSeconds: 1, preAllocatedVUs: 40, maxVUs: 60 },
  'local-spike': { peakPostsPerSecond: 40, rampSeconds: 10, holdSeconds: 20, dropSeconds: 5, preAllocatedVUs: 30, maxVUs: 100 },
  nightly: { peakPostsPerSecond: 150, rampSeconds: 30, holdSeconds: 60, dropSeconds: 15, preAllocatedVUs: 100, maxVUs: 400 },
  // The platform team's target, from the in-region fleet only (loadgen:fleet --profile
  // seed-http): 100,000 posts a second at once, held 10 s. At ~50 ms a post that is ~5,000
  // requests in flight; the VUs are split across the fleet's tasks by execution segment.
  'seed-http': { peakPostsPerSecond: 100_000, rampSeconds: 0, holdSeconds: 10, dropSeconds: 0, preAllocatedVUs: 20_000, maxVUs: 40_000 },
};
const { name: profileName, profile } = pickProfile(PROFILES);
const base = broadcastUrl();
const artists = seededArtists();
const admission = admissionHeaders();
const posts = new Counter('chat_posts');

export const options = {
  scenarios: {
    posts: {
      executor: 'ramping-arrival-rate',
      exec: 'post',
      // No ramp: the rate starts at the peak (a constant arrival rate for the hold).
      startRate: profile.rampSeconds === 0 ? profile.peakPostsPerSecond : 0,
      timeUnit: '1s',
      preAllocatedVUs: profile.preAllocatedVUs,
      maxVUs: profile.maxVUs,
      stages: [
        { target: profile.peakPostsPerSecond, duration: `${profile.rampSeconds}s` },
        { target: profile.peakPostsPerSecond, duration: `${profile.holdSeconds}s` },
        { target: 0, duration: `${profile.dropSeconds}s` },
      ].filter((stage) => stage.duration !== '0s'),
    },
  },
  // Half of the hold phase's posts: fewer requests means the run proves little.
  thresholds: restThresholds(thresholdPlan(profileName, Math.max(1, Math.floor((profile.peakPostsPerSecond * profile.holdSeconds) / 2)))),
  tags: { profile: profileName },
};

export function setup(): { run: string } {
  waitForStart();
  return { run: `b${Date.now()}` };
}

export function post(data: { run: string }): void {
  const n = exec.scenario.iterationInTest;
  const artist = artists[n % artists.length];
  if (!artist) throw new Error('USERS_FILE holds no artists');
  const res = http.post(`${base}/v1/artists/${artist.userId}/posts`, JSON.stringify({ body: `drop #${n}` }), {
    headers: { ...admission, 'content-type': 'application/json', authorization: `Bearer ${artist.token}`, 'idempotency-key': `${data.run}-${n}` },
    tags: { name: 'POST /v1/artists/{artistId}/posts' },
  });
  check(res, { 'post stored (201)': (r) => r.status === 201 });
  posts.add(1);
}

export const handleSummary = summaryOutputs('broadcast-api');
