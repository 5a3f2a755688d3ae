/**
 * End-of-test output without remote jslib: a threshold table on stdout, the full summary as
 * JSON (compared run to run by tools/loadgen/k6/k6-compare.ts) and JUnit XML for CI.
 */
interface MetricSummary {
  type: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}
export interface SummaryData {
  metrics: Record<string, MetricSummary>;
  state?: { testRunDurationMs?: number };
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function observed(metric: MetricSummary, threshold: string): string {
  const stat = /^(p\(\d+(\.\d+)?\)|avg|min|max|med|rate|count|value)/.exec(threshold)?.[1] ?? '';
  const value = metric.values[stat];
  if (value === undefined) return '';
  return metric.type === 'rate' ? `${stat}=${(value * 100).toFixed(2)}%` : `${stat}=${Number.isInteger(value) ? value : value.toFixed(2)}`;
}

export function thresholdRows(data: SummaryData) {
  return Object.entries(data.metrics).flatMap(([name, metric]) =>
    Object.entries(metric.thresholds ?? {}).map(([threshold, result]) => ({ name, threshold, ok: result.ok, observed: observed(metric, threshold) })),
  );
}

function table(data: SummaryData, scenario: string): string {
  const rows = thresholdRows(data);
  const lines = rows.map((r) => `  ${r.ok ? '✓' : '✗'} ${r.name.padEnd(20)} ${r.threshold.padEnd(14)} ${r.observed}`);
  const m = data.metrics;
  const count = (name: string) => m[name]?.values['count'] ?? 0;
  const delivered = m['chat_delivered']?.values;
  const latency = m['chat_delivery_ms'] ?? m['http_req_duration'];
  const stats = [
    `iterations ${count('iterations')}`,
    `dropped ${count('dropped_iterations')}`,
    `posts ${count('chat_posts')}`,
    ...(delivered ? [`deliveries expected ${(delivered['passes'] ?? 0) + (delivered['fails'] ?? 0)}, lost ${delivered['fails'] ?? 0}`] : []),
    ...(latency ? [`${m['chat_delivery_ms'] ? 'delivery' : 'request'} p50 ${(latency.values['med'] ?? 0).toFixed(1)} ms`] : []),
  ].join(', ');
  const failed = rows.filter((r) => !r.ok).length;
  const run = `${__ENV['PROFILE'] ?? 'smoke'}${__ENV['WARMUP'] === 'true' ? ', warm-up: latency not held' : ''}`;
  return [`\n${scenario} thresholds (${run}):`, ...lines, `  ${stats}`, `${rows.length - failed} passed, ${failed} failed\n`].join('\n');
}

function junit(data: SummaryData, scenario: string): string {
  const rows = thresholdRows(data);
  const cases = rows.map((r) => {
    const name = escapeXml(`${r.name} ${r.threshold}`);
    return r.ok
      ? `    <testcase classname="k6.${scenario}" name="${name}"/>`
      : `    <testcase classname="k6.${scenario}" name="${name}"><failure message="${escapeXml(r.observed)}"/></testcase>`;
  });
  const failures = rows.filter((r) => !r.ok).length;
  const seconds = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(1);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="k6.${scenario}" tests="${rows.length}" failures="${failures}" time="${seconds}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}

export function summaryOutputs(scenario: string) {
  return (data: SummaryData): Record<string, string> => {
    const dir = __ENV['REPORT_DIR'] ?? `reports/k6/${scenario}`;
    return {
      stdout: table(data, scenario),
      [`${dir}/summary.json`]: JSON.stringify(data, null, 2),
      [`${dir}/junit.xml`]: junit(data, scenario),
    };
  };
}
