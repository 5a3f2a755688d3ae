import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLOCK_OFFSET_LIMIT_MS } from './clock-offset';
import { mergedSummary, mergeTasks, type MergedResults } from './merge';
import { writeReport } from './report';
import type { TaskResults } from './task-results';
import { judgeThresholds } from './thresholds';
import { verdict, type TaskHealth, type Verdict } from './verdict';

/** A fleet run, merged and judged once, wherever its tasks ran (local processes or Fargate tasks). */
export interface FleetResult {
  merged: MergedResults;
  thresholds: ReturnType<typeof judgeThresholds>;
  verdict: Verdict;
  health: TaskHealth[];
  /** Task-seconds actually spent (what a Fargate run is billed for). */
  taskSeconds: number;
  startAt: number;
  /** The worst clock offset any task measured against the target, and whether it is above the limit. */
  clock?: { worstOffsetMs: number; flagged: boolean };
}

/** Merges the tasks' results, judges thresholds and generator health, writes summary.json, JUnit and the HTML report. */
export function judgeRun(
  reportDir: string,
  name: string,
  results: TaskResults[],
  health: TaskHealth[],
  run: { taskSeconds: number; startAt: number; extra?: Record<string, unknown> },
): FleetResult {
  const merged = mergeTasks(results);
  const thresholds = judgeThresholds(merged);
  const outcome = verdict(merged, health, thresholds);
  const offsets = health.flatMap((h) => (h.clockOffsetMs === undefined ? [] : [Math.abs(h.clockOffsetMs)]));
  const clock = offsets.length > 0 ? { worstOffsetMs: Math.max(...offsets), flagged: Math.max(...offsets) > CLOCK_OFFSET_LIMIT_MS } : undefined;
  const result: FleetResult = { merged, thresholds, verdict: outcome, health, taskSeconds: run.taskSeconds, startAt: run.startAt, ...(clock ? { clock } : {}) };
  writeFileSync(
    path.join(reportDir, 'summary.json'),
    `${JSON.stringify({ ...mergedSummary(merged, thresholds), verdict: outcome, taskSeconds: run.taskSeconds, startAt: run.startAt, clock, health, ...run.extra }, null, 2)}\n`,
  );
  writeReport(reportDir, name, result);
  return result;
}
