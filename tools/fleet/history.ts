import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Environment } from '@relay/platform-config';

/**
 * One run's record for the nightly trend: its result (the latency metric's percentiles, errors,
 * verdict) beside the target's configuration, so two runs are compared only when one variable
 * changed between them. Kept in the results bucket under runs/history/ (the 30-day lifecycle
 * keeps more than the 14 nights the trend reads).
 */
export interface RunRecord {
  runId: string;
  /** ISO time the run started. */
  at: string;
  profile: string;
  env: string;
  verdict: 'pass' | 'fail' | 'inconclusive';
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Failed checks over all checks. */
  errorRate: number | null;
  taskSeconds: number;
  config: TargetConfig;
}

/** The variables that decide a result besides the code (the load-test method: change one per run). */
export interface TargetConfig {
  code: string;
  lambda: { memoryMb: number; reservedDeliverConcurrency: number | null; deliveryConcurrency: number; fanoutWorkers: number };
  fargate: { desiredCount: number; maxCount: number; cpu: number; memoryMb: number; spot: boolean };
  tables: string;
  quotas: Record<string, number>;
  generator: { tasks: number; cpu: number; memoryMb: number };
  /** How the target ran: the broadcast service's bounds before and during the run, and the WAF's admission. */
  run: RunConditions;
}

export interface RunConditions {
  woken: { before: { minCapacity: number; maxCapacity: number }; during: { minCapacity: number; maxCapacity: number } };
  /** rate-rule-exempt: the fleet's requests were outside the WAF's per-IP rate rule (every other rule applied). */
  admission: 'rate-rule-exempt' | 'no-waf';
  /** The broadcast load balancer's LCU reservation for the run (spikes at prod's size), or none. */
  loadBalancer: { reservedLcus: number; state: 'provisioned' | 'failed' | 'timed-out' } | null;
}

export const HISTORY_PREFIX = 'runs/history/';
export const TREND_NIGHTS = 14;
/** A p95 this much above the previous comparable run's fails the nightly. */
export const REGRESSION_SHARE = 0.2;

/** The target's configuration as the catalogue deploys it (chat tables are on-demand: DesignedTable). */
export function targetConfig(env: Environment, code: string, generator: TargetConfig['generator'], run: RunConditions): TargetConfig {
  return {
    code,
    lambda: {
      memoryMb: env.lambda.memoryMb,
      reservedDeliverConcurrency: env.lambda.reservedDeliverConcurrency ?? null,
      deliveryConcurrency: env.lambda.deliveryConcurrency,
      fanoutWorkers: env.lambda.fanoutWorkers,
    },
    fargate: {
      desiredCount: env.fargate.desiredCount,
      maxCount: env.fargate.maxCount,
      cpu: env.fargate.cpu,
      memoryMb: env.fargate.memoryMb,
      spot: env.fargate.spot,
    },
    tables: 'PAY_PER_REQUEST',
    quotas: { ...env.quotas, ...Object.fromEntries(Object.entries(env.webSocket).filter(([k]) => k.startsWith('account'))) },
    generator,
    run,
  };
}

/** The variables (dotted paths) whose values differ between two configurations. */
export function changedVariables(before: TargetConfig, after: TargetConfig): string[] {
  const flat = (value: unknown, prefix = ''): [string, string][] =>
    value !== null && typeof value === 'object'
      ? Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flat(v, prefix ? `${prefix}.${k}` : k))
      : [[prefix, JSON.stringify(value)]];
  const a = new Map(flat(before));
  const b = new Map(flat(after));
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  // Report the variable, not each leaf: quotas.x and quotas.y are one "quotas" change.
  const changed = keys.filter((k) => a.get(k) !== b.get(k)).map((k) => (k.startsWith('code') ? 'code' : k.split('.').slice(0, 2).join('.')));
  return [...new Set(changed)];
}

