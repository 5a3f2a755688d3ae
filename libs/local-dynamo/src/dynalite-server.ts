import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
// dynalite ships no types; its factory returns a plain node http server.
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** In-memory DynamoDB API (real request validation) on 127.0.0.1 only. */
export async function startDynalite(port = 0): Promise<RunningServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  return listen(server, port);
}

export function listen(server: Server, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        close: () => closeServer(server),
      });
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/**
 * A port free on 127.0.0.1 right now, for a child process that takes its port as an argument
 * (moto, Vite). Another process may take it first; callers fail loudly if it does.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  const { port } = await listen(server as unknown as Server, 0);
  await closeServer(server as unknown as Server);
  return port;
}
