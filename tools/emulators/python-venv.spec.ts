import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Installing a venv while another process installs it: each waits for the other's lock, takes
 * over a lock whose owner has exited, and all of them end with the venv installed.
 */
jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const name = `venv-lock-spec-${process.pid}`;
const venv = path.join(root, '.tools', `${name}-venv`);
const lock = `${venv}.lock`;
const UNOWNED_MS = 2000;
const requirements = path.join(mkdtempSync(path.join(tmpdir(), 'relay-venv-')), 'requirements.txt');
writeFileSync(requirements, '# nothing to install: the venv itself is what is locked\n');

/**
 * ensureVenv in a process of its own, as a test target running beside this one would call it. A
 * lock that names no owner is taken over after two seconds here, not ten: the rule, not the wait.
 */
function install(): Promise<{ status: number | null; stderr: string }> {
  const args = [name, requirements, { unownedMs: UNOWNED_MS }].map((a) => JSON.stringify(a)).join(', ');
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `require('./tools/emulators/python-venv.ts').ensureVenv(${args})`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stderr })));
}

const settledWithin = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

afterEach(() => rmSync(venv, { recursive: true, force: true }));
afterAll(() => rmSync(lock, { recursive: true, force: true }));

describe('ensureVenv, beside other installs', () => {
  it('waits while a live process holds the lock, and installs once it is released', async () => {
    mkdirSync(lock, { recursive: true });
    writeFileSync(path.join(lock, 'pid'), String(process.pid));
    const waiting = install();
    expect(await settledWithin(waiting, 4000)).toBe(false);
    expect(existsSync(venv)).toBe(false);
    rmSync(lock, { recursive: true, force: true });
    expect(await waiting).toEqual({ status: 0, stderr: '' });
    expect(existsSync(path.join(venv, '.requirements'))).toBe(true);
  });

  it('takes over a lock whose owner has exited, or that names no owner', async () => {
    const gone = spawnSync('true').pid;
    for (const pid of [String(gone), '']) {
      rmSync(venv, { recursive: true, force: true });
      mkdirSync(lock, { recursive: true });
      writeFileSync(path.join(lock, 'pid'), pid);
      expect(await install()).toEqual({ status: 0, stderr: '' });
      expect(existsSync(lock)).toBe(false);
    }
  });

  it('ends with the venv installed when three processes install it at once', async () => {
    expect(await Promise.all([install(), install(), install()])).toEqual(Array(3).fill({ status: 0, stderr: '' }));
    expect(spawnSync(path.join(venv, 'bin/python3'), ['-c', 'print("ok")'], { encoding: 'utf8' }).stdout.trim()).toBe('ok');
  });
});
