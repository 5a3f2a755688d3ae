/**
 * Runs terraform over the synthesized stacks of one environment, in dependency order, with the
 * rules the platform team relies on: apply only ever applies a saved, reviewed plan; destroy
 * only ever touches a preview.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveEnvironment, type Environment } from '@relay/platform-config';

export type Action = 'plan' | 'apply' | 'destroy';
export const ORDER = ['bootstrap', 'platform', 'chat', 'web'] as const;
export const PLAN_FILE = 'tfplan';
/** Machine-readable plan next to the binary one, for summaries and policy checks. */
export const PLAN_JSON = 'plan.json';

export interface Command {
  cwd: string;
  args: string[];
  /** Write stdout to this file in cwd instead of the terminal. */
  stdoutFile?: string;
}

export interface RunOptions {
  outdir: string;
  dryRun?: boolean;
  /** Only these components (default: every synthesized one). */
  components?: string[];
  /**
   * A pull request's plan: with the PR plan role, which reads only the state objects, so it
   * neither refreshes (no reads of live resources) nor takes the lock (no writes at all).
   */
  pullRequest?: boolean;
  log?: (line: string) => void;
}

export class RunnerError extends Error {}

/** A Terraform-compatible CLI: $RELAY_TERRAFORM, the repo-local build, or one on PATH. */
export function terraformBinary(root: string): string {
  const candidates = [process.env['RELAY_TERRAFORM'], path.join(root, '.tools/bin/tofu'), path.join(root, '.tools/bin/terraform')];
  const found = candidates.find((c) => c && existsSync(c));
  if (found) return found;
  const [onPath] = spawnSync('sh', ['-c', 'command -v tofu || command -v terraform'], { encoding: 'utf8' }).stdout.split('\n');
  if (onPath) return onPath.trim();
  throw new RunnerError('no terraform-compatible CLI: set RELAY_TERRAFORM or build one into .tools/bin');
}

/** The env's stacks in cdktf.out, in apply order (destroy reverses it). */
export function stacksOf(env: Environment, options: RunOptions): string[] {
  const dir = path.join(options.outdir, 'stacks');
  const present = existsSync(dir) ? new Set(readdirSync(dir)) : new Set<string>();
  const ids = ORDER.filter((c) => !options.components || options.components.includes(c))
    .map((c) => `${c}-${env.name}`)
    .filter((id) => present.has(id));
  if (ids.length === 0) throw new RunnerError(`no synthesized stacks for ${env.name} in ${dir}: run nx run stacks:synth first`);
  return ids;
}

export function commandsFor(action: Action, envName: string, options: RunOptions): Command[] {
  const env = resolveEnvironment(envName);
  if (action === 'destroy' && env.kind !== 'preview') {
    throw new RunnerError(`destroy is for previews only; ${env.name} is a ${env.kind} environment`);
  }
  const ids = stacksOf(env, options);
  const ordered = action === 'destroy' ? [...ids].reverse() : ids;
  return ordered.flatMap((id) => {
    const cwd = path.join(options.outdir, 'stacks', id);
    const init = { cwd, args: ['init', '-input=false', '-no-color'] };
    if (action === 'plan') {
      const readOnly = options.pullRequest ? ['-refresh=false', '-lock=false'] : [];
      return [init, { cwd, args: ['plan', '-input=false', '-no-color', ...readOnly, `-out=${PLAN_FILE}`] }, { cwd, args: ['show', '-json', PLAN_FILE], stdoutFile: PLAN_JSON }];
    }
    if (options.pullRequest) throw new RunnerError('--pull-request plans only: a pull request never applies or destroys');
    if (action === 'apply') {
      if (!options.dryRun && !existsSync(path.join(cwd, PLAN_FILE))) {
        throw new RunnerError(`${id} has no saved plan: apply only applies a reviewed plan (run plan:${env.name} first)`);
      }
      return [init, { cwd, args: ['apply', '-input=false', '-no-color', PLAN_FILE] }];
    }
    return [init, { cwd, args: ['destroy', '-input=false', '-no-color', '-auto-approve'] }];
  });
}

export function run(action: Action, envName: string, options: RunOptions, root: string): void {
  const log = options.log ?? console.log;
  const commands = commandsFor(action, envName, options);
  const binary = options.dryRun ? 'terraform' : terraformBinary(root);
  for (const { cwd, args, stdoutFile } of commands) {
    log(`[${path.basename(cwd)}] ${path.basename(binary)} ${args.join(' ')}${stdoutFile ? ` > ${stdoutFile}` : ''}`);
    if (options.dryRun) continue;
    const result = spawnSync(binary, args, {
      cwd,
      stdio: ['ignore', stdoutFile ? 'pipe' : 'inherit', 'inherit'],
      maxBuffer: 512 * 1024 * 1024,
    });
    if (result.status !== 0) throw new RunnerError(`${path.basename(binary)} ${args[0]} failed in ${path.basename(cwd)}`);
    if (stdoutFile) writeFileSync(path.join(cwd, stdoutFile), result.stdout);
  }
}
