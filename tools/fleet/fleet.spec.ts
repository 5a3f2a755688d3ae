import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DDSketch } from '@datadog/sketches-js';
import { ensureK6 } from '@relay/k6-process';
import { runLocalFleet } from './local-fleet';
import { mergeTasks, trendValues } from './merge';
import { executionSegments } from './segments';
import { RELATIVE_ACCURACY, sketch, type TaskResults } from './task-results';
import { judgeThresholds } from './thresholds';
import { EXIT, verdict } from './verdict';

jest.setTimeout(300_000);

describe('execution segments', () => {
  it('partition the test into N consecutive shares of one sequence', () => {
    expect(executionSegments(1)).toEqual([{ index: 0, segment: '0:1', sequence: '0,1' }]);
    expect(executionSegments(3).map((s) => s.segment)).toEqual(['0:1/3', '1/3:2/3', '2/3:1']);
    expect(new Set(executionSegments(3).map((s) => s.sequence))).toEqual(new Set(['0,1/3,2/3,1']));
    expect(() => executionSegments(0)).toThrow('tasks must be an integer');
  });
});

/** A task's results built from raw samples, as readTaskResults builds them from k6's CSV. */
function taskOf(task: number, samples: number[], extra: Partial<TaskResults> = {}): TaskResults {
  const latency = sketch();
  for (const v of samples) latency.accept(v);
  return {
    task,
    counters: { iterations: samples.length },
    rates: { checks: { passes: samples.length - 1, fails: 1 } },
    trends: { latency },
    gauges: { vus: task + 1 },
    perSecond: new Map(),
    thresholds: { latency: ['p(95)<150'], iterations: [`count>=${samples.length * 3}`] },
    types: { latency: 'trend', iterations: 'counter', checks: 'rate', vus: 'gauge' },
    ...extra,
  };
}

describe('merging shards', () => {
  // A fixed, skewed sample set (a long tail, as latencies have), split unevenly across 3 shards.
  const all = Array.from({ length: 30_000 }, (_, i) => 5 + ((i * 7919) % 1000) / 10 + (i % 97 === 0 ? 400 + (i % 300) : 0));
  const shards = [all.filter((_, i) => i % 5 === 0), all.filter((_, i) => i % 5 === 1 || i % 5 === 2), all.filter((_, i) => i % 5 > 2)];
  const exact = (q: number) => [...all].sort((a, b) => a - b)[Math.floor(q * (all.length - 1))] ?? NaN;

  it("gives the percentiles of all samples at once, within the sketch's stated relative accuracy, and never averages them", () => {
    const merged = mergeTasks(shards.map((s, i) => taskOf(i, s)));
    const values = trendValues(merged.trends['latency'] ?? sketch());
    for (const [stat, q] of [
      ['med', 0.5],
      ['p(95)', 0.95],
      ['p(99)', 0.99],
    ] as const) {
      const truth = exact(q);
      expect(Math.abs((values[stat] ?? NaN) - truth) / truth).toBeLessThanOrEqual(RELATIVE_ACCURACY * 1.01);
    }
    // Identical to one sketch of every sample: the merge loses nothing the sketch keeps.
    const whole = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
    for (const v of all) whole.accept(v);
    expect(values['p(99)']).toBe(whole.getValueAtQuantile(0.99));
    // Averaging the shards' p99s would not be: the shards' tails differ.
    const averaged = shards.map((s) => [...s].sort((a, b) => a - b)[Math.floor(0.99 * (s.length - 1))] ?? 0).reduce((a, b) => a + b, 0) / 3;
    expect(averaged).not.toBeCloseTo(exact(0.99), 0);
    expect(merged.counters['iterations']).toBe(all.length);
    expect(merged.rates['checks']).toEqual({ passes: all.length - 3, fails: 3 });
    expect(merged.gauges['vus']).toBe(3);
  });

  it('judges thresholds on the merged run: a whole-test count only the sum meets', () => {
    const merged = mergeTasks(shards.map((s, i) => taskOf(i, s, { thresholds: { iterations: [`count>=${all.length}`], latency: ['p(95)<150'] } })));
    const verdicts = judgeThresholds(merged);
    expect(verdicts['iterations']).toEqual({ [`count>=${all.length}`]: { ok: true } });
    expect(verdicts['latency']?.['p(95)<150']?.ok).toBe(exact(0.95) < 150);
    expect(() => judgeThresholds(mergeTasks([taskOf(0, [1], { thresholds: { latency: ['p(95)<150 abortOnFail'] } })]))).toThrow('not one the fleet can judge');
  });

  it('calls a run inconclusive, with its own exit code, when the generator was the bottleneck', () => {
    const merged = mergeTasks([taskOf(0, [1, 2, 3])]);
    const thresholds = judgeThresholds(merged);
    expect(verdict(merged, [{ task: 0, cpuShares: [0.5, 0.5, 0.5] }], {}).status).toBe('pass');
    expect(verdict(merged, [{ task: 0, cpuShares: [0.95, 0.5, 0.5] }], thresholds)).toMatchObject({ status: 'inconclusive' });
    merged.counters['dropped_iterations'] = 1;
    expect(verdict(merged, [], thresholds).reasons[0]).toContain('1 iterations dropped');
    expect(new Set(Object.values(EXIT)).size).toBe(3);
  });
});

