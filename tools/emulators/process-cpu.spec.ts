import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpuSecondsOf, processTreeUsage } from './process-cpu';

/**
 * bash under a name of our choosing (/proc/<pid>/stat shows it in parentheses, spaces and all):
 * it spins a while, prints its own CPU as `times` counts it, then blocks reading stdin.
 */
function burner(name: string): { pid: number; ownSeconds: Promise<number>; stop: () => void } {
  const bin = path.join(mkdtempSync(path.join(tmpdir(), 'relay-cpu-')), name);
  symlinkSync('/bin/bash', bin);
  const script = 'for ((i = 0; i < 200000; i++)); do :; done; times; read -r _';
  const child = spawn(bin, ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ownSeconds = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const shell = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/m.exec(out);
      if (shell) resolve(Number(shell[1]) * 60 + Number(shell[2]) + Number(shell[3]) * 60 + Number(shell[4]));
    });
    child.once('exit', (code) => reject(new Error(`the burner exited ${String(code)}`)));
  });
  return { pid: child.pid!, ownSeconds, stop: () => child.kill() };
}

describe('cpuSecondsOf', () => {
  it.each(['k6', 'k6) 1 2 (x'])("reads what a live process's own count says it used (named %j)", async (name) => {
    const burning = burner(name);
    try {
      const own = await burning.ownSeconds;
      expect(own).toBeGreaterThan(0.05);
      // Both count in the kernel's 10 ms ticks; it blocks after counting, so they agree.
      expect(Math.abs((cpuSecondsOf(burning.pid) ?? Number.NaN) - own)).toBeLessThanOrEqual(0.02);
    } finally {
      burning.stop();
    }
  });

  it('is undefined for a process that is gone', () => {
    expect(cpuSecondsOf(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('processTreeUsage', () => {
  /** bash that runs a burning subshell (which prints its own CPU), live or waited for, then blocks reading stdin. */
  function parentOf(child: 'live' | 'reaped'): { pid: number; childSeconds: Promise<number>; stop: () => void } {
    const burn = 'for ((i = 0; i < 200000; i++)); do :; done; times';
    const script = child === 'live' ? `( ${burn}; sleep 60 ) & read -r _` : `( ${burn} ) & wait; echo reaped; read -r _`;
    const shell = spawn('/bin/bash', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    const childSeconds = new Promise<number>((resolve, reject) => {
      let out = '';
      shell.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const own = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/m.exec(out);
        if (own && (child === 'live' || out.includes('reaped'))) resolve(Number(own[1]) * 60 + Number(own[2]) + Number(own[3]) * 60 + Number(own[4]));
      });
      shell.once('exit', (code) => reject(new Error(`the parent exited ${String(code)}`)));
    });
    // The whole group: the live subshell and its sleep too.
    return { pid: shell.pid!, childSeconds, stop: () => process.kill(-shell.pid!, 'SIGKILL') };
  }

  it.each(['live', 'reaped'] as const)("counts a %s child's CPU as its parent's, as a container's cgroup does", async (child) => {
    const parent = parentOf(child);
    try {
      const burned = await parent.childSeconds;
      expect(burned).toBeGreaterThan(0.05);
      const usage = processTreeUsage(parent.pid);
      // The parent itself only waits: nearly all of the tree's CPU is the child's.
      expect(usage?.cpuSeconds).toBeGreaterThanOrEqual(burned - 0.02);
      expect(usage?.cpuSeconds).toBeLessThan(burned + 1);
      expect(usage?.rssBytes).toBeGreaterThan(0);
    } finally {
      parent.stop();
    }
  });

  it('is undefined for a process that is gone', () => {
    expect(processTreeUsage(2 ** 22 + 1)).toBeUndefined();
  });
});
