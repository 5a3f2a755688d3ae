/**
 * npm run bench:affected [-- --projects a,b]
 * In a throwaway clone: a cold full run of the targets below (empty Nx cache), a warm re-run of the
 * same (everything cached), the checks pr.yml runs on every pull request whatever it edits
 * (repo-checks:test, in no edit's affected list), then, for every project (or those named), one commit appending a
 * comment line to one of its source files and `nx affected` of the same targets. Prints, per edit,
 * the projects affected, the tasks run, the wall time and its share of the cold run, and the CPU
 * the run used: divided by the cores, a floor under the wall that no scheduling gets below, so a
 * row whose floor is over its target needs fewer or cheaper tasks, not more parallelism.
 * Targets: a leaf's edit (any tools project, loadtests, web, a single app) <= 15% of cold;
 * libs/chat-core <= 60%; the warm full re-run < 5 s.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { spawnMeasured } from './child-cpu';
import { editableFile } from './edited-file';
import { jestFailures } from './jest-failures';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';

const root = path.resolve(__dirname, '..', '..');
const TARGETS = 'lint,typecheck,test,e2e-sockets,e2e-faults,e2e-browser,e2e-node24,build,synth';
/** Share of the cold run a project's edit may take: chat-core is the core; the rest of libs/ and stacks are measured, not judged. */
function targetShare(project: Project): number | undefined {
  if (project.name === 'chat-core') return 60;
  return project.root.startsWith('libs/') || project.root === 'stacks' ? undefined : 15;
}

interface Project {
  name: string;
  root: string;
}
interface Measured {
  seconds: number;
  tasks: number;
  cpuSeconds: number;
}

/** A measured run that failed: reported as such, not as a crash of the benchmark. */
class BenchFailure extends Error {}

function editedFile(cwd: string, project: Project): string {
  const file = editableFile(cwd, project.root);
  if (!file) throw new BenchFailure(`${project.name}: no TypeScript or JavaScript source to edit`);
  return file;
}

const NX_ENV = (cacheDir: string) => ({ ...process.env, NX_DAEMON: 'false', NX_CACHE_DIRECTORY: cacheDir, NX_NO_CLOUD: 'true', NX_TUI: 'false' });

function nx(cwd: string, cacheDir: string, args: string[]): Measured {
  const started = process.hrtime.bigint();
  const result = spawnMeasured('npx', ['nx', ...args, '--outputStyle=static'], {
    cwd,
    env: NX_ENV(cacheDir),
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    const failed = [...result.stdout.matchAll(/^\s*-\s+([\w-]+:[\w-]+)\s*$/gm)].map((m) => m[1]);
    const plain = stripVTControlCharacters(result.stdout);
    const failures = jestFailures(plain);
    throw new BenchFailure(
      `nx ${args.join(' ')} failed${failed.length ? ` (${failed.join(', ')})` : ''}${failures ? `:\n${failures}` : `; its last output:\n${plain.slice(-2000)}`}`,
    );
  }
  return { seconds, tasks: (result.stdout.match(/^> nx run /gm) ?? []).length, cpuSeconds: result.cpuSeconds };
}

function projectsOf(cwd: string, cacheDir: string, extra: string[] = []): string[] {
  const out = execFileSync('npx', ['nx', 'show', 'projects', '--json', ...extra], { cwd, encoding: 'utf8', env: NX_ENV(cacheDir) });
  return (JSON.parse(out) as string[]).sort();
}

function main(): void {
  const { values } = parseArgs({ options: { projects: { type: 'string' } } });
  const work = mkdtempSync(path.join(tmpdir(), 'relay-bench-affected-'));
  const clone = path.join(work, 'repo');
  const cacheDir = path.join(work, 'nx-cache');
  try {
    execFileSync('git', ['clone', '--quiet', root, clone]);
    // Dependencies are not what is measured: share the installed node_modules.
    symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@relay.invalid', ...args], { cwd: clone });
    const all = projectsOf(clone, cacheDir);
    const wanted = values.projects ? values.projects.split(',') : all;
    const unknown = wanted.filter((p) => !all.includes(p));
    if (unknown.length) throw new BenchFailure(`no such project: ${unknown.join(', ')} (projects: ${all.join(', ')})`);
    // Each project's file to edit is found before the cold run, so a project with none fails in seconds, not after it.
    const edits = wanted.map((name) => {
      const project = JSON.parse(
        execFileSync('npx', ['nx', 'show', 'project', name, '--json'], { cwd: clone, encoding: 'utf8', env: NX_ENV(cacheDir) }),
      ) as Project;
      return { name, project, file: editedFile(clone, project) };
    });

    const cold = nx(clone, cacheDir, ['run-many', '-t', TARGETS]);
    const warm = nx(clone, cacheDir, ['run-many', '-t', TARGETS]);
    const cores = availableParallelism();
    const row = (label: string, r: Measured, affected: string, note: string) =>
      `${label.padEnd(22)} ${affected.padStart(8)} ${String(r.tasks).padStart(6)} ${r.seconds.toFixed(1).padStart(8)} s ${r.cpuSeconds.toFixed(0).padStart(7)} s   ${note}`;
    console.log(`nx ${TARGETS.replaceAll(',', ' ')} in a fresh clone (${all.length} projects, ${cores} cores)`);
    console.log(
      `${'edit in'.padEnd(22)} ${'affected'.padStart(8)} ${'tasks'.padStart(6)} ${'wall'.padStart(10)} ${'CPU'.padStart(9)}   share of cold (CPU ÷ cores)`,
    );
    console.log(row('run-many, cold cache', cold, String(all.length), ''));
    console.log(row('run-many, warm cache', warm, String(all.length), `target < 5 s: ${warm.seconds < 5 ? 'met' : 'missed'}`));
    // The checks over the whole repository are in no edit's affected list but their own: pr.yml
    // runs them on every pull request. Shown once, as what every row below adds in CI.
    // As pr.yml runs it: its runtime input changes with any edit, so it never comes from cache.
    const everyPr = nx(clone, cacheDir, ['run', 'repo-checks:test', '--skip-nx-cache']);
    console.log(row('+ every PR: repo-checks', everyPr, '1', `${((everyPr.seconds / cold.seconds) * 100).toFixed(0)}%, added to each edit below by pr.yml`));
    const missed: string[] = [];
    for (const { name, project, file } of edits) {
      appendFileSync(path.join(clone, file), '\n// bench: a one-line edit\n');
      git('commit', '--quiet', '-am', `bench: touch ${file}`);
      const affected = projectsOf(clone, cacheDir, ['--affected', '--base=HEAD~1', '--head=HEAD']);
      const result = nx(clone, cacheDir, ['affected', '--base=HEAD~1', '--head=HEAD', '-t', TARGETS]);
      const share = (result.seconds / cold.seconds) * 100;
      const floor = (result.cpuSeconds / cores / cold.seconds) * 100;
      const target = targetShare(project);
      const verdict = target === undefined ? '' : `; target <= ${target}%: ${share <= target ? 'met' : 'missed'}`;
      if (target !== undefined && share > target) missed.push(name);
      console.log(row(name, result, String(affected.length), `${share.toFixed(0)}% (${floor.toFixed(0)}%)${verdict}`));
    }
    console.log(missed.length ? `targets missed: ${missed.join(', ')}` : 'every target met');
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
