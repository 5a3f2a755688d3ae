import { connect } from 'node:net';
import { LeanHttpServer, type LeanRequest, type LeanResponse } from './lean-http-server';

/**
 * The lean server behind the local @connections API, driven over raw sockets: whatever a client
 * sends, it answers 4xx (or hangs up on a body too large to read) and keeps serving.
 */
let server: LeanHttpServer;
let port: number;
let handle: (request: LeanRequest, response: LeanResponse) => void;

beforeEach(async () => {
  handle = (request, response) =>
    response.send(
      200,
      { 'content-type': 'application/json' },
      JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body: request.body.toString(), tooLarge: request.bodyTooLarge }),
    );
  server = new LeanHttpServer({ maxBodyBytes: 64, keepAliveTimeoutMs: 300 }, (request, response) => handle(request, response));
  port = await server.listen(0);
});
afterEach(() => server.close());

/** Final (non-1xx) answers complete in `text`; a HEAD answer has no body whatever its length says. */
function finalAnswers(text: string, head: boolean): number {
  let count = 0;
  for (let at = 0; at < text.length;) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const header = text.slice(at, end);
    const length = head ? 0 : Number(/content-length: (\d+)/i.exec(header)?.[1] ?? 0);
    if (text.length < end + 4 + length) break;
    if (!/^HTTP\/1\.1 1\d\d/.test(header)) count++;
    at = end + 4 + length;
  }
  return count;
}

/**
 * Sends raw bytes and collects what comes back: until `answers` whole answers have arrived, or
 * (without `answers`) until the server closes. Never a fixed wait, so a busy machine only slows it.
 */
function exchange(bytes: string | Buffer, answers?: number, head = false): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const done = (closed: boolean) => {
      socket.destroy();
      resolve({ text, closed });
    };
    socket.on('data', (data) => {
      text += data.toString('latin1');
      if (answers !== undefined && finalAnswers(text, head) >= answers) done(false);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => done(true));
    socket.write(bytes);
  });
}

const statuses = (text: string) => [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
const ok = 'POST /local/@connections/a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi';

describe('LeanHttpServer', () => {
  it('hands over method, target, lower-cased headers (repeats joined) and body', async () => {
    const { text } = await exchange(
      'POST /local/@connections/a%3D?x=1 HTTP/1.1\r\nHost: x\r\nX-Amz-Date: 1\r\nX-Tag: a\r\nX-Tag: b\r\nContent-Length: 5\r\n\r\nhello',
      1,
    );
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({
      method: 'POST',
      url: '/local/@connections/a%3D?x=1',
      headers: { host: 'x', 'x-amz-date': '1', 'x-tag': 'a, b', 'content-length': '5' },
      body: 'hello',
      tooLarge: false,
    });
  });

  it('answers pipelined requests in their order, even when the first answer comes last', async () => {
    let n = 0;
    handle = (request, response) => {
      const mine = ++n;
      setTimeout(() => response.send(200, {}, `${mine} ${request.url}`), mine === 1 ? 80 : 0);
    };
    const { text } = await exchange(`${ok.replace('/a', '/first')}${ok.replace('/a', '/second')}${ok.replace('/a', '/third')}`, 3);
    expect([...text.matchAll(/\r\n\r\n(\d [^H]*)/g)].map((m) => m[1])).toEqual([
      '1 /local/@connections/first',
      '2 /local/@connections/second',
      '3 /local/@connections/third',
    ]);
  });

  it.each([
    ['a garbage request line', 'HELLO\r\n\r\n', 400],
    ['an unknown method', 'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a non-numeric Content-Length', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\nhi', 400],
    ['a negative Content-Length', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: -2\r\n\r\nhi', 400],
    ['two Content-Lengths', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi', 400],
    ['Content-Length beside chunked', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['an upgrade', 'GET /a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 400],
    ['headers over the limit', `GET /a HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['a body four times the limit', `POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n${'a'.repeat(1000)}`, 413],
  ])('answers %s with the status given, closes, and keeps serving', async (_name, bytes, status) => {
    const refused = await exchange(bytes);
    expect(statuses(refused.text)).toEqual([status]);
    expect(refused.text).toContain('connection: close');
    expect(refused.closed).toBe(true);
    expect(statuses((await exchange(ok, 1)).text)).toEqual([200]);
  });

  it('reads a chunked body, and marks one over the limit without keeping it', async () => {
    const chunked = await exchange('POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n', 1);
    expect(chunked.text).toContain('"body":"abcde"');
    const large = await exchange(`POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n${'z'.repeat(100)}`, 1);
    expect(large.text).toContain('"tooLarge":true');
    expect(large.text).not.toContain('z'.repeat(65));
  });

  it('sends 100 Continue when asked, and closes after a request that says Connection: close', async () => {
    const continued = await exchange('POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi', 1);
    expect(statuses(continued.text)).toEqual([100, 200]);
    const closing = await exchange('GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statuses(closing.text)).toEqual([200]);
    expect(closing.closed).toBe(true);
  });

  it.each([
    ['two Content-Lengths', 'Content-Length: 2\r\nContent-Length: 3\r\n', 400],
    ['Content-Length beside chunked', 'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n', 400],
    ['an upgrade', 'Connection: Upgrade\r\nUpgrade: websocket\r\n', 400],
    ['headers over the limit', `X-Big: ${'a'.repeat(20_000)}\r\n`, 431],
  ])('sends no 100 Continue for a request it refuses (%s): the refusal is the answer', async (_name, headers, status) => {
    const refused = await exchange(`POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n${headers}\r\n`);
    expect(statuses(refused.text)).toEqual([status]);
    expect(refused.closed).toBe(true);
  });

  it('sends a pipelined request its 100 Continue only after the answers before it', async () => {
    // Each body ends its line, so `statuses` finds the status line after it.
    handle = (request, response) => setTimeout(() => response.send(200, {}, `${request.url}\r\n`), request.url === '/first' ? 80 : 0);
    const first = 'POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi';
    const waiting = 'POST /second HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n';
    // A client that waits for the 100 before its body: the first answer, then the 100, then its own.
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.on('data', (data) => {
        received += data.toString('latin1');
        if (received.includes('100 Continue') && !received.includes('/second')) socket.write('ok');
        if (finalAnswers(received, false) === 2) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
      socket.write(first + waiting);
    });
    expect(statuses(text)).toEqual([200, 100, 200]);
    // A client that sent its body at once gets no 100 at all, and never one ahead of an earlier answer.
    const eager = await exchange(`${first}${waiting}ok`, 2);
    expect(statuses(eager.text)).toEqual([200, 200]);
  });

  it('answers HEAD with the length of the body it does not send', async () => {
    const { text } = await exchange('HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n', 1, true);
    expect(statuses(text)).toEqual([200]);
    expect(Number(/content-length: (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  it('answers 500 when the handler throws, and keeps the connection', async () => {
    handle = (request) => {
      if (request.url === '/boom') throw new Error('boom');
    };
    const { text } = await exchange('GET /boom HTTP/1.1\r\nHost: x\r\n\r\n', 1);
    expect(statuses(text)).toEqual([500]);
  });

  it('closes an idle socket, and one that sends half a request, after the keep-alive timeout', async () => {
    const idle = await exchange(ok);
    expect(statuses(idle.text)).toEqual([200]);
    expect(idle.closed).toBe(true);
    const slow = await exchange('POST /a HTTP/1.1\r\nHost: x\r\nContent-Le');
    expect(slow.text).toBe('');
    expect(slow.closed).toBe(true);
  });
});
