import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AWS_CLI_DRIVER_ENV, awsCli, awsCliDriverEnv, awsCliDriverUrl, writeAwsCommand } from './aws-cli';
import { motoBin, motoCliEnv, startMoto, type MotoServer } from './moto-server';

/**
 * The kept-loaded CLI answers as the CLI run as a process of its own would, against real moto:
 * the same output, the same failures with the same messages, each command with its own
 * environment (two accounts through one driver), and it does not outlive the process it serves.
 */
jest.setTimeout(120_000);

let dev: MotoServer;
let stag: MotoServer;
const region = 'ap-northeast-2';

beforeAll(async () => {
  [dev, stag] = await Promise.all([startMoto(region, { account: '111111111111' }), startMoto(region, { account: '222222222222' })]);
});
afterAll(async () => Promise.all([dev?.stop(), stag?.stop()]));

/** What a call answers: its output, or the message it failed with. */
function outcome(call: () => string): { stdout: string } | { error: string } {
  try {
    return { stdout: call() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('the aws CLI against moto, kept loaded', () => {
  it('answers as a process of its own would: output, a service error, a usage error', () => {
    const env = motoCliEnv(dev, region);
    const driver = awsCli(env);
    const process_ = awsCli(env, { via: 'process' });
    driver('ssm', 'put-parameter', '--name', '/relay/dev/a', '--type', 'String', '--value', 'one');
    process_('ssm', 'put-parameter', '--name', '/relay/dev/b', '--type', 'String', '--value', 'two');
    const calls: string[][] = [
      // moto answers GetParameters in no fixed order: one parameter per call keeps the two comparable.
      ['ssm', 'get-parameter', '--name', '/relay/dev/a'],
      ['ssm', 'get-parameter', '--name', '/relay/dev/b'],
      ['ssm', 'get-parameter', '--name', '/relay/dev/missing'],
      ['ssm', 'get-parameter', '--no-such-option'],
      ['ssm', 'put-parameter', '--cli-input-json', JSON.stringify({ Name: '/relay/dev/a', Type: 'String', Value: 'again' })],
    ];
    for (const args of calls) expect([args, outcome(() => driver(...args))]).toEqual([args, outcome(() => process_(...args))]);
    const [a, b, missing, usage, conflict] = calls.map((args) => outcome(() => driver(...args)));
    expect([a, b].map((o) => JSON.parse((o as { stdout: string }).stdout).Parameter.Value)).toEqual(['one', 'two']);
    expect(missing).toEqual({ error: expect.stringContaining('ParameterNotFound') });
    expect(usage).toEqual({ error: expect.stringContaining('--no-such-option') });
    expect(conflict).toEqual({ error: expect.stringContaining('ParameterAlreadyExists') });
    expect(awsCliDriverUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('runs each command in its own environment: two accounts through one driver', () => {
    const identity = (moto: MotoServer) => JSON.parse(awsCli(() => motoCliEnv(moto, region))('sts', 'get-caller-identity')).Account as string;
    expect([identity(dev), identity(stag), identity(dev)]).toEqual(['111111111111', '222222222222', '111111111111']);
    // Nothing of one command's environment is left for the next: without credentials it fails.
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...bare } = motoCliEnv(dev, region);
    expect(outcome(() => awsCli(bare)('sts', 'get-caller-identity'))).toEqual({ error: expect.stringContaining('credentials') });
  });

  it('answers a malformed request 4xx, and goes on serving', async () => {
    const url = awsCliDriverUrl()!;
    const statusOf = (init: RequestInit) => fetch(url, init).then((r) => r.status);
    const bodies = [
      'not json',
      '[]',
      '{"args": "ssm", "env": {}}',
      '{"args": [1], "env": {}}',
      '{"args": [], "env": {"A": 1}}',
      '{"args": []}',
      '{"args": [], "env": {}, "cwd": 1}',
      '{"args": [], "env": {}, "cwd": "/no/such/folder"}',
    ];
    expect(await Promise.all(bodies.map((body) => statusOf({ method: 'POST', body })))).toEqual(bodies.map(() => 400));
    expect(await statusOf({ method: 'GET' })).toBe(405);
    expect(await statusOf({ method: 'DELETE' })).toBe(405);
    expect(JSON.parse(awsCli(motoCliEnv(dev, region))('sts', 'get-caller-identity')).Account).toBe('111111111111');
  });

  it('is shared with the processes this one starts, where their environment names it', async () => {
    const code = `const { awsCli, awsCliDriverUrl } = require(${JSON.stringify(path.join(__dirname, 'aws-cli.ts'))});
console.log(JSON.stringify({ url: awsCliDriverUrl(), account: JSON.parse(awsCli(process.env)('sts', 'get-caller-identity')).Account }));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], {
      cwd: path.resolve(__dirname, '../../..'),
      env: { ...process.env, ...motoCliEnv(stag, region), ...awsCliDriverEnv() },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    expect(JSON.parse(out)).toEqual({ url: awsCliDriverUrl(), account: '222222222222' });
    expect(awsCliDriverEnv()).toEqual({ [AWS_CLI_DRIVER_ENV]: awsCliDriverUrl() });
  });

  it('stops serving once the process it serves has exited', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `console.log(require(${JSON.stringify(path.join(__dirname, 'aws-cli.ts'))}).awsCliDriverUrl())`],
      {
        cwd: path.resolve(__dirname, '../../..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let url = '';
    child.stdout.on('data', (chunk: Buffer) => (url += chunk.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    url = url.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const answers = async () =>
      fetch(url, { method: 'POST', body: JSON.stringify({ args: ['--version'], env: {} }) }).then(
        () => true,
        () => false,
      );
    const deadline = Date.now() + 30_000;
    while ((await answers()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await answers()).toBe(false);
  });
});

describe("the `aws` a rehearsal's shell steps run", () => {
  const bin = mkdtempSync(path.join(tmpdir(), 'relay-aws-bin-'));
  writeAwsCommand(bin);
  /** A shell step, as GitHub runs one (bash --noprofile --norc): `script` in `cwd` with the rehearsal's bin first on PATH. */
  const step = (script: string, cwd: string, env: NodeJS.ProcessEnv) =>
    spawnSync('bash', ['--noprofile', '--norc', '-c', script], { cwd, encoding: 'utf8', env: { ...env, PATH: `${bin}:${process.env['PATH'] ?? ''}` } });

  it("runs in the kept-loaded CLI in the step's folder, and fails as the CLI does", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'relay-aws-step-'));
    writeFileSync(path.join(cwd, 'index.html'), '<p>relay</p>');
    const env = { ...motoCliEnv(dev, region), ...awsCliDriverEnv() };
    const copied = step(
      [
        `aws s3api create-bucket --bucket web --create-bucket-configuration LocationConstraint=${region} >/dev/null`,
        'aws s3 cp index.html s3://web/index.html --cache-control no-cache >/dev/null',
        'aws s3 cp s3://web/index.html back.html >/dev/null',
      ].join(' && '),
      cwd,
      env,
    );
    expect([copied.status, copied.stderr]).toEqual([0, '']);
    expect(readFileSync(path.join(cwd, 'back.html'), 'utf8')).toBe('<p>relay</p>');
    const missing = ['ssm', 'get-parameter', '--name', '/relay/dev/missing'];
    const viaStep = step(`aws ${missing.join(' ')}`, cwd, env);
    const viaCli = spawnSync(path.join(motoBin(), 'aws'), missing, { cwd, encoding: 'utf8', env });
    expect([viaStep.status, viaStep.stdout, viaStep.stderr]).toEqual([viaCli.status, viaCli.stdout, viaCli.stderr]);
    expect(viaStep.stderr).toContain('ParameterNotFound');
  });

  it("sends the step's arguments, environment and folder, and answers with the driver's status and output", async () => {
    const received: unknown[] = [];
    const recorder = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end(JSON.stringify({ status: 3, stdout: 'out\n', stderr: 'err\n' }));
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/`;
    const cwd = mkdtempSync(path.join(tmpdir(), 'relay-aws-step-'));
    // spawnSync would block the recorder's answer: the step runs as a child this process awaits.
    const child = spawn('bash', ['--noprofile', '--norc', '-c', 'aws s3 ls "s3://a bucket"'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, AWS_REGION: region, [AWS_CLI_DRIVER_ENV]: url },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise((resolve) => child.once('exit', resolve));
    recorder.close();
    expect([status, stdout, stderr]).toEqual([3, 'out\n', 'err\n']);
    expect(received).toEqual([{ args: ['s3', 'ls', 's3://a bucket'], cwd, env: expect.objectContaining({ AWS_REGION: region }) }]);
  });

  it('is the CLI itself where no driver is named, and says so where the named one does not answer', () => {
    const cwd = tmpdir();
    const version = spawnSync(path.join(motoBin(), 'aws'), ['--version'], { encoding: 'utf8' });
    const own = step('aws --version', cwd, {});
    expect([own.status, own.stdout + own.stderr]).toEqual([0, version.stdout + version.stderr]);
    const gone = step('aws --version', cwd, { [AWS_CLI_DRIVER_ENV]: 'http://127.0.0.1:9/' });
    expect([gone.status, gone.stderr]).toEqual([255, expect.stringContaining('did not answer')]);
  });
});
