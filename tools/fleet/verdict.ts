import type { MergedResults } from './merge';

/**
 * Whether a run counts. A load generator that ran out of CPU, dropped iterations or fell short
 * of the arrivals asked measured itself, not the system: the run is inconclusive, with an exit
 * code of its own, whatever the thresholds say.
 */
export const EXIT = { pass: 0, fail: 1, inconclusive: 3 } as const;

export interface TaskHealth {
  task: number;
  /** CPU use per second as a share of the cores the task may use (0-1). */
  cpuShares: number[];
  /** Memory in use per second, bytes (Fargate tasks: task metadata stats). */
  memoryBytes?: number[];
  /** Bytes received plus sent per second (Fargate tasks: task metadata stats). */
  networkBytesPerSecond?: number[];
  /** The task's clock against the target's (Fargate tasks), ms. */
  clockOffsetMs?: number;
}

export interface Verdict {
  status: keyof typeof EXIT;
  reasons: string[];
  /** Iterations started over those asked (started + dropped). */
  achievedShare: number;
}

const CPU_LIMIT = 0.8;
const CPU_TIME_LIMIT = 0.1;
const ACHIEVED_FLOOR = 0.99;

export function verdict(merged: MergedResults, health: TaskHealth[], thresholds: Record<string, Record<string, { ok: boolean }>>): Verdict {
  const reasons: string[] = [];
  for (const { task, cpuShares } of health) {
    const hot = cpuShares.filter((share) => share > CPU_LIMIT).length;
    if (cpuShares.length > 0 && hot / cpuShares.length > CPU_TIME_LIMIT) {
      reasons.push(`task ${task}: CPU above ${CPU_LIMIT * 100}% for ${((hot / cpuShares.length) * 100).toFixed(0)}% of the test`);
    }
  }
  const dropped = merged.counters['dropped_iterations'] ?? 0;
  if (dropped > 0) reasons.push(`${dropped} iterations dropped: the generator could not start them on time`);
  const started = merged.counters['iterations'] ?? 0;
  const achievedShare = started + dropped === 0 ? 1 : started / (started + dropped);
  if (achievedShare < ACHIEVED_FLOOR) reasons.push(`achieved ${(achievedShare * 100).toFixed(1)}% of the arrivals asked (below ${ACHIEVED_FLOOR * 100}%)`);
  if (reasons.length > 0) return { status: 'inconclusive', reasons: [`generator-bound: ${reasons.join('; ')}`], achievedShare };
  const failed = Object.entries(thresholds).flatMap(([name, list]) =>
    Object.entries(list).flatMap(([expression, { ok }]) => (ok ? [] : [`${name} ${expression}`])),
  );
  return failed.length > 0
    ? { status: 'fail', reasons: failed.map((f) => `threshold failed: ${f}`), achievedShare }
    : { status: 'pass', reasons: [], achievedShare };
}
