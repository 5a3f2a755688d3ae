import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** bash's `times`: the shell's own user and system time, then its children's, each as `XmY.YYYs`. */
const TIMES = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/;

/**
 * A command run to its end, with the CPU seconds (user + system) it and every process under it
 * used: the children's times bash reports once the command exits. A process that outlived its
 * parent (a daemon re-parented to init) is not counted, so this is a floor, never more than was used.
 */
export function spawnMeasured(
  command: string,
  args: string[],
  options: Omit<SpawnSyncOptionsWithStringEncoding, 'encoding'> = {},
): SpawnSyncReturns<string> & { cpuSeconds: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-child-cpu-'));
  const times = path.join(dir, 'times');
  try {
    const result = spawnSync('bash', ['-c', '"$@"; status=$?; times > "$RELAY_TIMES_FILE"; exit $status', 'bash', command, ...args], {
      ...options,
      encoding: 'utf8',
      env: { ...(options.env ?? process.env), RELAY_TIMES_FILE: times },
    });
    const children = readFileSync(times, 'utf8').trim().split('\n')[1]?.trim() ?? '';
    const [, um, us, sm, ss] = TIMES.exec(children) ?? [];
    if (um === undefined) throw new Error(`bash's times printed no children's line: ${JSON.stringify(children)}`);
    return Object.assign(result, { cpuSeconds: Number(um) * 60 + Number(us) + Number(sm) * 60 + Number(ss) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
