import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { cpuSecondsOf } from '@relay/emulators';
import { k6Environment, workspaceRoot } from '@relay/k6-process';
import { judgeRun, type FleetResult } from './judge';
import { executionSegments, k6RanToEnd, k6RunArgs } from './segments';
import { readTaskResults } from './task-results';

/**
 * One scenario as N local k6 processes: each runs its execution segment, all start their
 * scenarios at one instant (START_AT, loadtests/src/lib/barrier.ts), each samples its own CPU,
 * and their every sample (CSV) is merged into one result, judged once (thresholds on the merged
 * run, then generator health). What a Fargate task does in-region, on this machine.
 */
export interface LocalFleetRun {
  k6: string;
  /** A scenario under loadtests/src, or a script path. */
  script: string;
  tasks: number;
  env: Record<string, string>;
  reportDir: string;
  /** The metric whose percentiles over time the report plots. */
  latencyMetric: string;
  /** Cores each task may use (the share of its CPU samples is of these). */
  coresPerTask: number;
  /** Wraps each task's command, e.g. ['taskset', '-c', '0'] to pin it to one core. */
  wrap?: string[];
  /** Extra environment per task (GOMAXPROCS for a starved generator). */
  taskEnv?: Record<string, string>;
  /** How long after launching the barrier opens (default 3 s + 0.5 s a task). */
  barrierDelayMs?: number;
}

export type LocalFleetResult = FleetResult;

export async function runLocalFleet(run: LocalFleetRun): Promise<LocalFleetResult> {
  mkdirSync(run.reportDir, { recursive: true });
  const segments = executionSegments(run.tasks);
  const startAt = Date.now() + (run.barrierDelayMs ?? 3000 + 500 * run.tasks);
  const script = run.script.includes('/') ? run.script : path.join(workspaceRoot, 'loadtests/src', `${run.script}.ts`);
  const launched = Date.now();
  const tasks = segments.map((segment) => {
    const dir = path.join(run.reportDir, `task-${segment.index}`);
    mkdirSync(dir, { recursive: true });
    const env = { ...run.env, START_AT: String(startAt), REPORT_DIR: dir, FLEET_TASK: String(segment.index) };
    const args = k6RunArgs(segment, run.tasks, path.join(dir, 'samples.csv.gz'), env, script);
    const [command = run.k6, ...prefix] = run.wrap ? [...run.wrap, run.k6] : [run.k6];
    const child = spawn(command, [...prefix, ...args], { cwd: workspaceRoot, stdio: ['ignore', 'ignore', 'inherit'], env: k6Environment(run.taskEnv) });
    const cpuShares: number[] = [];
    let last: number | undefined;
    const sampler = setInterval(() => {
      const now = cpuSecondsOf(child.pid ?? -1);
      if (now === undefined) return;
      // Only the test counts, not k6's start-up or the wait at the barrier.
      if (last !== undefined && Date.now() >= startAt) cpuShares.push((now - last) / run.coresPerTask);
      last = now;
    }, 1000);
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    return { segment, dir, cpuShares, exited: exited.finally(() => clearInterval(sampler)) };
  });
  const codes = await Promise.all(tasks.map((t) => t.exited));
  const taskSeconds = ((Date.now() - launched) / 1000) * run.tasks;
  const broken = codes.map((code, i) => ({ code, i })).filter(({ code }) => !k6RanToEnd(code));
  if (broken.length > 0) throw new Error(`k6 failed in ${broken.map(({ i, code }) => `task ${i} (exit ${code})`).join(', ')}: see its output above`);

  const results = await Promise.all(
    tasks.map((t) => readTaskResults(t.segment.index, path.join(t.dir, 'samples.csv.gz'), path.join(t.dir, 'summary.json'), run.latencyMetric)),
  );
  const health = tasks.map((t) => ({ task: t.segment.index, cpuShares: t.cpuShares }));
  return judgeRun(run.reportDir, path.basename(script, '.ts'), results, health, { taskSeconds, startAt });
}
