/**
 * Runs terraform over the synthesized stacks of one environment, in dependency order, with the
 * rules the platform team relies on: apply only ever applies a saved, reviewed plan; destroy
 * only ever touches a preview or a load-test edge.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { imageDigestParameter, resolveEnvironment, type Environment } from '@relay/platform-config';

export type Action = 'validate' | 'plan' | 'apply' | 'destroy';
export const ORDER = ['bootstrap', 'platform', 'chat', 'web', 'loadgen', 'edge'] as const;
/**
 * Stacks planned, applied and destroyed only when asked for by name (--components): the
 * bootstrap (an administrator's, with the account's own session) and the load-test edge
 * (nightly-spike.yml's, with relay-edge, for the nightly window only: ADR 10).
 */
export const ONLY_BY_NAME: readonly string[] = ['bootstrap', 'edge'];
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
  /** Environment of the terraform processes (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * Drift check (drift.yml): plan with -detailed-exitcode, where exit 2 means "changes" rather
   * than failure; run() then returns the stacks that drifted.
   */
  detailedExitcode?: boolean;
}

/** The platform stack's image variable (stacks/src/platform-stack.ts). */
export const IMAGE_DIGEST_VARIABLE = 'broadcast_image_digest';
/**
 * Each stack that runs an image, with its digest variable, the image's service name (its
 * registry and SSM digest record) and the Nx project whose Dockerfile builds it: the broadcast
 * service and the k6 fleet (stacks/src/loadgen-stack.ts).
 */
export const IMAGE_VARIABLES: Record<string, { variable: string; service: string; project: string }> = {
  platform: { variable: IMAGE_DIGEST_VARIABLE, service: 'broadcast', project: 'broadcast-api' },
  loadgen: { variable: 'loadgen_image_digest', service: 'loadgen', project: 'loadtests' },
};
/**
 * A pull request's plan cannot read which image runs (its role reads state only): it plans
 * against this stand-in, and its summary says so.
 */
export const STAND_IN_DIGEST = `sha256:${'0'.repeat(64)}`;

export class RunnerError extends Error {}

/** A run over the load-test edge alone (--components edge). */
const edgeOnly = (options: RunOptions) => (options.components ?? []).length > 0 && (options.components ?? []).every((c) => c === 'edge');

/** A Terraform-compatible CLI: $RELAY_TERRAFORM, the repo-local build, or one on PATH. */
export function terraformBinary(root: string): string {
  const candidates = [process.env['RELAY_TERRAFORM'], path.join(root, '.tools/bin/tofu'), path.join(root, '.tools/bin/terraform')];
  const found = candidates.find((c) => c && existsSync(c));
  if (found) return found;
  const [onPath] = spawnSync('sh', ['-c', 'command -v tofu || command -v terraform'], { encoding: 'utf8' }).stdout.split('\n');
  if (onPath) return onPath.trim();
  throw new RunnerError('no terraform-compatible CLI: set RELAY_TERRAFORM or build one into .tools/bin');
}

/**
 * The stacks the last synth wrote, from cdktf.out/manifest.json: never whatever folders happen
 * to exist (a bootstrap-only synth after a full one leaves stale stack folders behind).
 */
export function synthesizedStacks(outdir: string): string[] {
  const manifest = path.join(outdir, 'manifest.json');
  if (!existsSync(manifest)) throw new RunnerError(`no ${manifest}: synthesize first (npx nx run stacks:synth)`);
  const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { stacks?: Record<string, unknown> };
  return Object.keys(parsed.stacks ?? {});
}

/** The env's stacks of the last synth, in apply order (destroy reverses it). */
export function stacksOf(env: Environment, options: RunOptions): string[] {
  for (const c of options.components ?? []) {
    if (!(ORDER as readonly string[]).includes(c)) throw new RunnerError(`unknown component "${c}": expected one of ${ORDER.join(', ')}`);
  }
  const synthesized = synthesizedStacks(options.outdir);
  const wanted = ORDER.filter((c) => (options.components ? options.components.includes(c) : !ONLY_BY_NAME.includes(c))).map((c) => `${c}-${env.name}`);
  const resynth = `RELAY_ENVS=${env.kind === 'preview' ? '' : env.name}${env.kind === 'preview' ? ` RELAY_PREVIEW=${env.name.slice('dev-'.length)}` : ''} npx nx run stacks:synth`;
  if (options.components) {
    const missing = wanted.filter((id) => !synthesized.includes(id));
    if (missing.length > 0) {
      throw new RunnerError(`${missing.join(', ')} not in the last synth (manifest.json lists ${synthesized.join(', ') || 'nothing'}): ${resynth}`);
    }
  }
  const ids = wanted.filter((id) => synthesized.includes(id));
  if (ids.length === 0) {
    throw new RunnerError(`the last synth has no stacks for ${env.name} (manifest.json lists ${synthesized.join(', ') || 'nothing'}): ${resynth}`);
  }
  return ids;
}

/**
 * -var for an image stack's digest: the pipeline's (TF_VAR_<variable>, read from SSM by
 * plan-env.yml) or, for a pull request only, the stand-in.
 */
function imageVariable(id: string, env: Environment, options: RunOptions): string[] {
  const image = IMAGE_VARIABLES[id.slice(0, id.indexOf('-'))];
  if (!image) return [];
  const { variable, service } = image;
  const vars = options.env ?? process.env;
  if (vars[`TF_VAR_${variable}`]) return [];
  if (options.pullRequest) return [`-var=${variable}=${STAND_IN_DIGEST}`];
  throw new RunnerError(
    `${id} needs the ${service} image digest: set TF_VAR_${variable} to the digest deploy.yml pushed (recorded in SSM ${imageDigestParameter(env, service)}), e.g.\n` +
      `  export TF_VAR_${variable}=$(aws ssm get-parameter --name ${imageDigestParameter(env, service)} --query Parameter.Value --output text)`,
  );
}

