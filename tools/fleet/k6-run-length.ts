import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * How long a scenario's profile runs, from k6 itself (`k6 inspect --execution-requirements`: the
 * scenarios' longest path, graceful stops included), so a run's length and cost cannot drift
 * from the profile.
 */
/** k6's "3m10s"-style durations, in seconds. */
export function parseK6Duration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a k6 duration: "${text}"`);
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * (unit[u ?? ''] ?? NaN), 0);
}

/**
 * The longest a scenario's profile runs, as k6 plans it. The scenario is evaluated as a task
 * would (it opens its users file at init), so a throwaway file stands in for the seeded users.
 */
export function k6RunSeconds(k6: string, script: string, env: Record<string, string>): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-k6-inspect-'));
  try {
    const users = path.join(dir, 'users.json');
    const stand = { userId: 'inspect', token: 'inspect' };
    writeFileSync(users, JSON.stringify({ artist: stand, artists: [stand], followers: [stand] }));
    const variables = { WS_URL: 'ws://127.0.0.1:9', BROADCAST_URL: 'http://127.0.0.1:9', USERS_FILE: users, ...env };
    const result = spawnSync(k6, ['inspect', '--execution-requirements', ...Object.entries(variables).flatMap(([k, v]) => ['-e', `${k}=${v}`]), script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`k6 inspect ${path.basename(script)} failed: ${(result.stderr || result.stdout).trim().slice(-500)}`);
    const { totalDuration } = JSON.parse(result.stdout) as { totalDuration?: string };
    if (!totalDuration) throw new Error(`k6 inspect ${path.basename(script)} gave no totalDuration`);
    return parseK6Duration(totalDuration);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
