import { Worker } from 'node:worker_threads';
import pLimit from 'p-limit';
import { loadHandler } from './handler-modules';
import type { InvocationContext } from './lambda-types';

/**
 * Where the handler modules run. `main-thread`: in the runtime's own event loop, simplest to
 * debug and what the in-process tests use. `{ workerThreads: n }`: on n threads of their own,
 * as Lambda runs functions in sandboxes of their own, so the SDK clients, signing and
 * validation of every invocation use other cores while the gateway, the emulators and the
 * queue keep the main thread. Every function module is loaded by file, after the environment
 * is in place, either way.
 */
export type HandlerPlacement = 'main-thread' | { workerThreads: number };

export type HostedHandler = (event: unknown, context?: InvocationContext) => Promise<unknown>;

export interface LambdaHost {
  handlers: Record<string, HostedHandler>;
  stop(): Promise<void>;
}

interface Reply {
  id: number;
  value?: unknown;
  error?: { name: string; message: string; stack?: string };
}

// CommonJS, evaluated by the worker: tsx compiles source handlers there as it does in the parent.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.tsx) require(workerData.tsx).register();
const handlers = {};
for (const [name, file] of Object.entries(workerData.files)) {
  const mod = require(file);
  if (typeof mod.handler !== 'function') throw new Error(file + ' exports no handler function');
  handlers[name] = mod.handler;
}
parentPort.on('message', ({ id, name, event, deadline }) => {
  const context = deadline === undefined ? undefined : { getRemainingTimeInMillis: () => deadline - Date.now() };
  Promise.resolve()
    .then(() => handlers[name](event, context))
    .then(
      (value) => parentPort.postMessage({ id, value }),
      (error) => parentPort.postMessage({ id, error: { name: (error && error.name) || 'Error', message: String((error && error.message) || error), stack: error && error.stack } }),
    );
});
parentPort.postMessage({ id: 0 });
`;

type Call = { resolve(value: unknown): void; reject(error: Error): void };

/** One thread with every function module loaded: a warm sandbox that takes any invocation. */
class HandlerThread {
  private readonly pending = new Map<number, Call>();
  private nextId = 1;
  private failure: Error | undefined;
  private readonly onExit = (code: number) => this.fail(new Error(`a handler thread exited with ${code}`));

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', this.onExit);
  }

  /** Starts the thread and waits until every module has loaded (or one failed to). */
  static async start(files: Record<string, string>, tsx: string | undefined): Promise<HandlerThread> {
    // The thread's environment is a copy of process.env taken now, as a sandbox's is at init.
    const thread = new HandlerThread(new Worker(WORKER, { eval: true, workerData: { files, tsx }, env: { ...process.env }, execArgv: [] }));
    await new Promise<void>((resolve, reject) => thread.pending.set(0, { resolve: () => resolve(), reject }));
    return thread;
  }

  get load(): number {
    return this.pending.size;
  }

  invoke(name: string, event: unknown, context?: InvocationContext): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      // A context's clock crosses as its deadline: functions do not cross threads.
      const deadline = context ? Date.now() + context.getRemainingTimeInMillis() : undefined;
      this.worker.postMessage({ id, name, event, deadline });
    });
  }

  async stop(): Promise<void> {
    this.worker.off('exit', this.onExit);
    await this.worker.terminate();
    this.fail(new Error('the handler thread was stopped'));
  }

  private settle(reply: Reply): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (!reply.error) return call.resolve(reply.value);
    const error = new Error(reply.error.message);
    error.name = reply.error.name;
    if (reply.error.stack) error.stack = reply.error.stack;
    call.reject(error);
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}

/**
 * How many invocations of one function run at once; the rest wait their turn. On AWS each
 * invocation has a sandbox (and an SDK socket pool) to itself; here they share one process,
 * and an unbounded burst queues on the pool until the SDK's connection timeout (which starts
 * before a socket is free) fails calls that never reached DynamoDB. Sized well under the
 * clients' pools (DYNAMO_MAX_SOCKETS), as Lambda's concurrency sizes what runs on AWS.
 */
export const DEFAULT_FUNCTION_CONCURRENCY = 16;

/** Each function's invocations through a gate of `concurrency`, as Lambda's concurrency limits them. */
function bounded(handlers: Record<string, HostedHandler>, concurrency: number): Record<string, HostedHandler> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, not ${concurrency}`);
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => {
      const gate = pLimit(concurrency);
      return [name, (event: unknown, context?: InvocationContext) => gate(() => handler(event, context))];
    }),
  );
}

/** Loads every function's module where `placement` says; `files` maps a function name to its module file. */
export async function hostHandlers(
  files: Record<string, string>,
  placement: HandlerPlacement,
  concurrency = DEFAULT_FUNCTION_CONCURRENCY,
): Promise<LambdaHost> {
  if (placement === 'main-thread') {
    const handlers = Object.fromEntries(Object.entries(files).map(([name, file]) => [name, loadHandler<HostedHandler>(file)]));
    return { handlers: bounded(handlers, concurrency), stop: async () => undefined };
  }
  if (!Number.isInteger(placement.workerThreads) || placement.workerThreads < 1) {
    throw new Error(`workerThreads must be a positive integer, not ${placement.workerThreads}`);
  }
  const tsx = Object.values(files).some((file) => file.endsWith('.ts')) ? require.resolve('tsx/cjs/api') : undefined;
  const started = await Promise.allSettled(Array.from({ length: placement.workerThreads }, () => HandlerThread.start(files, tsx)));
  const threads = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(threads.map((thread) => thread.stop()));
    throw failed.reason;
  }
  // Each invocation goes to the least busy thread, as Lambda routes to a free sandbox.
  const leastBusy = () => threads.reduce((best, thread) => (thread.load < best.load ? thread : best));
  return {
    handlers: bounded(
      Object.fromEntries(Object.keys(files).map((name) => [name, (event: unknown, context?: InvocationContext) => leastBusy().invoke(name, event, context)])),
      concurrency,
    ),
    async stop() {
      await Promise.all(threads.map((thread) => thread.stop()));
    },
  };
}
