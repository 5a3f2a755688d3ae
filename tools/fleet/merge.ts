import type { DDSketch } from '@datadog/sketches-js';
import { sketch, type MetricType, type TaskResults } from './task-results';

/**
 * The tasks of one split run as one test: counters and rate outcomes summed, latency sketches
 * merged (the merged sketch is the sketch of all samples), gauges at their highest, per-second
 * series added up. Nothing is averaged across tasks.
 */
export interface MergedResults {
  tasks: number;
  counters: Record<string, number>;
  rates: Record<string, { passes: number; fails: number }>;
  trends: Record<string, DDSketch>;
  gauges: Record<string, number>;
  perSecond: { second: number; iterations: number; latency: DDSketch; failedChecks: Record<string, number> }[];
  thresholds: Record<string, string[]>;
  types: Record<string, MetricType>;
}

export function mergeTasks(tasks: TaskResults[]): MergedResults {
  const merged: MergedResults = { tasks: tasks.length, counters: {}, rates: {}, trends: {}, gauges: {}, perSecond: [], thresholds: {}, types: {} };
  const seconds = new Map<number, MergedResults['perSecond'][number]>();
  for (const task of tasks) {
    Object.assign(merged.types, task.types);
    for (const [name, list] of Object.entries(task.thresholds)) merged.thresholds[name] = [...new Set([...(merged.thresholds[name] ?? []), ...list])];
    for (const [name, value] of Object.entries(task.counters)) merged.counters[name] = (merged.counters[name] ?? 0) + value;
    for (const [name, { passes, fails }] of Object.entries(task.rates)) {
      const rate = (merged.rates[name] ??= { passes: 0, fails: 0 });
      rate.passes += passes;
      rate.fails += fails;
    }
    for (const [name, value] of Object.entries(task.trends)) (merged.trends[name] ??= sketch()).merge(value);
    for (const [name, value] of Object.entries(task.gauges)) merged.gauges[name] = Math.max(merged.gauges[name] ?? -Infinity, value);
    for (const [second, bucket] of task.perSecond) {
      let into = seconds.get(second);
      if (!into) seconds.set(second, (into = { second, iterations: 0, latency: sketch(), failedChecks: {} }));
      into.iterations += bucket.iterations;
      into.latency.merge(bucket.latency);
      for (const [check, n] of Object.entries(bucket.failedChecks)) into.failedChecks[check] = (into.failedChecks[check] ?? 0) + n;
    }
  }
  merged.perSecond = [...seconds.values()].sort((a, b) => a.second - b.second);
  return merged;
}

/** A trend's statistics as k6 names them (`p(95)` and so on), from its sketch. */
export function trendValues(s: DDSketch): Record<string, number> {
  if (s.count === 0) return { count: 0 };
  const at = (q: number) => s.getValueAtQuantile(q);
  return { count: s.count, min: s.min, max: s.max, avg: s.sum / s.count, med: at(0.5), 'p(90)': at(0.9), 'p(95)': at(0.95), 'p(99)': at(0.99) };
}

/** The merged run in the shape of k6's own summary (metrics → type, values, thresholds → ok). */
export function mergedSummary(merged: MergedResults, verdicts: Record<string, Record<string, { ok: boolean }>>) {
  const metrics: Record<string, { type: MetricType; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }> = {};
  for (const [name, type] of Object.entries(merged.types)) {
    const values = metricValues(merged, name, type);
    if (!values) continue;
    metrics[name] = { type, values, ...(verdicts[name] ? { thresholds: verdicts[name] } : {}) };
  }
  return { tasks: merged.tasks, metrics };
}

export function metricValues(merged: MergedResults, name: string, type: MetricType): Record<string, number> | undefined {
  if (type === 'counter') return merged.counters[name] === undefined ? undefined : { count: merged.counters[name] };
  if (type === 'gauge') return merged.gauges[name] === undefined ? undefined : { value: merged.gauges[name], max: merged.gauges[name] };
  if (type === 'rate') {
    const r = merged.rates[name];
    return r ? { rate: r.passes + r.fails === 0 ? 0 : r.passes / (r.passes + r.fails), passes: r.passes, fails: r.fails } : undefined;
  }
  const t = merged.trends[name];
  return t ? trendValues(t) : undefined;
}
