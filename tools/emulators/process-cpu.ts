import { readFileSync } from 'node:fs';

/**
 * utime + stime of a live process, in seconds (Linux /proc): what the Fargate stand-in reports
 * as a task's CPU, and what the local runs read of their k6 processes. It lives with the
 * emulators, which import no other tool, so that an edit to the k6 build reaches what runs k6
 * and not every project that uses moto.
 */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: count from the last ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
