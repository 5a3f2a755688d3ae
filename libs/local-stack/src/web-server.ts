import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
