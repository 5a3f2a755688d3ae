#!/usr/bin/env node
// `npm test`: lint, typecheck, unit/integration/e2e tests, builds and synth of every project through Nx
// (cached where pure) and the k6 smoke run against the local runtime, then one closing line summed
// from each project's Jest JSON report (including those Nx restored from cache) and k6's thresholds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const reports = path.join(root, 'reports', 'jest');
const targets = process.env.RELAY_TEST_TARGETS ?? 'lint,typecheck,test,e2e-sockets,e2e-faults,e2e-browser,e2e-node24,build,synth,smoke,schemathesis';
const k6Reports = path.join(root, 'reports', 'k6');
const started = Date.now();
const extra = process.argv.slice(2);
// As many tasks at once as the machine has cores (Nx's default is a constant 3); --parallel wins.
const parallel = extra.some((a) => a.startsWith('--parallel')) ? [] : [`--parallel=${availableParallelism()}`];

rmSync(reports, { recursive: true, force: true });
const nx = spawnSync('npx', ['nx', 'run-many', '-t', targets, '--outputStyle=stream', ...parallel, ...extra], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
let skipped = 0;
const files = existsSync(reports) ? readdirSync(reports).filter((f) => f.endsWith('.json')) : [];
for (const file of files.sort()) {
  const result = JSON.parse(readFileSync(path.join(reports, file), 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + (result.numTodoTests ?? 0);
  console.log(`  ${file.replace(/\.json$/, '').padEnd(24)} ${result.numPassedTests} passed, ${result.numFailedTests} failed`);
}
// k6 smoke runs: each threshold is a test; only summaries written by this run count.
const k6Summaries = existsSync(k6Reports)
  ? readdirSync(k6Reports, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => path.join(k6Reports, d.name, 'summary.json'))
      .filter((f) => existsSync(f) && statSync(f).mtimeMs >= started)
  : [];
for (const file of k6Summaries.sort()) {
  const thresholds = Object.values(JSON.parse(readFileSync(file, 'utf8')).metrics).flatMap((m) => Object.values(m.thresholds ?? {}));
  const ok = thresholds.filter((t) => t.ok).length;
  passed += ok;
  failed += thresholds.length - ok;
  console.log(`  ${`k6 ${path.basename(path.dirname(file))}`.padEnd(24)} ${ok} passed, ${thresholds.length - ok} failed`);
}
// schemathesis contract runs: each JUnit test case (an operation, or the stateful phase) is a test.
const contractReports = path.join(root, 'reports', 'schemathesis');
const junitFiles = existsSync(contractReports)
  ? readdirSync(contractReports, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(path.join(contractReports, d.name))
          .filter((f) => f.endsWith('.xml'))
          .map((f) => path.join(contractReports, d.name, f)),
      )
      .filter((f) => statSync(f).mtimeMs >= started)
  : [];
for (const file of junitFiles.sort()) {
  const xml = readFileSync(file, 'utf8');
  const cases = (xml.match(/<testcase\b/g) ?? []).length;
  const bad = (xml.match(/<(failure|error)\b/g) ?? []).length;
  passed += cases - bad;
  failed += bad;
  console.log(`  ${`schemathesis ${path.basename(path.dirname(file))}`.padEnd(24)} ${cases - bad} passed, ${bad} failed`);
}
if (nx.status !== 0 && failed === 0) failed = 1; // a lint/typecheck/build failure is a failure too
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(nx.status === 0 && failed === 0 ? 0 : 1);
