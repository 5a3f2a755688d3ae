import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import sirv from 'sirv';
import { listen, type RunningServer } from '@relay/dynamo-emulator';

export interface WebServerOptions {
  port: number;
  /** The web client's build output. */
  root: string;
  /** Served as /config.json: what the client connects to. */
  config: Record<string, unknown>;
  /** Local only: issues development tokens at /dev/token?user=<id>. */
  issueToken: (userId: string) => Promise<string>;
}

const USER = /^[A-Za-z0-9_-]{1,32}$/;
const UPGRADE_REFUSED = JSON.stringify({ error: 'this port serves the web client, not WebSockets: connect to the wsUrl in /config.json' });

/** Serves the built web client like CloudFront would, plus the two local-only endpoints. */
export async function startWebServer(options: WebServerOptions): Promise<RunningServer> {
  const assets = sirv(options.root, { single: true, etag: true });
  const server = createServer((req, res) => {
    // Whatever the request target, answer it: a bad one is the client's 400, never a crash.
    try {
      route(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad request' }));
    }
  });
  // Node gives an upgrade request that no 'upgrade' listener takes to the request handler, whose
  // single-page fallback answers it 200 with the index page, or not at all when the client has
  // half-closed, by timing. This port speaks no WebSocket: a client pointed here is told, every time.
  server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => undefined);
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(UPGRADE_REFUSED)}\r\nconnection: close\r\n\r\n${UPGRADE_REFUSED}`,
    );
  });
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(options.config));
      return;
    }
    if (url.pathname === '/dev/token') {
      const user = url.searchParams.get('user') ?? '';
      if (!USER.test(user)) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'user must be 1-32 characters of A-Z a-z 0-9 _ -' }));
        return;
      }
      options.issueToken(user).then(
        (token) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token })),
        () => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'could not issue a token' })),
      );
      return;
    }
    assets(req, res);
  };
  return listen(server, options.port);
}
