#!/usr/bin/env node
// `npm test`: lint, typecheck, unit/integration/e2e tests, builds and synth of every project through Nx
// (cached where pure), then one closing line summed from each project's Jest JSON report,
// including the ones Nx restored from cache.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const reports = path.join(root, 'reports', 'jest');
const targets = process.env.RELAY_TEST_TARGETS ?? 'lint,typecheck,test,build,synth';
const extra = process.argv.slice(2);

rmSync(reports, { recursive: true, force: true });
const nx = spawnSync('npx', ['nx', 'run-many', '-t', targets, '--outputStyle=stream', ...extra], {
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
if (nx.status !== 0 && failed === 0) failed = 1; // a lint/typecheck/build failure is a failure too
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(nx.status === 0 && failed === 0 ? 0 : 1);
