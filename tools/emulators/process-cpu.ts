import { readdirSync, readFileSync } from 'node:fs';

interface Stat {
  ppid: number;
  /** utime + stime, in seconds. */
  own: number;
  /** cutime + cstime: the children it has waited for, in seconds. */
  reaped: number;
}

/** One process's line in /proc (Linux), or undefined once it is gone. */
function statOf(pid: number): Stat | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: count from the last ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const field = (n: number) => Number(fields[n - 3] ?? Number.NaN);
    return { ppid: field(4), own: (field(14) + field(15)) / 100, reaped: (field(16) + field(17)) / 100 };
  } catch {
    return undefined;
  }
}

/**
 * utime + stime of a live process, in seconds (Linux /proc): what the local runs read of their k6
 * processes. It lives with the emulators, which import no other tool, so that an edit to the k6
 * build reaches what runs k6 and not every project that uses moto.
 */
export function cpuSecondsOf(pid: number): number | undefined {
  return statOf(pid)?.own;
}

function rssBytesOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * A process and everything it started, as a container's cgroup counts a task that is one process
 * tree: the CPU of the process, of the children it has waited for and of its live descendants,
 * and the memory its live processes hold. The Fargate stand-in's task is the image's entrypoint,
 * which runs k6 as a child: the entrypoint alone would leave the generator out of its stats.
 */
export function processTreeUsage(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  const root = statOf(pid);
  if (!root) return undefined;
  const stats = new Map<number, Stat>([[pid, root]]);
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const other = Number(entry);
    if (!Number.isInteger(other) || other === pid) continue;
    const stat = statOf(other);
    if (!stat) continue;
    stats.set(other, stat);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), other]);
  }
  let cpuSeconds = 0;
  let rssBytes = 0;
  const queue = [pid];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const stat = stats.get(next);
    if (!stat) continue;
    cpuSeconds += stat.own + stat.reaped;
    rssBytes += rssBytesOf(next);
    queue.push(...(children.get(next) ?? []));
  }
  return { cpuSeconds, rssBytes };
}
