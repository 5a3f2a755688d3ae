import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckovReport } from './checkov';

/** Writes reports/checkov/checkov.json (everything) and checkov.txt (what a reviewer reads). */
export function writeCheckovReport(report: CheckovReport, seconds: number): string {
  const dir = path.resolve(__dirname, '..', '..', '..', 'reports', 'checkov');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'checkov.json'), `${JSON.stringify({ seconds, ...report }, null, 2)}\n`);
  const byCheck = new Map<string, { reason: string; count: number }>();
  for (const a of report.accepted) {
    const key = `${a.check} ${a.reason}`;
    byCheck.set(key, { reason: a.reason, count: (byCheck.get(key)?.count ?? 0) + 1 });
  }
  const lines = [
    `checkov ${report.version} over ${report.stacks.length} stacks (terraform_json) in ${seconds.toFixed(1)} s`,
    `passed ${report.passed}, failed ${report.failed.length}: accepted ${report.accepted.length}, open ${report.open.length}; parsing errors ${report.parsingErrors.length}; unused exceptions ${report.unused.length}`,
    '',
    ...report.open.map((f) => `OPEN ${f.check} ${f.stack} ${f.resource} (${f.name})`),
    ...report.unused.map((e) => `UNUSED EXCEPTION ${e.check} stack ${e.stack} resource ${e.resource}`),
    ...report.parsingErrors.map((p) => `PARSING ERROR ${p}`),
    '',
    'accepted (count  check  reason):',
    ...[...byCheck.entries()].map(([key, { count }]) => `${String(count).padStart(5)}  ${key}`),
  ];
  const text = `${lines.join('\n')}\n`;
  writeFileSync(path.join(dir, 'checkov.txt'), text);
  return text;
}
