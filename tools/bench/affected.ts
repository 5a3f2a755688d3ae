/**
 * npm run bench:affected
 * In a throwaway clone: a cold full run of lint, test, build and synth (empty Nx cache), a warm
 * re-run of the same (everything cached), then one commit touching a leaf app and
 * `nx affected` of the same targets. Prints wall time and tasks run for each.
 * Targets: affected <= 15% of the cold full run; warm full re-run < 5 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const TARGETS = 'lint,test,e2e-sockets,e2e-browser,e2e-node24,build,synth';
/** Two leaves: the local runtime app (which owns the e2e suite) and the load-test scenarios. */
const LEAVES = ['apps/chat-local/src/main.ts', 'loadtests/src/chat-steady.ts'];

/** A measured run that failed: reported as such, not as a crash of the benchmark. */
class BenchFailure extends Error {}

function nx(cwd: string, cacheDir: string, args: string[]): { seconds: number; tasks: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync('npx', ['nx', ...args, '-t', TARGETS, '--outputStyle=static'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_CACHE_DIRECTORY: cacheDir, NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    const failed = [...result.stdout.matchAll(/^\s*-\s+([\w-]+:[\w-]+)\s*$/gm)].map((m) => m[1]);
    throw new BenchFailure(`nx ${args.join(' ')} failed${failed.length ? ` (${failed.join(', ')})` : ''}; its last output:\n${result.stdout.slice(-2000)}`);
  }
  return { seconds, tasks: (result.stdout.match(/^> nx run /gm) ?? []).length };
}

function main(): void {
  const work = mkdtempSync(path.join(tmpdir(), 'relay-bench-affected-'));
  const clone = path.join(work, 'repo');
  const cacheDir = path.join(work, 'nx-cache');
  try {
    execFileSync('git', ['clone', '--quiet', root, clone]);
    // Dependencies are not what is measured: share the installed node_modules.
    symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@relay.invalid', ...args], { cwd: clone });

    const cold = nx(clone, cacheDir, ['run-many']);
    const warm = nx(clone, cacheDir, ['run-many']);
    const affected = LEAVES.map((leaf) => {
      appendFileSync(path.join(clone, leaf), '\n// bench: a leaf change\n');
      git('commit', '--quiet', '-am', `bench: touch ${leaf}`);
      return { leaf, result: nx(clone, cacheDir, ['affected', '--base=HEAD~1', '--head=HEAD']) };
    });

    const row = (label: string, r: { seconds: number; tasks: number }, note: string) =>
      `${label.padEnd(34)} ${r.seconds.toFixed(1).padStart(7)} s ${String(r.tasks).padStart(6)} tasks   ${note}`;
    console.log(`nx ${TARGETS.replaceAll(',', ' ')} in a fresh clone`);
    console.log(row('run-many, cold cache', cold, ''));
    console.log(row('run-many, warm cache (re-run)', warm, `target < 5 s: ${warm.seconds < 5 ? 'met' : 'missed'}`));
    for (const { leaf, result } of affected) {
      const share = (result.seconds / cold.seconds) * 100;
      console.log(
        row(`affected: ${leaf.split('/').slice(0, 2).join('/')}`, result, `${share.toFixed(0)}% of cold; target <= 15%: ${share <= 15 ? 'met' : 'missed'}`),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof BenchFailure)) throw error;
  console.error(`bench:affected: no figures, because a measured run failed. Fix it and run again.\n${error.message}`);
  process.exit(1);
}
