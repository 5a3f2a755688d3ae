import { cpSync, existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * A Python tool from PyPI in a venv of its own under .tools/<name>-venv, installed from a pinned
 * requirements file on first use and again whenever that file changes. Returns the venv's bin/.
 */
export function ensureVenv(name: string, requirements: string): string {
  const root = path.resolve(__dirname, '../..');
  const venv = path.join(root, '.tools', `${name}-venv`);
  const stamp = path.join(venv, '.requirements');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== readFileSync(requirements, 'utf8')) {
    const steps: [string, string[]][] = [
      ['python3', ['-m', 'venv', venv]],
      [path.join(venv, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements]],
    ];
    for (const [command, args] of steps) {
      const result = spawnSync(command, args, { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`installing ${name} failed (${command} ${args.join(' ')}):\n${result.stderr}`);
    }
    cpSync(requirements, stamp);
  }
  return path.join(venv, 'bin');
}
