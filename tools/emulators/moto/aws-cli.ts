import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { motoBin } from './moto-server';

/** The aws CLI as the tests and rehearsals seed and read moto with: arguments in, JSON text out. */
export interface AwsCli {
  (...args: string[]): string;
  /** The same call, its answer parsed (null where the command prints nothing). */
  json<T = Record<string, unknown>>(...args: string[]): T;
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

const DRIVER = path.join(__dirname, 'aws-cli-driver.py');
const CLIENT = path.join(__dirname, 'aws-cli-client.py');

/** Names a running driver to the processes a test or rehearsal starts, so they use it rather than start their own. */
export const AWS_CLI_DRIVER_ENV = 'RELAY_AWS_CLI_DRIVER';

let driver: string | null | undefined;

/**
 * This process's kept-loaded CLI (aws-cli-driver.py): the one `$RELAY_AWS_CLI_DRIVER` names, or
 * one started on first use; its URL, or null where curl is missing. A driver's start-up costs
 * ~2 s of CPU, more than the few calls a step's process makes (a night's terraform stubs started
 * five, 9 CPU-seconds).
 */
export function awsCliDriverUrl(): string | null {
  if (driver !== undefined) return driver;
  if (spawnSync('curl', ['--version']).status !== 0) return (driver = null);
  const inherited = process.env[AWS_CLI_DRIVER_ENV];
  if (inherited) return (driver = inherited);
  const started = spawnSync(path.join(motoBin(), 'python3'), [DRIVER, String(process.pid)], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'] ?? tmpdir() },
  });
  if (started.status !== 0) throw new Error(`the aws CLI driver did not start: ${started.stderr}`);
  return (driver = `http://127.0.0.1:${started.stdout.trim()}/`);
}

/** The variable that hands this process's driver to the processes it starts (none where there is none). */
export function awsCliDriverEnv(): Record<string, string> {
  const url = awsCliDriverUrl();
  return url ? { [AWS_CLI_DRIVER_ENV]: url } : {};
}

/**
 * Writes an `aws` command into `bin` for the processes a rehearsal starts (their shell steps):
 * with `$RELAY_AWS_CLI_DRIVER` in their environment, each call runs in that kept-loaded CLI with
 * the step's arguments, environment and folder (aws-cli-client.py); without it, it is the CLI.
 */
export function writeAwsCommand(bin: string): string {
  const command = path.join(bin, 'aws');
  writeFileSync(command, `#!/bin/sh\nexec '${path.join(motoBin(), 'python3')}' '${CLIENT}' "$@"\n`);
  chmodSync(command, 0o755);
  return command;
}

function defined(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

function viaDriver(url: string, args: string[], env: NodeJS.ProcessEnv): Outcome {
  const sent = spawnSync('curl', ['--silent', '--show-error', '--fail', '--max-time', '300', '--data-binary', '@-', url], {
    encoding: 'utf8',
    input: JSON.stringify({ args, env: defined(env) }),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (sent.status !== 0) throw new Error(`the aws CLI driver did not answer aws ${args.join(' ')}: ${sent.stderr}`);
  return JSON.parse(sent.stdout) as Outcome;
}

function viaProcess(args: string[], env: NodeJS.ProcessEnv): Outcome {
  const run = spawnSync('aws', args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * The aws CLI from moto's venv with `env` (or what `env()` returns at each call) as its whole
 * environment; JSON out, and an error carrying its stderr when it exits non-zero. Each command
 * runs in this process's kept-loaded CLI (aws-cli-driver.py: ~0.5 s of start-up paid once, not
 * per call), or as a process of its own with `via: 'process'` or where curl is missing: the same
 * CLI, the same answers.
 */
export function awsCli(env: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv), options: { via?: 'driver' | 'process' } = {}): AwsCli {
  const aws = (...args: string[]) => {
    const argv = [...args, '--output', 'json'];
    const vars = typeof env === 'function' ? env() : env;
    const url = options.via === 'process' ? null : awsCliDriverUrl();
    const outcome = url ? viaDriver(url, argv, vars) : viaProcess(argv, vars);
    if (outcome.status !== 0) throw new Error(`aws ${args.join(' ')}: ${outcome.stderr}`);
    return outcome.stdout;
  };
  return Object.assign(aws, { json: <T>(...args: string[]) => JSON.parse(aws(...args) || 'null') as T });
}
