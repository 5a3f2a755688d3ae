/**
 * Runs the local stack (chat runtime and broadcast service) in its own process (own event loop, own core), so load generators
 * and benchmarks do not measure themselves. Talks to it over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { TokenSettings } from '@relay/chat-core';
import path from 'node:path';

/** What the runtime process answers (local-runtime-process.ts). */
export type RuntimeOp = 'counts' | 'reset' | 'settle' | 'stop' | 'info' | 'faults' | 'cpu';

export class LocalRuntimeProcess {
  private nextId = 0;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly wsUrl: string,
    readonly broadcastUrl: string,
  ) {
    child.on('message', (m: { id?: number; result?: unknown }) => {
      if (m.id !== undefined) this.pending.get(m.id)?.(m.result);
    });
  }

  /** `auth`: sign and verify as a deployed env does (default: the embedded LOCAL_AUTH). */
  static start(options: { auth?: TokenSettings } = {}): Promise<LocalRuntimeProcess> {
    const child = fork(path.join(__dirname, 'local-runtime-process.ts'), [], {
      execArgv: ['--import', 'tsx', '--disable-warning=NodeVersionSupportWarning'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...(options.auth ? { RELAY_LOCAL_AUTH: JSON.stringify(options.auth) } : {}) },
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`local runtime process exited with ${code}`)));
      child.on('message', (m: { ready?: { wsUrl: string; broadcastUrl: string } }) => {
        if (m.ready) resolve(new LocalRuntimeProcess(child, m.ready.wsUrl, m.ready.broadcastUrl));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<T>(op: RuntimeOp, arg?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (r: unknown) => void);
      this.child.send({ id, op, arg });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call('stop');
    await exited;
  }
}
