/**
 * k6's execution segments for N tasks: task i runs `--execution-segment i/N:(i+1)/N` of the
 * sequence `0,1/N,...,1`, so the N processes together run exactly the one test (arrival
 * schedules, VUs and iteration numbers are partitioned, not copied).
 */
export interface TaskSegment {
  index: number;
  segment: string;
  sequence: string;
}

export function executionSegments(tasks: number): TaskSegment[] {
  if (!Number.isInteger(tasks) || tasks < 1 || tasks > 1000) throw new Error(`tasks must be an integer from 1 to 1000, not ${tasks}`);
  const point = (i: number) => (i === 0 ? '0' : i === tasks ? '1' : `${i}/${tasks}`);
  const sequence = Array.from({ length: tasks + 1 }, (_, i) => point(i)).join(',');
  return Array.from({ length: tasks }, (_, index) => ({ index, segment: `${point(index)}:${point(index + 1)}`, sequence }));
}

/**
 * `k6 run` for one task of a fleet: its segment, every sample to `samplesPath` (CSV, gzipped by
 * the .gz name), and the -e variables, the barrier instant and report folder among them.
 */
export function k6RunArgs(task: TaskSegment, tasks: number, samplesPath: string, env: Record<string, string>, script: string): string[] {
  return [
    'run',
    '--no-usage-report',
    '--quiet',
    ...segmentArgs(task, tasks),
    '--out',
    `csv=${samplesPath}`,
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    script,
  ];
}

/**
 * Whether a task's k6 ran its share to the end: exit 0, or 99 (a threshold failed on that share
 * alone, which the merged run is judged on again). Anything else means it could not run.
 */
export function k6RanToEnd(code: number): boolean {
  return code === 0 || code === 99;
}

/** k6 arguments for one task (none for a single task: the whole test). */
export function segmentArgs(task: TaskSegment, tasks: number): string[] {
  return tasks === 1 ? [] : ['--execution-segment', task.segment, '--execution-segment-sequence', task.sequence];
}
