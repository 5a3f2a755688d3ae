import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

/**
 * k6 reports a rate threshold over zero samples as passed (`✓ rate=0.00%`). The thresholds every
 * scenario uses pair each rate with a sample minimum; this runs the real threshold sets in real
 * k6 and checks that an empty run fails and a run with enough good samples passes.
 */
jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'loadtests/src/checks/empty-run.ts');
let k6: string;
let server: Server;
let url: string;

/** Runs k6 asynchronously: the test's own HTTP server must keep answering meanwhile. */
function run(env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(k6, ['run', '--no-usage-report', '--quiet', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), script], {
      cwd: root,
      env: { ...process.env, K6_AUTO_EXTENSION_RESOLUTION: 'false', K6_NO_COLOR: 'true' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, output }));
  });
}

beforeAll(async () => {
  const install = spawnSync('bash', [path.join(root, 'tools/k6/install.sh')], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`k6 is needed for this test and tools/k6/install.sh failed:\n${install.stderr}`);
  k6 = process.env['K6_BIN'] ?? path.join(root, '.tools/bin/k6');
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('k6 thresholds', () => {
  it.each(['chat', 'rest'])('fail a %s run that recorded nothing (exit 99, the sample minimum crossed)', async (kind) => {
    const { status, output } = await run({ KIND: kind, SAMPLES: '0', URL: url });
    expect(status).toBe(99);
    // Exactly the sample minimum fails: the rates themselves still print ✓ over nothing.
    expect(output).toMatch(
      kind === 'chat' ? /thresholds on metrics 'chat_delivery_samples' have been crossed/ : /thresholds on metrics 'http_reqs' have been crossed/,
    );
  });

  it.each(['chat', 'rest'])('pass a %s run with enough good samples', async (kind) => {
    const { status, output } = await run({ KIND: kind, SAMPLES: '6', URL: url });
    expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
  });
});
