import { LOADGEN_TASK, type Environment } from '@relay/platform-config';
import type { QuotaNeed } from '@relay/quotas';
import capacity from './generator-capacity.json';
import { boundsFor } from './wake';

/**
 * How many generator tasks a profile needs, and which account quotas its run needs: tasks =
 * max(arrivals/s ÷ arrivals per task, sockets ÷ sockets per task, frames/s ÷ frames per task),
 * each per-task figure from bench:loadgen's measured table (generator-capacity.json) at 80% of
 * the task's CPU or memory. A profile a quota would throttle is refused before anything runs.
 */
export interface FleetProfile {
  kind: 'http' | 'chat';
  /** The k6 scenario (loadtests/src/<scenario>.ts) and its profile (-e PROFILE) that run it. */
  scenario: string;
  k6Profile: string;
  /** Arrivals per second at the peak (HTTP posts, or followers connecting). */
  arrivalsPerSecond: number;
  /** Seconds at the peak. */
  seconds: number;
  /** Sockets held at once (chat). */
  sockets: number;
  /** WebSocket frames the generators receive per second at the peak (chat deliveries). */
  framesPerSecond: number;
  /** Client requests per follower (chat): FOLLOWER_REQUESTS in loadtests' profile table. */
  requestsPerArrival: number;
  /** The target's broadcast service held at prod's size for the run (wake.ts), not its daytime bounds. */
  atProdSize: boolean;
  /**
   * Chat: every delivery post fits the account's request quota (the preflight counts them). A
   * profile past it measures delivery against the quota's floor instead (chat-100k).
   */
  deliveryWithinQuota: boolean;
}

/** What the nightly runs, in order (nightly-spike.yml's PROFILES; the cost model prices the same night). */
export const NIGHTLY_PROFILES = ['seed-http', 'chat-10k'] as const;

export const FLEET_PROFILES: Record<string, FleetProfile> = {
  // The broadcast REST API at the platform team's target: 100,000 posts a second for 10 s.
  'seed-http': {
    kind: 'http',
    scenario: 'broadcast-api',
    k6Profile: 'seed-http',
    arrivalsPerSecond: 100_000,
    seconds: 10,
    sockets: 0,
    framesPerSecond: 0,
    requestsPerArrival: 1,
    atProdSize: true,
    deliveryWithinQuota: false,
  },
  // Today's nightly (chat-spike nightly): 500 followers/s for 20 s sessions, one post a second.
  'chat-10k': {
    kind: 'chat',
    scenario: 'chat-spike',
    k6Profile: 'nightly',
    arrivalsPerSecond: 500,
    seconds: 60,
    sockets: 10_000,
    framesPerSecond: 10_000,
    requestsPerArrival: 5,
    atProdSize: false,
    deliveryWithinQuota: true,
  },
  // The nightly's own rehearsal and a first check of a new fleet: the scenarios' smoke profiles.
  'smoke-http': {
    kind: 'http',
    scenario: 'broadcast-api',
    k6Profile: 'smoke',
    arrivalsPerSecond: 10,
    seconds: 5,
    sockets: 0,
    framesPerSecond: 0,
    requestsPerArrival: 1,
    atProdSize: false,
    deliveryWithinQuota: false,
  },
  'smoke-chat': {
    kind: 'chat',
    scenario: 'chat-spike',
    k6Profile: 'smoke',
    arrivalsPerSecond: 20,
    seconds: 10,
    sockets: 100,
    framesPerSecond: 100,
    requestsPerArrival: 5,
    atProdSize: false,
    deliveryWithinQuota: true,
  },
  // On demand: ten times that (chat-spike chat-100k).
  'chat-100k': {
    kind: 'chat',
    scenario: 'chat-spike',
    k6Profile: 'chat-100k',
    arrivalsPerSecond: 5_000,
    seconds: 60,
    sockets: 100_000,
    framesPerSecond: 100_000,
    requestsPerArrival: 5,
    atProdSize: false,
    deliveryWithinQuota: false,
  },
};

/** Headroom under the new-connection quota record: other clients connect during a run too. */
const CONNECTION_MARGIN = 1.2;

/**
 * A chat profile against an env: followers arrive no faster than the env's new-connection quota
 * record allows (with headroom), and when that caps them, each stays connected longer so the
 * profile's members are still all connected at once. Null: the profile fits as it is (or is not
 * a chat profile); otherwise the k6 overrides the run passes.
 */
export function chatRamp(profile: FleetProfile, env: Environment): { followersPerSecond: number; sessionSeconds: number } | null {
  if (profile.kind !== 'chat') return null;
  const allowed = Math.floor(env.webSocket.accountNewConnectionsPerSecond / CONNECTION_MARGIN);
  if (profile.arrivalsPerSecond <= allowed) return null;
  return { followersPerSecond: allowed, sessionSeconds: Math.ceil(profile.sockets / allowed) };
}

/** The profile as it runs against `env` (its arrivals capped by chatRamp). */
export function profileFor(profile: FleetProfile, env: Environment): FleetProfile {
  const ramp = chatRamp(profile, env);
  return ramp ? { ...profile, arrivalsPerSecond: ramp.followersPerSecond } : profile;
}