describe('the local fleet with the real k6', () => {
  let k6: string;
  beforeAll(() => {
    k6 = ensureK6();
  });

  it('judges a starved generator (one core, GOMAXPROCS=1, asked for more than it can start) inconclusive, not pass or fail', async () => {
    const result = await runLocalFleet({
      k6,
      script: path.join(__dirname, 'fixtures/busy.js'),
      tasks: 1,
      env: {},
      reportDir: mkdtempSync(path.join(tmpdir(), 'relay-fleet-busy-')),
      latencyMetric: 'iteration_duration',
      coresPerTask: 1,
      wrap: ['taskset', '-c', '0'],
      taskEnv: { GOMAXPROCS: '1' },
      barrierDelayMs: 1000,
    });
    expect(result.verdict.status).toBe('inconclusive');
    expect(result.verdict.reasons.join(' ')).toMatch(/generator-bound: .*dropped/);
    expect(result.merged.counters['dropped_iterations']).toBeGreaterThan(0);
  });

  it('splits a schedule into shares that are together exactly the test: every iteration number once, none twice', async () => {
    const run = async (tasks: number) => {
      const reportDir = mkdtempSync(path.join(tmpdir(), `relay-fleet-ramp-${tasks}-`));
      const result = await runLocalFleet({
        k6,
        script: path.join(__dirname, 'fixtures/ramp.js'),
        tasks,
        env: {},
        reportDir,
        latencyMetric: 'iteration_duration',
        coresPerTask: 2,
        barrierDelayMs: 1500,
      });
      const numbers: number[] = [];
      for (let task = 0; task < tasks; task++) {
        const csv = gunzipSync(readFileSync(path.join(reportDir, `task-${task}`, 'samples.csv.gz'))).toString('utf8');
        for (const line of csv.split('\n')) if (line.startsWith('iteration_number,')) numbers.push(Number(line.split(',')[2]));
      }
      return { result, numbers: numbers.sort((a, b) => a - b) };
    };
    const one = await run(1);
    const three = await run(3);
    // The three shares: each number 0..n-1 exactly once, as in the whole test.
    for (const { numbers, result } of [one, three]) {
      expect(numbers).toEqual(numbers.map((_, i) => i));
      expect(result.merged.counters['iterations']).toBe(numbers.length);
    }
    expect(one.numbers.length).toBeGreaterThan(30);
    // k6 itself may start the schedule's last iteration or not, run to run (41 or 42 seen here
    // single-process on a loaded machine): the split changes nothing else.
    expect(Math.abs(three.numbers.length - one.numbers.length)).toBeLessThanOrEqual(1);
  });
});
