import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OriginClient } from './origin-client';
import { isRetryable } from './retry';

/**
 * The fan-out's HTTP client against real servers on 127.0.0.1: Node's own http server for the
 * framings a well-behaved origin uses, and raw sockets for what a misbehaving one can send.
 */
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close();
});

const body = Buffer.from('{"hello":"fans"}');

async function listen<T extends HttpServer | NetServer>(server: T): Promise<{ server: T; origin: URL; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => (server.close(() => resolve()), sockets.forEach((s) => s.destroy()))) });
  return { server, origin: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), sockets };
}

function client(origin: URL, options: Partial<ConstructorParameters<typeof OriginClient>[0]> = {}): OriginClient {
  const made = new OriginClient({ origin, maxSockets: 4, requestTimeoutMs: 2000, ...options });
  open.push({ close: () => made.close() });
  return made;
}

/** A raw server whose every request gets `answer` written back (or whatever `onRequest` does). */
function rawServer(onRequest: (socket: Socket, request: string) => void) {
  return listen(
    createNetServer((socket) => {
      let seen = '';
      socket.on('error', () => undefined);
      socket.on('data', (data) => {
        seen += data.toString('latin1');
        const end = seen.indexOf('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(seen)?.[1] ?? 0);
        if (end >= 0 && seen.length >= end + 4 + length) {
          const request = seen.slice(0, end + 4 + length);
          seen = seen.slice(end + 4 + length);
          onRequest(socket, request);
        }
      });
    }),
  );
}

const post = (made: OriginClient, n = 0) => made.request('POST', `/local/@connections/c${n}`, { host: 'x', 'content-length': String(body.length) }, body);

describe('OriginClient', () => {
  it('posts over at most maxSockets keep-alive sockets, each answer to its own request', async () => {
    let concurrent = 0;
    let peak = 0;
    const { server, origin, sockets } = await listen(
      createHttpServer((req, res) => {
        concurrent++;
        peak = Math.max(peak, concurrent);
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () =>
          setTimeout(() => {
            concurrent--;
            res.end(`${req.url} ${Buffer.concat(chunks).toString()}`);
          }, 2),
        );
      }),
    );
    server.keepAliveTimeout = 10_000;
    const made = client(origin, { maxSockets: 4 });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, n) => post(made, n)));
    answers.forEach((answer, n) => {
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).toBe(`/local/@connections/c${n} ${body.toString()}`);
    });
    expect(peak).toBeLessThanOrEqual(4);
    expect(sockets.size).toBeLessThanOrEqual(4);
    expect(made.openSockets).toBeLessThanOrEqual(4);
  });

  it('reads chunked, close-delimited and split answers, and skips 1xx answers before the real one', async () => {
    const answers = [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
      'HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 410 Gone\r\nContent-Length: 4\r\n\r\ngone',
      'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end',
    ];
    let next = 0;
    const { origin, sockets } = await rawServer((socket) => {
      const answer = answers[next++ % answers.length]!;
      if (answer.includes('Connection: close')) return void socket.end(answer);
      // One byte at a time: the parser must carry state across reads.
      let i = 0;
      const drip = () => (i < answer.length ? (socket.write(answer[i++]!), setImmediate(drip)) : undefined);
      drip();
    });
    const made = client(origin, { maxSockets: 1 });
    expect(await post(made)).toEqual({ status: 200, body: Buffer.from('hello world') });
    expect(await post(made)).toEqual({ status: 410, body: Buffer.from('gone') });
    expect(await post(made)).toEqual({ status: 200, body: Buffer.from('until the end') });
    // The close-delimited answer ended its socket: the next request opens another.
    expect((await post(made)).status).toBe(200);
    expect(sockets.size).toBe(2);
  });

  it('fails a reset, a malformed answer and data on an idle socket retryably, and carries on', async () => {
    let n = 0;
    const { origin, sockets } = await rawServer((socket) => {
      n++;
      if (n === 1) return void socket.destroy();
      if (n === 2) return void socket.write('NOT HTTP AT ALL\r\n\r\n');
      if (n === 3) return void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n');
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const made = client(origin, { maxSockets: 1 });
    const reset = await post(made).catch((error: unknown) => error);
    expect(reset).toMatchObject({ code: 'ECONNRESET' });
    expect(isRetryable(reset)).toBe(true);
    const garbled = await post(made).catch((error: unknown) => error);
    expect(garbled).toMatchObject({ name: 'NetworkingError' });
    expect(isRetryable(garbled)).toBe(true);
    // More than one answer to one request: the first counts, the socket is not trusted again.
    expect((await post(made)).status).toBe(200);
    expect(sockets.size).toBe(3);
    expect((await post(made)).body.toString()).toBe('ok');
    expect(sockets.size).toBe(4);
  });

  it('times out a request that gets no answer, and one that waits too long for a socket', async () => {
    const { origin, sockets } = await rawServer(() => undefined);
    const made = client(origin, { maxSockets: 1, requestTimeoutMs: 150 });
    const [stalled, queued] = await Promise.all([post(made).catch((e: unknown) => e), post(made).catch((e: unknown) => e)]);
    expect(stalled).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', message: expect.stringMatching(/no answer/) });
    expect(queued).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', message: expect.stringMatching(/no socket free/) });
    expect([stalled, queued].every(isRetryable)).toBe(true);
    // No socket was opened for the request that had already given up.
    expect(sockets.size).toBe(1);
    // The stalled socket was dropped, not left holding the pool's only slot.
    expect(made.openSockets).toBe(0);
    while (![...sockets].every((s) => s.destroyed || s.readableEnded)) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('does not reuse a socket the server closed while idle, nor one idle past idleTimeoutMs', async () => {
    const { server, origin, sockets } = await listen(createHttpServer((_req, res) => res.end('ok')));
    // Node adds a grace (keepAliveTimeoutBuffer, 1 s) to the keep-alive timeout it enforces.
    Object.assign(server, { keepAliveTimeout: 100, keepAliveTimeoutBuffer: 0 });
    const made = client(origin, { idleTimeoutMs: 60_000 });
    expect((await post(made)).status).toBe(200);
    // However slow the machine: the client lets go of the socket once the server has closed it.
    while (made.openSockets > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await post(made)).status).toBe(200);
    expect(sockets.size).toBe(2);

    server.keepAliveTimeout = 60_000;
    const impatient = client(origin, { idleTimeoutMs: 50 });
    expect((await post(impatient)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await post(impatient)).status).toBe(200);
    expect(sockets.size).toBe(4);
  });

  it('refuses to send a header value or request target that would split the request', async () => {
    const { origin, sockets } = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    const made = client(origin);
    await expect(made.request('POST', '/a', { host: 'x', 'x-evil': 'a\r\nx-injected: 1' }, body)).rejects.toThrow(/cannot be sent/);
    await expect(made.request('POST', '/a b', { host: 'x' }, body)).rejects.toThrow(/not printable ASCII/);
    await expect(made.request('POST', '/a\r\n', { host: 'x' }, body)).rejects.toThrow(/not printable ASCII/);
    expect(sockets.size).toBe(0);
  });

  it('speaks TLS to an https origin, checking its certificate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'origin-tls-'));
    try {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      ], { stdio: 'ignore' }); // prettier-ignore
      const cert = readFileSync(path.join(dir, 'cert.pem'));
      const { server } = await listen(createHttpsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (_req, res) => res.end('secure')));
      const origin = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const trusting = client(origin, { tls: { ca: cert } });
      expect(await post(trusting)).toEqual({ status: 200, body: Buffer.from('secure') });
      // The same server, not trusted: the handshake fails and nothing is posted.
      await expect(post(client(origin))).rejects.toMatchObject({ code: expect.stringMatching(/CERT|SIGNED/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
