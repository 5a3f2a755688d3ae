import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DDSketch } from '@datadog/sketches-js';

/**
 * One task's results, read from k6's CSV output (every sample; `--out csv=…gz`) with the metric
 * types from its summary: counters as sums, rates as passes and fails, trends as DDSketches
 * (mergeable, 0.5% relative accuracy), gauges as their maximum, plus per-second series for the
 * report. Percentiles are never averaged: the sketches are merged (merge.ts).
 */
export const RELATIVE_ACCURACY = 0.005;

export type MetricType = 'counter' | 'rate' | 'trend' | 'gauge';

export interface TaskResults {
  task: number;
  counters: Record<string, number>;
  rates: Record<string, { passes: number; fails: number }>;
  trends: Record<string, DDSketch>;
  gauges: Record<string, number>;
  /** Per second (epoch s): iterations started, the main latency's sketch, failed checks by name. */
  perSecond: Map<number, { iterations: number; latency: DDSketch; failedChecks: Record<string, number> }>;
  /** Thresholds as the task's k6 declared them (the same in every task). */
  thresholds: Record<string, string[]>;
  types: Record<string, MetricType>;
}

interface K6Summary {
  metrics: Record<string, { type: MetricType; thresholds?: Record<string, unknown> }>;
}

export function sketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
}

export async function readTaskResults(task: number, csvGz: string, summaryJson: string, latencyMetric: string): Promise<TaskResults> {
  const summary = JSON.parse(readFileSync(summaryJson, 'utf8')) as K6Summary;
  const types = Object.fromEntries(Object.entries(summary.metrics).map(([name, m]) => [name, m.type]));
  const thresholds = Object.fromEntries(Object.entries(summary.metrics).flatMap(([name, m]) => (m.thresholds ? [[name, Object.keys(m.thresholds)]] : [])));
  const results: TaskResults = { task, counters: {}, rates: {}, trends: {}, gauges: {}, perSecond: new Map(), thresholds, types };
  const lines = createInterface({ input: createReadStream(csvGz).pipe(createGunzip()), crlfDelay: Infinity });
  let columns: string[] | undefined;
  let checkColumn = -1;
  for await (const line of lines) {
    if (!columns) {
      columns = line.split(',');
      checkColumn = columns.indexOf('check');
      continue;
    }
    // The first three columns never hold commas; a tag value may, and only `check` is read after them.
    const [name = '', ts = '', raw = ''] = line.split(',', 3);
    const value = Number(raw);
    const second = Number(ts);
    const type = types[name];
    if (type === 'counter') results.counters[name] = (results.counters[name] ?? 0) + value;
    else if (type === 'gauge') results.gauges[name] = Math.max(results.gauges[name] ?? -Infinity, value);
    else if (type === 'rate') {
      const rate = (results.rates[name] ??= { passes: 0, fails: 0 });
      if (value !== 0) rate.passes++;
      else rate.fails++;
    } else if (type === 'trend') (results.trends[name] ??= sketch()).accept(Math.max(0, value));
    if (name === 'iterations' || name === latencyMetric || (name === 'checks' && value === 0)) {
      let bucket = results.perSecond.get(second);
      if (!bucket) results.perSecond.set(second, (bucket = { iterations: 0, latency: sketch(), failedChecks: {} }));
      if (name === 'iterations') bucket.iterations++;
      else if (name === latencyMetric) bucket.latency.accept(Math.max(0, value));
      else {
        const check = line.split(',')[checkColumn] ?? 'check';
        bucket.failedChecks[check] = (bucket.failedChecks[check] ?? 0) + 1;
      }
    }
  }
  return results;
}
