import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureVenv } from '../python-venv';
import { spawnHttpServer } from '@relay/dynamo-emulator';

/**
 * moto in server mode, for tests of the tools that call AWS: a venv under .tools/ with the
 * pinned moto (installed on first use), one server per test file on 127.0.0.1, credentials
 * that are obviously fake. `reset()` wipes its state between tests.
 */
const requirements = path.resolve(__dirname, 'requirements.txt');

export interface MotoServer {
  endpoint: string;
  /** SDK client settings that reach this server and nothing else. */
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; forcePathStyle: true };
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** The bin/ of moto's venv: moto_server, and the aws CLI that shell tools call. */
export function motoBin(): string {
  return ensureVenv('moto', requirements);
}

/**
 * moto starts ECS tasks RUNNING and moves them a step on at every describe until STOPPED; a real
 * task stays RUNNING until its container exits or StopTask. Fleet rehearsals need the latter.
 */
export async function holdEcsTasksRunning(moto: Pick<MotoServer, 'endpoint'>): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
  });
  if (!response.ok) throw new Error(`moto refused the ECS task transition: ${response.status}`);
}

/** What a process running the aws CLI (or an SDK) needs to reach this moto server and nothing else. */
export function motoCliEnv(moto: Pick<MotoServer, 'endpoint'>, region: string): NodeJS.ProcessEnv {
  return {
    PATH: `${motoBin()}:${process.env['PATH']}`,
    HOME: process.env['HOME'] ?? tmpdir(),
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** `account`: the account id moto answers as (STS GetCallerIdentity, ARNs). */
export async function startMoto(region = 'ap-northeast-2', options: { account?: string } = {}): Promise<MotoServer> {
  const binary = path.join(motoBin(), 'moto_server');
  const env = { ...process.env, ...(options.account ? { MOTO_ACCOUNT_ID: options.account } : {}) };
  // Its request log goes to a file, not a pipe: a workflow rehearsal blocks this process while a
  // step runs, nobody drains a pipe then, and moto stops answering once the pipe's buffer is full.
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'relay-moto-')), 'moto.log');
  const logFd = openSync(log, 'a');
  const { child, url: endpoint } = await spawnHttpServer(
    'moto_server',
    (port) => spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', logFd], env }),
    '/moto-api/',
  ).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${readFileSync(log, 'utf8').slice(-2000)}`);
  });
  closeSync(logFd);
  return {
    endpoint,
    clientConfig: { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, forcePathStyle: true },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
