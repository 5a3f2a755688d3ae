import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startWebServer } from '@relay/local-stack';
import { spawnHttpServer, type RunningServer } from '@relay/dynamo-emulator';

/**
 * `nx run web:serve`: Vite's dev server over the web client's sources (hot reload), with
 * /config.json and /dev/token passed through to the running local stack's web port.
 */
jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../../..');
const config = { wsUrl: 'ws://127.0.0.1:8080', broadcastUrl: 'http://127.0.0.1:8081', devTokenUrl: '/dev/token' };
let stackWeb: RunningServer;
let vite: ChildProcess;
let url: string;

beforeAll(async () => {
  // Stands in for npm start's web port: the real server, with a stand-in token issuer.
  stackWeb = await startWebServer({ port: 0, root: mkdtempSync(path.join(tmpdir(), 'relay-web-')), config, issueToken: async (user) => `token-for-${user}` });
  // What `nx run web:serve` runs, with the ports of this test.
  ({ child: vite, url } = await spawnHttpServer('vite', (port) =>
    spawn(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), '--config', 'apps/web/vite.config.ts', '--strictPort'], {
      cwd: root,
      env: { ...process.env, RELAY_WEB_PORT: String(stackWeb.port), RELAY_VITE_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ));
});

afterAll(async () => {
  if (vite && vite.exitCode === null) {
    const exited = new Promise((resolve) => vite.once('exit', resolve));
    vite.kill('SIGTERM');
    await exited;
  }
  await stackWeb?.close();
});

it('serves the sources with the hot-reload client, on 127.0.0.1 only', async () => {
  expect(new URL(url).hostname).toBe('127.0.0.1');
  const html = await (await fetch(`${url}/`)).text();
  expect(html).toContain('/@vite/client');
  const main = await fetch(`${url}/src/main.ts`);
  expect(main.status).toBe(200);
  expect(await main.text()).toContain('config.json');
});

it('passes /config.json and /dev/token through to the local stack', async () => {
  expect(await (await fetch(`${url}/config.json`)).json()).toEqual(config);
  expect(await (await fetch(`${url}/dev/token?user=alice`)).json()).toEqual({ token: 'token-for-alice' });
  const refused = await fetch(`${url}/dev/token?user=${encodeURIComponent('<bad>')}`);
  expect(refused.status).toBe(400);
});
