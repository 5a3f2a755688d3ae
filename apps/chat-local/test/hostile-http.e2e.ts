import { spawn, type ChildProcess } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import path from 'node:path';
import fc from 'fast-check';

jest.setTimeout(120_000);

/**
 * `npm start` is a server too: every port it opens (WebSocket API, its @connections API,
 * broadcast API, web client) must answer hostile request targets with a 4xx and keep serving.
 * The process runs exactly as a developer starts it; an uncaught exception or unhandled
 * rejection would end it, and the test would see the exit.
 */
const root = path.resolve(__dirname, '../../..');
let child: ChildProcess;
let exited: number | null | undefined;
let output = '';
const urls: Record<'ws' | 'management' | 'broadcast' | 'web', URL> = {} as never;

beforeAll(async () => {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/chat-local/src/main.ts', '--port', '0', '--broadcast-port', '0', '--web-port', '0', '--log-level', 'ERROR'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.once('exit', (code) => (exited = code));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ws = /WebSocket API\s+(ws:\/\/\S+?)\?/.exec(output);
      const broadcast = /broadcast API\s+(http:\/\/\S+?)\/v1/.exec(output);
      const web = /web client\s+(http:\/\/\S+?)\/\?/.exec(output);
      const management = /@connections API\s+(http:\/\/\S+?)\/@connections\//.exec(output);
      if (ws && broadcast && web && management) {
        urls.ws = new URL(ws[1]!);
        urls.management = new URL(management[1]!);
        urls.broadcast = new URL(broadcast[1]!);
        urls.web = new URL(web[1]!);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
});

afterAll(async () => {
  if (exited === undefined) {
    const done = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await done;
  }
});

/** Sends raw bytes and resolves with the status of the reply (0 when the server just closed). */
function rawRequest(port: number, request: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0)));
    socket.end(request);
  });
}

const ports = () => ({
  ws: Number(urls.ws.port),
  management: Number(urls.management.port),
  broadcast: Number(urls.broadcast.port),
  web: Number(urls.web.port),
});
const upgrade = (target: string) =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
const plain = (method: string, target: string) => `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;

async function stillServing(): Promise<void> {
  expect(exited).toBeUndefined();
  expect((await fetch(new URL('/health/live', urls.broadcast))).status).toBe(200);
  expect((await fetch(new URL('/config.json', urls.web))).status).toBe(200);
  expect((await fetch(new URL(urls.ws.pathname, urls.ws).toString().replace('ws:', 'http:'))).status).toBe(426);
  // Unsigned: refused, and answered.
  expect((await fetch(`${urls.management.href}/@connections/someone`, { method: 'POST', body: 'hi' })).status).toBe(403);
}

describe('npm start under hostile HTTP', () => {
  it('answers malformed percent-escapes in @connections paths with 400 and stays up', async () => {
    for (const id of ['%', '%E0%A4%A', '%ZZ', '%C0%AF', 'a%2', '%FF%FE']) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const status = await rawRequest(ports().management, plain(method, `${urls.management.pathname}/@connections/${id}`));
        expect({ id, method, status }).toEqual({ id, method, status: 400 });
        // The WebSocket port does not serve the API: it says where it is (404).
        const elsewhere = await rawRequest(ports().ws, plain(method, `${urls.ws.pathname}/@connections/${id}`));
        expect({ id, method, elsewhere }).toEqual({ id, method, elsewhere: 404 });
      }
    }
    await stillServing();
  });

  it('answers invalid request targets on every port with a 4xx and stays up', async () => {
    const targets = [
      'http://[::1',
      '//',
      '/%',
      '/a%ZZ',
      '*',
      'http://',
      '/?token=%E0%A4%A',
      '/local?token=%',
      '/..%2F..%2Fetc%2Fpasswd',
      `/${'a'.repeat(9000)}`,
    ];
    for (const target of targets) {
      for (const [name, port] of Object.entries(ports())) {
        const get = await rawRequest(port, plain('GET', target));
        const upgraded = await rawRequest(port, upgrade(target));
        // The web client is a single-page app: any path it can parse is its index page (200).
        const fine = (status: number, spaFallback: boolean) => status === 0 || (status >= 400 && status < 500) || (spaFallback && status === 200);
        expect({ name, target: target.slice(0, 40), get: fine(get, name === 'web'), upgrade: fine(upgraded, false) }).toEqual({
          name,
          target: target.slice(0, 40),
          get: true,
          upgrade: true,
        });
      }
    }
    await stillServing();
  });

  it('survives generated request targets and methods on every port', async () => {
    const target = fc.oneof(
      fc.string({ maxLength: 60 }).map((s) => `/${s.replace(/[\s\r\n]/g, '')}`),
      fc
        .array(fc.constantFrom('%', '%2', '%zz', '%00', '%C3', '/', '?', '#', '@connections', '..', 'local', '&token='), { maxLength: 12 })
        .map((a) => `/${a.join('')}`),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
    const kind = fc.constantFrom<'ws' | 'management' | 'broadcast' | 'web'>('ws', 'management', 'broadcast', 'web');
    await fc.assert(
      fc.asyncProperty(target, method, kind, fc.boolean(), async (t, m, k, asUpgrade) => {
        const status = await rawRequest(ports()[k], asUpgrade ? upgrade(t) : plain(m, t));
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    await stillServing();
  });
});