export function commandsFor(action: Action, envName: string, options: RunOptions): Command[] {
  const env = resolveEnvironment(envName);
  // Destroy takes down a preview, or a base env's load-test edge alone: never anything else of it.
  if (action === 'destroy' && env.kind !== 'preview' && !(edgeOnly(options) && env.loadTestEdge)) {
    throw new RunnerError(`destroy is for previews and a load-test edge (--components edge) only; ${env.name} is a ${env.kind} environment`);
  }
  const ids = stacksOf(env, options);
  const ordered = action === 'destroy' ? [...ids].reverse() : ids;
  return ordered.flatMap((id) => {
    const cwd = path.join(options.outdir, 'stacks', id);
    const init = { cwd, args: ['init', '-input=false', '-no-color'] };
    if (action === 'validate') {
      // No backend, no credentials: the configuration against the provider's schema only.
      return [
        { cwd, args: ['init', '-input=false', '-no-color', '-backend=false'] },
        { cwd, args: ['validate', '-no-color'] },
      ];
    }
    if (action === 'plan') {
      const readOnly = options.pullRequest ? ['-refresh=false', '-lock=false'] : [];
      const detailed = options.detailedExitcode ? ['-detailed-exitcode'] : [];
      return [
        init,
        { cwd, args: ['plan', '-input=false', '-no-color', ...readOnly, ...detailed, ...imageVariable(id, env, options), `-out=${PLAN_FILE}`] },
        { cwd, args: ['show', '-json', PLAN_FILE], stdoutFile: PLAN_JSON },
      ];
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

/** Runs the commands; returns the stacks whose -detailed-exitcode plan found changes. */
export function run(action: Action, envName: string, options: RunOptions, root: string): string[] {
  const log = options.log ?? console.log;
  const commands = commandsFor(action, envName, options);
  const binary = options.dryRun ? 'terraform' : terraformBinary(root);
  if (!options.dryRun && action !== 'validate') preflight(resolveEnvironment(envName), options, root, log);
  // The edge runs tasks only for the fleet, whose own preflight checks the quotas a run needs.
  if (!options.dryRun && action === 'apply' && !edgeOnly(options)) quotaPreflight(resolveEnvironment(envName), options, root, log);
  const changed: string[] = [];
  for (const { cwd, args, stdoutFile } of commands) {
    log(`[${path.basename(cwd)}] ${path.basename(binary)} ${args.join(' ')}${stdoutFile ? ` > ${stdoutFile}` : ''}`);
    if (options.dryRun) continue;
    const result = spawnSync(binary, args, {
      cwd,
      stdio: ['ignore', stdoutFile ? 'pipe' : 'inherit', 'inherit'],
      maxBuffer: 512 * 1024 * 1024,
      env: options.env ?? process.env,
    });
    const drifted = args.includes('-detailed-exitcode') && result.status === 2;
    if (drifted) changed.push(path.basename(cwd));
    else if (result.status !== 0) throw new RunnerError(`${path.basename(binary)} ${args[0]} failed in ${path.basename(cwd)}`);
    if (stdoutFile) writeFileSync(path.join(cwd, stdoutFile), result.stdout);
  }
  return changed;
}

/**
 * Before an apply: does the account have the quotas the environment's catalogue records need
 * (Lambda concurrency with its reservations, Fargate vCPU, API Gateway)? A reservation above the
 * quota fails half-way through an apply; this refuses before it starts, naming each quota.
 */
export function quotaPreflight(env: Environment, options: RunOptions, root: string, log: (line: string) => void): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tools/nx-plugin/operations/terraform/quota-check.ts'), env.name], {
    encoding: 'utf8',
    env: options.env ?? process.env,
  });
  if (result.status !== 0) throw new RunnerError(`quota preflight for ${env.name}:\n${result.stderr.trim() || 'Service Quotas did not answer'}`);
  log(`preflight: ${result.stdout.trim()}`);
}

/**
 * Before terraform touches anything: who are we, and is that the environment's account? Prints
 * both and, when it cannot be right, how to log in, instead of the provider's raw error later.
 * (tools/nx-plugin/operations/terraform/caller-identity.ts asks STS; a separate process keeps this runner synchronous.)
 */
export function preflight(env: Environment, options: RunOptions, root: string, log: (line: string) => void): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tools/nx-plugin/operations/terraform/caller-identity.ts'), env.region], {
    encoding: 'utf8',
    env: options.env ?? process.env,
  });
  const login = `log in to ${env.name}'s account ${env.accountId} first, e.g. \`aws sso login --profile relay-${env.kind === 'preview' ? 'dev' : env.name}\` and export AWS_PROFILE=relay-${env.kind === 'preview' ? 'dev' : env.name} (docs/infrastructure.md, "Accounts and identity")`;
  if (result.status !== 0) throw new RunnerError(`no usable AWS credentials (${result.stderr.trim() || 'STS did not answer'}): ${login}`);
  const caller = JSON.parse(result.stdout) as { account: string; arn: string };
  log(`preflight: caller ${caller.arn} (account ${caller.account}); ${env.name} lives in account ${env.accountId}`);
  if (caller.account !== env.accountId) {
    throw new RunnerError(`these credentials are for account ${caller.account}, but ${env.name} lives in account ${env.accountId}: ${login}`);
  }
}
