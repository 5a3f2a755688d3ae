import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningServer } from '@relay/dynamo-emulator';
import { startWebServer } from './web-server';

let web: RunningServer;

beforeAll(async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'relay-web-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>relay</title>');
  web = await startWebServer({ port: 0, root, config: { wsUrl: 'ws://127.0.0.1:1' }, issueToken: async (user) => `token-for-${user}` });
});
afterAll(() => web?.close());

/** One raw request on its own connection, the connection left open for the answer; resolves with what came back. */
function exchange(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(web.port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer within 10 s; so far: ${JSON.stringify(reply)}`)));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      // Enough once the headers and the body they announce are in.
      const [head, body = ''] = reply.split('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(head ?? '');
      if (length && Buffer.byteLength(body) >= Number(length[1])) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
    socket.write(request);
  });
}

describe('the web client server', () => {
  it('refuses a WebSocket upgrade with a 400 that says where WebSockets go, on every path, and keeps serving', async () => {
    for (const target of ['/', '/index.html', '/rooms/r1', '/config.json', `/${'a'.repeat(9000)}`]) {
      const reply = await exchange(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
      expect({ target: target.slice(0, 20), status: reply.slice(0, 12), body: reply.split('\r\n\r\n')[1] }).toEqual({
        target: target.slice(0, 20),
        status: 'HTTP/1.1 400',
        body: JSON.stringify({ error: 'this port serves the web client, not WebSockets: connect to the wsUrl in /config.json' }),
      });
    }
    const page = await fetch(`http://127.0.0.1:${web.port}/rooms/r1`);
    expect([page.status, await page.text()]).toEqual([200, '<!doctype html><title>relay</title>']);
  });
});
