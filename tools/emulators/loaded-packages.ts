import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** The constructs and the local runtime: what a process that neither synthesizes nor serves the chat should not load. */
export const HEAVY_PACKAGES = ['cdktf', '@cdktf/provider-aws', 'dynalite', 'fastify'];

/**
 * Which of `packages` a process loads when it runs `args` (after `node --import tsx`, from the
 * workspace root). The rehearsals start a process per workflow step, and every spec file loads
 * its imports afresh: a module that drags in the constructs (cdktf) or the local runtime
 * (dynalite, fastify) for a name or a helper costs each of them a second or so.
 */
export function packagesLoadedBy(args: string[], packages: string[]): string[] {
  const run = spawnSync(process.execPath, ['--require', path.join(__dirname, 'loaded-report.cjs'), '--import', 'tsx', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, RELAY_LOADED_PACKAGES: JSON.stringify(packages) },
  });
  const [, report] = /^RELAY_LOADED (.*)$/m.exec(run.stderr) ?? [];
  if (report === undefined) throw new Error(`node ${args.join(' ')} reported nothing (exit ${String(run.status)}): ${run.stderr.slice(-1000)}`);
  return JSON.parse(report) as string[];
}
