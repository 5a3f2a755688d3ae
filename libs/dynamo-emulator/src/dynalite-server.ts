import { createServer, type AddressInfo } from 'node:net';
import type { RequestListener, Server } from 'node:http';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface RunningDynalite extends RunningServer {
  /** The emulator's own request handler, for a front (the stream tap) in the same process. */
  handle: RequestListener;
}

/** In-memory DynamoDB API (real request validation) on 127.0.0.1 only. */
export async function startDynalite(port = 0): Promise<RunningDynalite> {
  // Here, not at the top: this barrel's port and child-process helpers are imported by processes
  // that start no dynalite (the moto server's launcher among them), and dynalite is 41 modules.
  // It ships no types; its factory returns a plain node http server.
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const [handle] = server.listeners('request') as RequestListener[];
  if (!handle) throw new Error('dynalite created a server without a request handler');
  return { ...(await listen(server, port)), handle };
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
 * (moto, Vite). Another process may take it first: start such children through `onFreePort`.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  const { port } = await listen(server as unknown as Server, 0);
  await closeServer(server as unknown as Server);
  return port;
}

// How Node, werkzeug (moto) and Vite say the port was taken between freePort and their bind.
const PORT_TAKEN = /EADDRINUSE|address already in use|is already in use|in use by another program/i;

/**
 * Starts something on a free port, and again on another one when the port was taken in the
 * window between choosing and binding it: on a shared CI machine, parallel suites and outgoing
 * connections draw from the same range. `start` rejects with the child's own words.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= attempts || !PORT_TAKEN.test(error instanceof Error ? error.message : String(error))) throw error;
    }
  }
}
