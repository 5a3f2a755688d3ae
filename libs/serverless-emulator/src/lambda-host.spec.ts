import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { hostHandlers, type LambdaHost } from './lambda-host';

/** Handler modules on disk, loaded by file as the runtime loads the chat's. */
const dir = mkdtempSync(path.join(tmpdir(), 'relay-lambda-host-'));
const files = {
  echo: path.join(dir, 'echo.ts'),
  fail: path.join(dir, 'fail.js'),
  busy: path.join(dir, 'busy.js'),
};
// Counts how many of its invocations run at once, in whichever thread holds it.
writeFileSync(
  files.busy,
  `let now = 0, peak = 0;
exports.handler = async () => {
  peak = Math.max(peak, ++now);
  await new Promise((r) => setTimeout(r, 15));
  now--;
  return peak;
};
`,
);
// TypeScript, so the thread must compile it as the runtime's source handlers are compiled.
writeFileSync(
  files.echo,
  `import { threadId } from 'node:worker_threads';
export const handler = async (event: { n: number }, context?: { getRemainingTimeInMillis(): number }) => {
  await new Promise((r) => setTimeout(r, 20));
  return { n: event.n, threadId, remaining: context?.getRemainingTimeInMillis(), env: process.env['RELAY_HOST_SPEC'] };
};
`,
);
writeFileSync(
  files.fail,
  `class BadRequest extends Error { constructor(m) { super(m); this.name = 'BadRequest'; } }
exports.handler = async () => { throw new BadRequest('no such room'); };
`,
);

let host: LambdaHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

type Echo = { n: number; threadId: number; remaining?: number; env?: string };

function handler(name: string) {
  const found = host?.handlers[name];
  if (!found) throw new Error(`no handler ${name}`);
  return found;
}

describe('hostHandlers on worker threads', () => {
  it('runs the modules off the main thread, spreads concurrent invocations over the threads, and copies the environment', async () => {
    process.env['RELAY_HOST_SPEC'] = 'set before start';
    host = await hostHandlers(files, { workerThreads: 2 });
    delete process.env['RELAY_HOST_SPEC'];
    const echo = handler('echo');
    const results = (await Promise.all(Array.from({ length: 8 }, (_, n) => echo({ n })))) as Echo[];
    expect(results.map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const threads = new Set(results.map((r) => r.threadId));
    expect(threads.has(threadId)).toBe(false);
    expect(threads.size).toBe(2);
    expect(results.every((r) => r.env === 'set before start')).toBe(true);
  });

  it("carries the invocation's deadline across, as the context's remaining time", async () => {
    host = await hostHandlers(files, { workerThreads: 1 });
    const result = (await handler('echo')({ n: 1 }, { getRemainingTimeInMillis: () => 5000 })) as Echo;
    expect(result.remaining).toBeGreaterThan(0);
    expect(result.remaining).toBeLessThanOrEqual(5000);
    expect(((await handler('echo')({ n: 2 })) as Echo).remaining).toBeUndefined();
  });

  it("rejects with the handler's own error name and message, and keeps serving", async () => {
    host = await hostHandlers(files, { workerThreads: 1 });
    await expect(handler('fail')({})).rejects.toMatchObject({ name: 'BadRequest', message: 'no such room' });
    expect(((await handler('echo')({ n: 3 })) as Echo).n).toBe(3);
  });

  it('fails to start, naming the module, when one has no handler', async () => {
    const bad = path.join(dir, 'bad.js');
    writeFileSync(bad, 'exports.notAHandler = 1;\n');
    await expect(hostHandlers({ ...files, bad }, { workerThreads: 1 })).rejects.toThrow(`${bad} exports no handler function`);
  });

  it('refuses a thread count that is not a positive integer', async () => {
    await expect(hostHandlers(files, { workerThreads: 0 })).rejects.toThrow('workerThreads must be a positive integer');
  });

  it('rejects calls in flight and later ones once stopped', async () => {
    host = await hostHandlers(files, { workerThreads: 1 });
    const echo = handler('echo');
    const inFlight = echo({ n: 4 });
    await host.stop();
    host = undefined;
    await expect(inFlight).rejects.toThrow('stopped');
    await expect(echo({ n: 5 })).rejects.toThrow('stopped');
  });
});

describe('hostHandlers on the main thread', () => {
  it('loads the modules in this thread', async () => {
    host = await hostHandlers({ fail: files.fail }, 'main-thread');
    await expect(handler('fail')({})).rejects.toThrow('no such room');
  });

  it("runs at most `concurrency` invocations of one function at once, as Lambda's concurrency bounds them; the rest wait and all complete", async () => {
    host = await hostHandlers({ busy: files.busy }, 'main-thread', 3);
    const peaks = (await Promise.all(Array.from({ length: 20 }, () => handler('busy')({})))) as number[];
    expect(peaks).toHaveLength(20);
    expect(Math.max(...peaks)).toBe(3);
    await expect(hostHandlers({ busy: files.busy }, 'main-thread', 0)).rejects.toThrow('concurrency must be a positive integer');
  });
});
