import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FleetResult } from './judge';
import { CLOCK_OFFSET_LIMIT_MS } from './clock-offset';
import { metricValues } from './merge';

/**
 * The merged run for people and CI: JUnit (one case per threshold, plus the verdict) and one
 * self-contained HTML page with plots: latency p50/p95/p99 per second, arrivals per second,
 * failed checks per second, and each task's CPU, memory and network (the last two where the task
 * sampled them: Fargate's task metadata stats), with the worst clock offset against the target.
 */
const escape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function chart(title: string, series: { name: string; points: number[] }[], unit: string): string {
  const width = 640;
  const height = 180;
  const longest = Math.max(1, ...series.map((s) => s.points.length));
  const top = Math.max(1e-9, ...series.flatMap((s) => s.points));
  const colours = ['#2563eb', '#d97706', '#dc2626', '#059669', '#7c3aed', '#0891b2'];
  const lines = series.map((s, i) => {
    const points = s.points.map((v, x) => `${((x / Math.max(1, longest - 1)) * width).toFixed(1)},${(height - (v / top) * height).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${colours[i % colours.length]}" stroke-width="1.5" points="${points}"><title>${escape(s.name)}</title></polyline>`;
  });
  const legend = series.map((s, i) => `<span style="color:${colours[i % colours.length]}">■ ${escape(s.name)}</span>`).join(' ');
  return `<h2>${escape(title)}</h2><p>${legend} (max ${top.toFixed(1)} ${escape(unit)})</p><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="border:1px solid #ccc">${lines.join('')}</svg>`;
}

export function writeReport(dir: string, name: string, result: FleetResult): void {
  const { merged, thresholds, verdict } = result;
  const cases = Object.entries(thresholds).flatMap(([metric, list]) =>
    Object.entries(list).map(([expression, { ok }]) => {
      const label = escape(`${metric} ${expression}`);
      return ok
        ? `    <testcase classname="fleet.${name}" name="${label}"/>`
        : `    <testcase classname="fleet.${name}" name="${label}"><failure message="failed on the merged run"/></testcase>`;
    }),
  );
  const health = verdict.status === 'inconclusive' ? `<failure message="${escape(verdict.reasons.join('; '))}"/>` : '';
  cases.push(`    <testcase classname="fleet.${name}" name="generator health">${health}</testcase>`);
  const failures = cases.filter((c) => c.includes('<failure')).length;
  writeFileSync(
    path.join(dir, 'junit.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="fleet.${name}" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`,
  );

  const seconds = merged.perSecond;
  const q = (s: (typeof seconds)[number], quantile: number) => (s.latency.count > 0 ? s.latency.getValueAtQuantile(quantile) : 0);
  const checks = [...new Set(seconds.flatMap((s) => Object.keys(s.failedChecks)))];
  const rows = Object.entries(merged.types)
    .map(([metric, type]) => [metric, JSON.stringify(metricValues(merged, metric, type) ?? {})])
    .map(([metric, values]) => `<tr><td>${escape(metric ?? '')}</td><td><code>${escape(values ?? '')}</code></td></tr>`);
  const html = `<!doctype html><meta charset="utf-8"><title>${escape(name)}: fleet report</title>
<body style="font-family:system-ui;max-width:720px;margin:2em auto">
<h1>${escape(name)}: ${escape(verdict.status)}</h1>
<p>${merged.tasks} task(s), started together at ${new Date(result.startAt).toISOString()}; ${result.taskSeconds.toFixed(0)} task-seconds; arrivals achieved ${(verdict.achievedShare * 100).toFixed(2)}% of those asked.</p>
${verdict.reasons.length ? `<ul>${verdict.reasons.map((r) => `<li>${escape(r)}</li>`).join('')}</ul>` : ''}
${
  result.clock
    ? `<p>Worst clock offset of a task against the target: ${result.clock.worstOffsetMs.toFixed(2)} ms${result.clock.flagged ? ` <strong>(above ${CLOCK_OFFSET_LIMIT_MS} ms: delivery latencies carry it)</strong>` : ''}.</p>`
    : ''
}
${chart(
  'latency per second (ms)',
  [0.5, 0.95, 0.99].map((quantile) => ({ name: `p${quantile * 100}`, points: seconds.map((s) => q(s, quantile)) })),
  'ms',
)}
${chart('arrivals per second', [{ name: 'iterations started', points: seconds.map((s) => s.iterations) }], '/s')}
${chart('failed checks per second, by check', checks.length ? checks.map((c) => ({ name: c, points: seconds.map((s) => s.failedChecks[c] ?? 0) })) : [{ name: 'none', points: [] }], '/s')}
${chart(
  'CPU per task (share of its cores)',
  result.health.map((h) => ({ name: `task ${h.task}`, points: h.cpuShares.map((c) => c * 100) })),
  '%',
)}
${
  result.health.some((h) => h.memoryBytes?.length)
    ? chart(
        'memory per task (MiB)',
        result.health.map((h) => ({ name: `task ${h.task}`, points: (h.memoryBytes ?? []).map((b) => b / 2 ** 20) })),
        'MiB',
      ) +
      chart(
        'network per task (received + sent, KiB/s)',
        result.health.map((h) => ({ name: `task ${h.task}`, points: (h.networkBytesPerSecond ?? []).map((b) => b / 1024) })),
        'KiB/s',
      )
    : ''
}
<h2>Merged metrics</h2><table>${rows.join('')}</table>
</body>`;
  writeFileSync(path.join(dir, 'report.html'), html);
}
