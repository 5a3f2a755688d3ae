import { spawn } from 'node:child_process';
import { spawnHttpServer, type HttpChild } from './http-child';

const node = (code: string, port: number) => spawn(process.execPath, ['-e', code, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
const SERVER = `require('node:http').createServer((req, res) => res.writeHead(req.url === '/ready' ? 200 : 404).end()).listen(Number(process.argv[1]), '127.0.0.1')`;

let started: HttpChild | undefined;
afterEach(() => {
  started?.child.kill();
  started = undefined;
});

describe('spawnHttpServer', () => {
  it('returns once the ready path answers 2xx, on the port it gave the child', async () => {
    started = await spawnHttpServer('probe', (port) => node(SERVER, port), '/ready');
    expect((await fetch(`${started.url}/ready`)).status).toBe(200);
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("fails with the child's own output when it exits before it is ready", async () => {
    await expect(spawnHttpServer('broken', (port) => node(`console.error('no config for port ' + process.argv[1]); process.exit(3)`, port))).rejects.toThrow(
      /broken exited with 3: no config for port \d+/,
    );
  });

  it('gives up, killing the child, when it is never ready', async () => {
    await expect(spawnHttpServer('silent', (port) => node(SERVER, port), '/never', 500)).rejects.toThrow('silent did not start within 0.5 s');
  });
});
