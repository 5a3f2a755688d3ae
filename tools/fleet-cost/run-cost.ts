import { fargateRates, price, PRICES } from '@relay/prices';

/**
 * What a fleet run costs, printed before anything is launched and again from the task-seconds
 * the run actually used. Fargate bills each task from its image pull to its stop, by the second
 * with a one-minute minimum, for its vCPU and memory; each task's public IPv4 address bills by
 * the hour too. A run's duration comes from k6 itself (k6RunSeconds, the fleet's), so it
 * cannot drift from the profile.
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
