import path from 'node:path';
import { workspaceRoot } from '@relay/k6-process';
import type { Environment } from '@relay/platform-config';
import { boundsFor, chatRamp, k6RunSeconds, spikeLcus, TASK_SIZE, type FleetProfile } from '@relay/fleet';
import { estimateFleetCost, fargateCost, reservationCost, type RunCost } from './run-cost';

/** Allowed for waking the service before the run (tasks started, registered, healthy). */
export const WAKE_SECONDS = 300;
/** Allowed for an LCU reservation to be provisioned ("typically within a few minutes"). */
export const RESERVATION_WAIT_SECONDS = 900;

export interface RunEstimate {
  /** k6's -e overrides for the run (the profile, and the ramp within the env's connection quota). */
  k6Profile: Record<string, string>;
  ramp: ReturnType<typeof chatRamp>;
  generators: RunCost;
  /** The generators, the woken service and, for a spike at prod's size, the LCU reservation. */
  parts: RunCost[];
  usd: number;
  /** Seconds each generator task is up. */
  taskSeconds: number;
}

/**
 * What one fleet run of `profile` against `env` costs at most, before anything is launched: the
 * generators for k6's own run length plus their overheads, the broadcast service woken at the
 * profile's bounds (priced On-Demand, an upper bound where the env runs Spot) and, for a spike at
 * prod's size, its load balancer's LCU reservation. The fleet prints it before a run; the cost
 * model prices a night of runs with it.
 */
export function estimateRun(profile: FleetProfile, env: Environment, prod: Environment, tasks: number, k6: string): RunEstimate {
  const ramp = chatRamp(profile, env);
  const k6Profile = {
    PROFILE: profile.k6Profile,
    ...(ramp ? { PEAK_FOLLOWERS_PER_SECOND: `${ramp.followersPerSecond}`, SESSION_SECONDS: `${ramp.sessionSeconds}` } : {}),
  };
  const bounds = boundsFor(profile.atProdSize, env, prod);
  const shape = { count: tasks, vcpu: TASK_SIZE.vcpu, memoryGiB: TASK_SIZE.memoryGiB, architecture: 'ARM64' as const };
  const k6Seconds = k6RunSeconds(k6, path.join(workspaceRoot, 'loadtests/src', `${profile.scenario}.ts`), k6Profile);
  const generators = estimateFleetCost(env.region, shape, k6Seconds);
  const taskSeconds = generators.taskSeconds / tasks;
  const service = fargateCost(
    env.region,
    { count: bounds.minCapacity, vcpu: env.fargate.cpu / 1024, memoryGiB: env.fargate.memoryMb / 1024, architecture: 'ARM64' },
    WAKE_SECONDS + taskSeconds,
    `the broadcast service woken at min ${bounds.minCapacity} for the run`,
  );
  const lcus = profile.atProdSize ? spikeLcus(profile.arrivalsPerSecond) : 0;
  const reserved = lcus > 0 ? [reservationCost(env.region, lcus, RESERVATION_WAIT_SECONDS + WAKE_SECONDS + taskSeconds)] : [];
  const parts = [generators, service, ...reserved];
  return { k6Profile, ramp, generators, parts, usd: parts.reduce((sum, c) => sum + c.usd, 0), taskSeconds };
}
