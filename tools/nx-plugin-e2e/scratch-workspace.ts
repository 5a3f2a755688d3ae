import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';

/** The workspace the tests run in: the nearest folder with nx.json above the working directory. */
function findWorkspace(from = process.cwd()): string {
  if (existsSync(path.join(from, 'nx.json'))) return from;
  const parent = path.dirname(from);
  if (parent === from) throw new Error('no nx.json above the working directory');
  return findWorkspace(parent);
}
export const WORKSPACE = findWorkspace();

export interface Scratch {
  dir: string;
  run(command: string, args: string[], env?: Record<string, string>): SpawnSyncReturns<string>;
  /** A workspace binary (node_modules/.bin). */
  bin(name: string): string;
  /** `nx g @relay/nx-plugin:<generator> …` through the real Nx CLI. */
  generate(generator: string, ...args: string[]): SpawnSyncReturns<string>;
  /** Type-checks the projects (their roots) in one `tsc` program; see typecheckTogether. */
  typecheck(projects: readonly string[]): SpawnSyncReturns<string>;
}

/**
 * One `tsc --noEmit` over every file the projects' tsconfigs compile, where they all compile
 * with the same options: the same diagnostics as one check each (the same options over the
 * same files), for the cost of one program instead of one per project, each loading the same
 * libraries and types. Only global declarations cross projects in one program: two projects
 * declaring the same one fail together, and a file using another project's global would pass
 * together and fail alone; the projects the generators touch declare none. Projects whose
 * options differ are refused, naming them: they need checks of their own.
 */
export function typecheckTogether(dir: string, projects: readonly string[]): { tsconfig: string; args: string[] } {
  const parsed = projects.map((project) => {
    const file = path.join(dir, project, 'tsconfig.json');
    const read = ts.readConfigFile(file, (f) => ts.sys.readFile(f));
    if (read.error) throw new Error(`${project}/tsconfig.json: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
    const config = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(file));
    const [error] = config.errors;
    if (error) throw new Error(`${project}/tsconfig.json: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
    const { configFilePath: _path, ...options } = config.options;
    return { project, options: JSON.stringify(options), fileNames: config.fileNames };
  });
  const differing = parsed.filter((p) => p.options !== parsed[0]?.options);
  if (differing.length > 0)
    throw new Error(`${differing.map((p) => p.project).join(', ')} compile with options other than ${parsed[0]?.project}'s: check them apart`);
  const tsconfig = path.join(dir, 'tmp', `typecheck-${projects.length}-projects.tsconfig.json`);
  mkdirSync(path.dirname(tsconfig), { recursive: true });
  // Extending the first project's tsconfig keeps its (everyone's) options; files replace its include.
  writeFileSync(
    tsconfig,
    JSON.stringify({ extends: path.join(dir, projects[0] ?? '', 'tsconfig.json'), files: [...new Set(parsed.flatMap((p) => p.fileNames))], include: [] }),
  );
  return { tsconfig, args: [require.resolve('typescript/bin/tsc'), '-p', tsconfig, '--noEmit'] };
}

/**
 * A copy of the workspace's files (tracked and new, not ignored) with its node_modules linked:
 * generators run on it as a developer would run them on their checkout.
 */
export function scratchWorkspace(): Scratch {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-generator-'));
  const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: WORKSPACE, encoding: 'utf8' })
    .stdout.split('\0')
    .filter(Boolean);
  for (const file of files) {
    // Files only: a linked node_modules (a symlink .gitignore's "node_modules/" does not match) is linked below.
    if (!existsSync(path.join(WORKSPACE, file)) || !lstatSync(path.join(WORKSPACE, file)).isFile()) continue;
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(path.join(WORKSPACE, file), path.join(dir, file));
  }
  symlinkSync(path.join(WORKSPACE, 'node_modules'), path.join(dir, 'node_modules'));
  const run = (command: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(command, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...env } });
  const bin = (name: string) => path.join(WORKSPACE, 'node_modules/.bin', name);
  return {
    dir,
    run,
    bin,
    generate: (generator, ...args) => run(bin('nx'), ['g', `@relay/nx-plugin:${generator}`, ...args, '--no-interactive']),
    typecheck: (projects) => run(process.execPath, typecheckTogether(dir, projects).args),
  };
}
