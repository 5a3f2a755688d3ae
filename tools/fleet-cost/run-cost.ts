import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fargateRates, price, PRICES } from '@relay/prices';

/**
 * What a fleet run costs, printed before anything is launched and again from the task-seconds
 * the run actually used. Fargate bills each task from its image pull to its stop, by the second
 * with a one-minute minimum, for its vCPU and memory; each task's public IPv4 address bills by
 * the hour too. A run's duration comes from k6 itself (`k6 inspect --execution-requirements`:
 * the scenarios' longest path, graceful stops included), so it cannot drift from the profile.
 */
export interface TaskShape {
  count: number;
  vcpu: number;
  memoryGiB: number;
  architecture: 'ARM64' | 'X86_64';
}

export interface RunCost {
  taskSeconds: number;
  usd: number;
  /** The arithmetic, for the plan's printout (the prices' date on its last line). */
  lines: string[];
}

/** Before the barrier (image pull, start, the slowest task reaching RUNNING, the margin) and after the test (uploads). */
export const TASK_OVERHEAD_SECONDS = { startUp: 90, barrier: 20, upload: 30 } as const;

/** The cost of `seconds` on each of `shape.count` tasks (each billed at least a minute). */
export function fargateCost(region: string, shape: TaskShape, secondsEach: number, what: string): RunCost {
  const rate = fargateRates(region, shape.architecture);
  const ipv4Hour = price('vpc.public-ipv4-hour', region);
  const billed = Math.max(60, Math.ceil(secondsEach));
  const hours = (shape.count * billed) / 3600;
  const vcpu = hours * shape.vcpu * rate.vcpuHour;
  const memory = hours * shape.memoryGiB * rate.gbHour;
  const ipv4 = hours * ipv4Hour;
  const usd = vcpu + memory + ipv4;
  return {
    taskSeconds: shape.count * billed,
    usd,
    lines: [
      `${what}: ${shape.count} task(s) × ${billed} s = ${(hours * 3600).toFixed(0)} task-seconds (${hours.toFixed(3)} h)`,
      `  vCPU ${hours.toFixed(3)} h × ${shape.vcpu} × $${rate.vcpuHour}/vCPU-h = $${vcpu.toFixed(4)}`,
      `  memory ${hours.toFixed(3)} h × ${shape.memoryGiB} GiB × $${rate.gbHour}/GB-h = $${memory.toFixed(4)}`,
      `  public IPv4 ${hours.toFixed(3)} h × $${ipv4Hour}/h = $${ipv4.toFixed(4)}`,
      `  = $${usd.toFixed(4)} (${shape.architecture} On-Demand, ${region}, prices of ${PRICES.snapshotDate})`,
    ],
  };
}

/** A load balancer's LCU reservation standing for `seconds` (reserved LCUs bill by the LCU-hour whether used or not). */
export function reservationCost(region: string, lcus: number, seconds: number): RunCost {
  const rate = price('elb.lcu-hour', region);
  const hours = seconds / 3600;
  const usd = lcus * hours * rate;
  return {
    taskSeconds: 0,
    usd,
    lines: [`the load balancer's reservation: ${lcus} LCU × ${hours.toFixed(3)} h × $${rate}/LCU-h = $${usd.toFixed(4)}`],
  };
}

/** The generators' estimate: each task up for the overheads plus k6's whole run. */
export function estimateFleetCost(region: string, shape: TaskShape, k6Seconds: number): RunCost {
  const each = TASK_OVERHEAD_SECONDS.startUp + TASK_OVERHEAD_SECONDS.barrier + k6Seconds + TASK_OVERHEAD_SECONDS.upload;
  return fargateCost(
    region,
    shape,
    each,
    `generators (${TASK_OVERHEAD_SECONDS.startUp} s start-up, ${TASK_OVERHEAD_SECONDS.barrier} s barrier, ${k6Seconds} s of k6, ${TASK_OVERHEAD_SECONDS.upload} s upload each)`,
  );
}

/** What the run's tasks cost, from the seconds each was up (ECS's startedAt to stoppedAt). */
export function actualFleetCost(region: string, shape: Omit<TaskShape, 'count'>, secondsPerTask: number[]): { usd: number; taskSeconds: number } {
  const tasks = secondsPerTask.map((s) => fargateCost(region, { ...shape, count: 1 }, s, ''));
  return { usd: tasks.reduce((sum, t) => sum + t.usd, 0), taskSeconds: tasks.reduce((sum, t) => sum + t.taskSeconds, 0) };
}

/** k6's "3m10s"-style durations, in seconds. */
export function parseK6Duration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a k6 duration: "${text}"`);
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * (unit[u ?? ''] ?? NaN), 0);
}

/**
 * The longest a scenario's profile runs, as k6 plans it. The scenario is evaluated as a task
 * would (it opens its users file at init), so a throwaway file stands in for the seeded users.
 */
export function k6RunSeconds(k6: string, script: string, env: Record<string, string>): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-k6-inspect-'));
  try {
    const users = path.join(dir, 'users.json');
    const stand = { userId: 'inspect', token: 'inspect' };
    writeFileSync(users, JSON.stringify({ artist: stand, artists: [stand], followers: [stand] }));
    const variables = { WS_URL: 'ws://127.0.0.1:9', BROADCAST_URL: 'http://127.0.0.1:9', USERS_FILE: users, ...env };
    const result = spawnSync(k6, ['inspect', '--execution-requirements', ...Object.entries(variables).flatMap(([k, v]) => ['-e', `${k}=${v}`]), script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`k6 inspect ${path.basename(script)} failed: ${(result.stderr || result.stdout).trim().slice(-500)}`);
    const { totalDuration } = JSON.parse(result.stdout) as { totalDuration?: string };
    if (!totalDuration) throw new Error(`k6 inspect ${path.basename(script)} gave no totalDuration`);
    return parseK6Duration(totalDuration);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