/** Artists' posts allowed a minute each (the broadcast service's POSTS_PER_MINUTE default). */
const POSTS_PER_ARTIST_MINUTE = 30;

/**
 * Users a run seeds: a follower per socket (at least a hundred), and enough artists that no
 * artist's own post limit is what refuses the posts (10% spare).
 */
export function seededUsers(profile: FleetProfile): { followers: number; artists: number } {
  const posts = profile.kind === 'http' ? profile.arrivalsPerSecond * profile.seconds : 0;
  return { followers: Math.max(100, profile.sockets), artists: Math.max(60, Math.ceil((posts / POSTS_PER_ARTIST_MINUTE) * 1.1)) };
}

/** One generator task's size on Fargate: the loadgen stack's task definition (platform-config). */
export const TASK_SIZE = { vcpu: LOADGEN_TASK.cpu / 1024, memoryGiB: LOADGEN_TASK.memoryMb / 1024 } as const;
const HEADROOM = 0.8;

/** What one generator core and GiB can do: bench:loadgen's measurement. */
export interface GeneratorCapacity {
  date: string;
  machine: string;
  httpArrivalsPerCore: number;
  socketsPerGiB: number;
  cpuSecondsPer1000Frames: number;
}

export interface FleetPlan {
  tasks: number;
  byArrivals: number;
  bySockets: number;
  byFrames: number;
  vcpu: number;
  capacity: GeneratorCapacity;
}

/** The plan on the fleet's task size and the committed capacity table, or on others (bench:loadgen compares sizes). */
export function planFleet(profile: FleetProfile, size: { vcpu: number; memoryGiB: number } = TASK_SIZE, measured: GeneratorCapacity = capacity): FleetPlan {
  const cores = size.vcpu * HEADROOM;
  // A follower's arrival is requestsPerArrival requests (a handshake among them): costed as that many posts.
  const arrivalsPerTask = (measured.httpArrivalsPerCore * cores) / profile.requestsPerArrival;
  const socketsPerTask = measured.socketsPerGiB * size.memoryGiB * HEADROOM;
  const framesPerTask = (cores / measured.cpuSecondsPer1000Frames) * 1000;
  const byArrivals = Math.ceil(profile.arrivalsPerSecond / arrivalsPerTask);
  const bySockets = Math.ceil(profile.sockets / socketsPerTask);
  const byFrames = Math.ceil(profile.framesPerSecond / framesPerTask);
  const tasks = Math.max(1, byArrivals, bySockets, byFrames);
  return { tasks, byArrivals, bySockets, byFrames, vcpu: tasks * size.vcpu, capacity: measured };
}

/** The quotas a run of `profile` against `env` needs, beside what the environment needs anyway. */
export function fleetQuotaNeeds(profile: FleetProfile, plan: FleetPlan, env: Environment, prod: Environment): QuotaNeed[] {
  // Generators run On-Demand (a reclaimed Spot task would end its share of the test); for
  // seed-http the target's broadcast service is pre-scaled to prod's size beside them, on the
  // env's own capacity provider (Spot outside prod).
  const prescaled = profile.atProdSize ? (boundsFor(true, env, prod).minCapacity * env.fargate.cpu) / 1024 : 0;
  const generators = `${plan.tasks} generator tasks of ${TASK_SIZE.vcpu} vCPU`;
  const service = `the broadcast service at prod's ${prescaled} vCPU`;
  const onDemand = plan.vcpu + (env.fargate.spot ? 0 : prescaled);
  const needs: QuotaNeed[] = [
    {
      service: 'fargate',
      name: 'Fargate On-Demand vCPU resource count',
      needed: onDemand,
      why: prescaled && !env.fargate.spot ? `${generators} and ${service}` : generators,
    },
  ];
  if (prescaled && env.fargate.spot)
    needs.push({ service: 'fargate', name: 'Fargate Spot vCPU resource count', needed: prescaled, why: `${service} (Spot, as the env runs it)` });
  if (profile.kind === 'chat') {
    needs.push(
      {
        service: 'apigateway',
        name: 'New connections per second',
        needed: profile.arrivalsPerSecond,
        why: `${profile.arrivalsPerSecond} followers arriving per second`,
      },
      {
        service: 'apigateway',
        name: 'Throttle rate',
        needed: profile.arrivalsPerSecond * profile.requestsPerArrival + (profile.deliveryWithinQuota ? profile.framesPerSecond : 0),
        why: profile.deliveryWithinQuota
          ? `${profile.arrivalsPerSecond * profile.requestsPerArrival} client requests/s and ${profile.framesPerSecond} delivery posts/s`
          : `${profile.arrivalsPerSecond * profile.requestsPerArrival} client requests/s (delivery measured against the quota's floor)`,
      },
      {
        service: 'lambda',
        name: 'Concurrent executions',
        needed: env.quotas.lambdaConcurrentExecutions,
        why: `the env's own quotas.lambdaConcurrentExecutions`,
      },
    );
  }
  return needs;
}
