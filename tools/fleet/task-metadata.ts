/**
 * A generator task's own CPU, memory and network, from the ECS task metadata endpoint v4
 * (`${ECS_CONTAINER_METADATA_URI_V4}/task/stats`: Docker's ContainerStats per container, each
 * with the previous read beside the current one). Fargate publishes no network metric, and
 * Container Insights bills per metric, so every task samples itself once a second and uploads the
 * series with its results; the verdict and the report read them like a local task's /proc samples.
 */
export interface ContainerStats {
  read: string;
  preread: string;
  cpu_stats: { cpu_usage: { total_usage: number } };
  precpu_stats: { cpu_usage: { total_usage: number } };
  memory_stats?: { usage?: number; limit?: number };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

export interface StatsSample {
  /** Epoch ms of the read. */
  at: number;
  /** CPU used since the previous read, as a share of the task's vCPUs (0-1). */
  cpuShare: number;
  memoryBytes: number;
  /** Bytes received and sent since the task started (all interfaces). */
  rxBytes: number;
  txBytes: number;
}

export class TaskStatsError extends Error {}

/**
 * One sample from a /task/stats response: CPU is the containers' usage between `preread` and
 * `read` (nanoseconds of CPU over nanoseconds of wall time) over the task's vCPUs. A container
 * still starting reports null; a response with no container at all is an error.
 */
export function statsSample(response: Record<string, ContainerStats | null>, vcpus: number): StatsSample {
  const containers = Object.values(response).filter((c): c is ContainerStats => c !== null && typeof c === 'object' && 'cpu_stats' in c);
  if (containers.length === 0) throw new TaskStatsError('the task stats hold no running container yet');
  let cpuNs = 0;
  let wallNs = 0;
  let memoryBytes = 0;
  let rxBytes = 0;
  let txBytes = 0;
  let at = 0;
  for (const c of containers) {
    const read = Date.parse(c.read);
    const preread = Date.parse(c.preread);
    if (!Number.isFinite(read)) throw new TaskStatsError(`unreadable stats time "${c.read}"`);
    at = Math.max(at, read);
    // The first read of a container has no previous one (preread is the zero time).
    if (Number.isFinite(preread) && preread > 0 && read > preread) {
      cpuNs += Math.max(0, c.cpu_stats.cpu_usage.total_usage - c.precpu_stats.cpu_usage.total_usage);
      wallNs = Math.max(wallNs, nanosecondsBetween(c.preread, c.read));
    }
    memoryBytes += c.memory_stats?.usage ?? 0;
    for (const network of Object.values(c.networks ?? {})) {
      rxBytes += network.rx_bytes;
      txBytes += network.tx_bytes;
    }
  }
  const cpuShare = wallNs > 0 ? cpuNs / wallNs / vcpus : 0;
  return { at, cpuShare, memoryBytes, rxBytes, txBytes };
}

/** Docker's times carry nanoseconds, which Date.parse drops: keep them, a 1 s window is short. */
function nanosecondsBetween(from: string, to: string): number {
  const ns = (t: string) => {
    const fraction = /\.(\d+)Z$/.exec(t)?.[1] ?? '0';
    return BigInt(Date.parse(t.replace(/\.\d+Z$/, 'Z'))) * 1_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9));
  };
  return Number(ns(to) - ns(from));
}

/**
 * Samples `${ECS_CONTAINER_METADATA_URI_V4}/task/stats` every `intervalMs` until stopped.
 * A failed read is counted, never fatal: the test must not stop because a sample was missed,
 * and the report says how many were.
 */
export class TaskStatsSampler {
  readonly samples: StatsSample[] = [];
  missed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly metadataUri: string,
    private readonly vcpus: number,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    const tick = async () => {
      try {
        const response = await fetch(`${this.metadataUri}/task/stats`, { signal: AbortSignal.timeout(this.intervalMs) });
        if (!response.ok) throw new TaskStatsError(`task stats answered ${response.status}`);
        this.samples.push(statsSample((await response.json()) as Record<string, ContainerStats | null>, this.vcpus));
      } catch {
        this.missed++;
      }
    };
    this.timer = setInterval(() => void tick(), this.intervalMs);
    void tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** CPU shares of the samples taken from `fromMs` on (the test, not start-up or the barrier wait). */
  cpuSharesFrom(fromMs: number): number[] {
    return this.samples.filter((s) => s.at >= fromMs).map((s) => s.cpuShare);
  }
}
