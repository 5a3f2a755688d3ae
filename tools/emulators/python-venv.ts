import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const LOCK_WAIT_MS = 20 * 60_000;
/** A lock that names no owner for this long lost its owner between creating it and writing its pid. */
const UNOWNED_MS = 10_000;

export interface VenvLockTiming {
  /** How long a lock may name no owner before it is taken over (default UNOWNED_MS). */
  unownedMs?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid a lock names, NaN where it names none (not written yet, or the lock just went away). */
function ownerOf(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return NaN;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * `install` with `lock` (a directory, created atomically) held: Nx runs several test targets at
 * once, and two of them installing one venv side by side broke both (one recreating it under the
 * other's pip). A lock that names no live owner (its owner exited, or died before writing its
 * pid) is taken over. Hand-written because the install is one blocking call of minutes, during
 * which a lock library's heartbeat (proper-lockfile's mtime refresh) cannot run and others would
 * take the lock as stale. Two waiters taking over one stale lock at the same instant may both
 * install; a stale lock only follows an install that was killed, so that is left.
 */
function whileLocked<T>(lock: string, unownedMs: number, install: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  const owner = path.join(lock, 'pid');
  let unownedSince: number | undefined;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = ownerOf(owner);
    // No pid yet: its owner is most likely between mkdir and writing it.
    if (!Number.isInteger(pid) || pid <= 0) unownedSince ??= Date.now();
    else unownedSince = undefined;
    const stale = unownedSince === undefined ? !alive(pid) : Date.now() - unownedSince > unownedMs;
    if (stale) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`${lock} is still held by process ${pid} after ${LOCK_WAIT_MS / 60_000} minutes`);
    else sleep(250);
  }
  try {
    return install();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A Python tool from PyPI in a venv of its own under .tools/<name>-venv, installed from a pinned
 * requirements file on first use and again whenever that file changes, by one process at a time
 * (the others wait and find it installed). Returns the venv's bin/.
 */
export function ensureVenv(name: string, requirements: string, { unownedMs = UNOWNED_MS }: VenvLockTiming = {}): string {
  const venv = path.join(ROOT, '.tools', `${name}-venv`);
  const stamp = path.join(venv, '.requirements');
  const current = () => existsSync(stamp) && readFileSync(stamp, 'utf8') === readFileSync(requirements, 'utf8');
  if (!current()) {
    mkdirSync(path.dirname(venv), { recursive: true });
    whileLocked(`${venv}.lock`, unownedMs, () => {
      if (current()) return;
      const steps: [string, string[]][] = [
        ['python3', ['-m', 'venv', venv]],
        [path.join(venv, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements]],
      ];
      for (const [command, args] of steps) {
        const result = spawnSync(command, args, { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`installing ${name} failed (${command} ${args.join(' ')}):\n${result.stderr ?? result.error?.message}`);
      }
      cpSync(requirements, stamp);
    });
  }
  return path.join(venv, 'bin');
}
