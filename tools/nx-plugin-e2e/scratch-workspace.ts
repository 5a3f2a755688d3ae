import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
  return { dir, run, bin, generate: (generator, ...args) => run(bin('nx'), ['g', `@relay/nx-plugin:${generator}`, ...args, '--no-interactive']) };
}
