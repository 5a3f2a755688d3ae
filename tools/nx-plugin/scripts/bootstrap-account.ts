/**
 * A new account, from nothing to a bootstrap stack whose state lives in the account's own bucket:
 *   node --import tsx tools/nx-plugin/scripts/bootstrap-account.ts <dev|stag|prod> [--dry-run]
 * Run with an administrator's credentials for that account (the roles this creates do not exist
 * yet). Steps: synthesize bootstrap on local state with no role to assume; plan, then apply that
 * saved plan; synthesize it again on the S3 backend; `terraform init -migrate-state` copies the
 * state into the bucket it just created; the local copy is then deleted, so nothing stays on the
 * laptop. Every later plan and apply of bootstrap uses the bucket (the default backend). Last,
 * the repository's GitHub Environments and their protection rules are set from code
 * (github-environments.ts; GH_TOKEN must be allowed to administer the repository), and the
 * account's quotas are checked against the catalogue's records (what to request, if anything).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BASE_ENVIRONMENTS, resolveEnvironment, SYNTH_NODE_ARGS } from '@relay/platform-config';
import { localStateFile } from '@relay/infra-constructs';
import { terraformBinary } from '../operations/terraform/runner';
import { runIfMain } from './run-if-main';

export interface Step {
  title: string;
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
}

export function bootstrapSteps(envName: string, root: string, outdir: string, terraform = 'terraform'): Step[] {
  if (!(BASE_ENVIRONMENTS as readonly string[]).includes(envName)) {
    throw new Error(`bootstrap is per account: ${BASE_ENVIRONMENTS.join(', ')}; "${envName}" is not one`);
  }
  const env = resolveEnvironment(envName);
  const stackDir = path.join(outdir, 'stacks', `bootstrap-${env.name}`);
  const synth = (backend: 'local' | 's3'): Step => ({
    title: `synthesize bootstrap-${env.name} on ${backend} state, no role to assume`,
    command: process.execPath,
    args: [...SYNTH_NODE_ARGS, 'stacks/src/main.ts'],
    cwd: root,
    env: { RELAY_ENVS: env.name, RELAY_COMPONENTS: 'bootstrap', RELAY_ROLE: 'ambient', RELAY_BOOTSTRAP_BACKEND: backend, CDKTF_OUTDIR: outdir },
  });
  const tf = (title: string, ...args: string[]): Step => ({ title, command: terraform, args, cwd: stackDir });
  return [
    {
      title: `check the credentials are for account ${env.accountId}`,
      command: 'aws',
      args: ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'],
      cwd: root,
    },
    synth('local'),
    tf('init on local state', 'init', '-input=false'),
    tf('plan', 'plan', '-input=false', '-out=tfplan'),
    tf('apply exactly that plan', 'apply', '-input=false', 'tfplan'),
    synth('s3'),
    tf(`move the state into relay-tfstate-${env.accountId}-${env.region}`, 'init', '-input=false', '-migrate-state', '-force-copy'),
    tf('prove the bucket holds it', 'state', 'list'),
    {
      title: 'set the GitHub Environments and their protection rules (GITHUB_ENVIRONMENTS)',
      command: process.execPath,
      args: ['--import', 'tsx', 'tools/nx-plugin/scripts/github-environments.ts', 'apply'],
      cwd: root,
    },
    {
      // Last, so a new account's reduced quotas stop nothing above: it names each increase to
      // request before the first apply (which refuses to start without them).
      title: `check the account's quotas against what ${env.name} needs`,
      command: process.execPath,
      args: ['--import', 'tsx', 'tools/nx-plugin/operations/terraform/quota-check.ts', env.name],
      cwd: root,
    },
  ];
}

/** The local state files the first apply leaves beside the stack (deleted once the bucket holds the state). */
export function localStateFiles(outdir: string, envName: string): string[] {
  const file = path.join(outdir, 'stacks', `bootstrap-${envName}`, localStateFile(`bootstrap-${envName}`));
  return [file, `${file}.backup`];
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } });
  const [envName] = positionals;
  if (!envName) throw new Error('usage: bootstrap-account.ts <dev|stag|prod> [--dry-run]');
  const root = path.resolve(__dirname, '..', '..', '..');
  const outdir = mkdtempSync(path.join(tmpdir(), 'relay-bootstrap-'));
  const steps = bootstrapSteps(envName, root, outdir, values['dry-run'] ? 'terraform' : terraformBinary(root));
  const expected = resolveEnvironment(envName).accountId;
  for (const step of steps) {
    console.log(`== ${step.title}\n   ${[path.basename(step.command), ...step.args].join(' ')}`);
    if (values['dry-run']) continue;
    const result = spawnSync(step.command, step.args, {
      cwd: step.cwd,
      env: { ...process.env, ...step.env },
      stdio: ['inherit', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    process.stdout.write(result.stdout ?? '');
    if (result.status !== 0) throw new Error(`${step.title} failed`);
    if (step.command === 'aws' && result.stdout.trim() !== expected) {
      throw new Error(
        `these credentials are for account ${result.stdout.trim()}, not ${envName}'s ${expected}: log in to the right account (aws sso login --profile …)`,
      );
    }
  }
  if (!values['dry-run']) {
    for (const file of localStateFiles(outdir, envName)) if (existsSync(file)) rmSync(file);
    console.log(`bootstrap-${envName} is applied and its state is in the account's bucket; no local copy is left.`);
  }
}

runIfMain(module, main);
