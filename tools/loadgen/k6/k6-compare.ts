/**
 * Compares two k6 summary.json files (previous run, this run) and prints the deltas of what
 * matters: delivery latency, delivery rate, checks, volume and dropped iterations.
 *   node --import tsx tools/loadgen/k6/k6-compare.ts <previous summary.json> <current summary.json>
 */
import { readFileSync } from 'node:fs';

interface Summary {
  metrics: Record<string, { values: Record<string, number> }>;
}

const ROWS: { label: string; metric: string; stat: string; unit: 'ms' | '%' | ''; lowerIsBetter: boolean }[] = [
  { label: 'delivery p50', metric: 'chat_delivery_ms', stat: 'med', unit: 'ms', lowerIsBetter: true },
  { label: 'delivery p95', metric: 'chat_delivery_ms', stat: 'p(95)', unit: 'ms', lowerIsBetter: true },
  { label: 'delivery max', metric: 'chat_delivery_ms', stat: 'max', unit: 'ms', lowerIsBetter: true },
  { label: 'delivered', metric: 'chat_delivered', stat: 'rate', unit: '%', lowerIsBetter: false },
  { label: 'checks', metric: 'checks', stat: 'rate', unit: '%', lowerIsBetter: false },
  { label: 'deliveries checked', metric: 'chat_delivered', stat: 'passes', unit: '', lowerIsBetter: false },
  { label: 'deliveries lost', metric: 'chat_delivered', stat: 'fails', unit: '', lowerIsBetter: true },
  { label: 'iterations', metric: 'iterations', stat: 'count', unit: '', lowerIsBetter: false },
  { label: 'dropped iterations', metric: 'dropped_iterations', stat: 'count', unit: '', lowerIsBetter: true },
];

const format = (value: number | undefined, unit: string) =>
  value === undefined ? '-' : unit === '%' ? `${(value * 100).toFixed(2)}%` : unit === 'ms' ? `${value.toFixed(1)} ms` : String(value);

export function compareSummaries(previous: Summary, current: Summary): string {
  const lines = [`${'metric'.padEnd(20)} ${'previous'.padStart(12)} ${'current'.padStart(12)} ${'delta'.padStart(12)}`];
  for (const row of ROWS) {
    const before = previous.metrics[row.metric]?.values[row.stat];
    const after = current.metrics[row.metric]?.values[row.stat];
    let delta = '-';
    if (before !== undefined && after !== undefined) {
      const diff = after - before;
      const worse = row.lowerIsBetter ? diff > 0 : diff < 0;
      const shown = row.unit === '%' ? `${(diff * 100).toFixed(2)} pp` : row.unit === 'ms' ? `${diff.toFixed(1)} ms` : String(diff);
      const relative = before !== 0 && row.unit !== '%' ? ` (${((diff / before) * 100).toFixed(0)}%)` : '';
      delta = `${diff > 0 ? '+' : ''}${shown}${relative}${diff !== 0 && worse ? ' !' : ''}`;
    }
    lines.push(`${row.label.padEnd(20)} ${format(before, row.unit).padStart(12)} ${format(after, row.unit).padStart(12)} ${delta.padStart(12)}`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const [previousFile, currentFile] = process.argv.slice(2);
  if (!previousFile || !currentFile) {
    console.error('usage: k6-compare.ts <previous summary.json> <current summary.json>');
    process.exit(2);
  }
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Summary;
  console.log(compareSummaries(read(previousFile), read(currentFile)));
}