export type Comparison =
  | { status: 'first' }
  | { status: 'not-comparable'; why: string }
  | { status: 'confounded'; changed: string[]; previous: string }
  | { status: 'regression' | 'improvement' | 'steady'; changed: string[]; previous: string; change: number };

/**
 * This run against the previous run of the same profile: only two conclusive runs with a p95
 * compare, and only with at most one variable changed; more than one is "confounded", never a
 * regression or an improvement.
 */
export function compareRuns(current: RunRecord, history: RunRecord[]): Comparison {
  const previous = history
    .filter((r) => r.profile === current.profile && r.runId !== current.runId && r.at < current.at)
    .sort((x, y) => (x.at < y.at ? 1 : -1))[0];
  if (!previous) return { status: 'first' };
  if (current.verdict === 'inconclusive' || previous.verdict === 'inconclusive')
    return { status: 'not-comparable', why: 'a generator-bound run measures the generator' };
  if (current.p95Ms === null || previous.p95Ms === null || previous.p95Ms <= 0) return { status: 'not-comparable', why: 'no p95 to compare' };
  const changed = changedVariables(previous.config, current.config);
  if (changed.length > 1) return { status: 'confounded', changed, previous: previous.runId };
  const change = current.p95Ms / previous.p95Ms - 1;
  const status = change > REGRESSION_SHARE ? 'regression' : change < -REGRESSION_SHARE ? 'improvement' : 'steady';
  return { status, changed, previous: previous.runId, change };
}

export async function saveRecord(s3: S3Client, bucket: string, record: RunRecord): Promise<void> {
  const key = `${HISTORY_PREFIX}${record.at.replace(/[:.]/g, '')}-${record.profile}-${record.runId}.json`;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(record), ContentType: 'application/json' }));
}

/** The last `nights` records of each profile (newest last). */
export async function loadHistory(s3: S3Client, bucket: string, nights = TREND_NIGHTS): Promise<RunRecord[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: HISTORY_PREFIX, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
    token = page.NextContinuationToken;
  } while (token);
  const records: RunRecord[] = [];
  for (const key of keys.sort()) {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    records.push(JSON.parse((await response.Body?.transformToString()) ?? '{}') as RunRecord);
  }
  const byProfile = new Map<string, RunRecord[]>();
  for (const r of records.sort((x, y) => (x.at < y.at ? -1 : 1))) byProfile.set(r.profile, [...(byProfile.get(r.profile) ?? []), r]);
  return [...byProfile.values()].flatMap((list) => list.slice(-nights));
}

/** The trend as a Markdown table per profile, newest last, with each run's comparison. */
export function trendMarkdown(history: RunRecord[]): string {
  const profiles = [...new Set(history.map((r) => r.profile))].sort();
  const ms = (v: number | null) => (v === null ? '-' : v.toFixed(1));
  const lines: string[] = [];
  for (const profile of profiles) {
    const runs = history.filter((r) => r.profile === profile);
    lines.push(
      `### ${profile}: the last ${runs.length} run(s)`,
      '',
      '| run | verdict | p50 ms | p95 ms | p99 ms | errors | vs previous |',
      '|---|---|---|---|---|---|---|',
    );
    for (const run of runs) {
      const c = compareRuns(run, runs);
      const vs =
        c.status === 'first'
          ? 'first'
          : c.status === 'not-comparable'
            ? `not comparable (${c.why})`
            : c.status === 'confounded'
              ? `confounded: ${c.changed.join(', ')} changed`
              : `${c.status} ${(c.change * 100).toFixed(1)}%${c.changed.length ? ` (${c.changed[0]} changed)` : ''}`;
      const errors = run.errorRate === null ? '-' : `${(run.errorRate * 100).toFixed(2)}%`;
      lines.push(`| ${run.at.slice(0, 16)} ${run.runId} | ${run.verdict} | ${ms(run.p50Ms)} | ${ms(run.p95Ms)} | ${ms(run.p99Ms)} | ${errors} | ${vs} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
