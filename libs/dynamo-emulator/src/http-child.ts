import type { ChildProcess } from 'node:child_process';
import { onFreePort } from './dynalite-server';

export interface HttpChild {
  child: ChildProcess;
  url: string;
}

/**
 * A server in a child process that takes its port as an argument (moto, Vite): spawned on a free
 * port (another one when that was taken before the bind), ready when `readyPath` answers 2xx.
 * A child that exits first, or is not ready within `timeoutMs`, fails with its own output.
 */
export function spawnHttpServer(name: string, spawnOn: (port: number) => ChildProcess, readyPath = '/', timeoutMs = 30_000): Promise<HttpChild> {
  return onFreePort(async (port) => {
    const child = spawnOn(port);
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Exited first: the port was taken (onFreePort tries another) or the server failed.
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output}`);
      try {
        if ((await fetch(`${url}${readyPath}`)).ok) return { child, url };
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not start within ${timeoutMs / 1000} s: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}
