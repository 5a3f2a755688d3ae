import { createServer } from 'node:http';
import { measureClockOffset } from './clock-offset';
import { statsSample, TaskStatsError, type ContainerStats } from './task-metadata';

/**
 * A /task/stats response in the shape the ECS task metadata endpoint v4 documents (Docker's
 * ContainerStats per container, keyed by container id; a container not yet running is null).
 * Written here from that documented format, not recorded from a live task: no Fargate task runs
 * on this machine. The rehearsal (remote-fleet.spec.ts) feeds the sampler the same shape from a
 * live process's /proc counters.
 */
function container(read: string, preread: string, cpu: number, precpu: number, extra: Partial<ContainerStats> = {}): ContainerStats {
  return {
    read,
    preread,
    cpu_stats: { cpu_usage: { total_usage: cpu } },
    precpu_stats: { cpu_usage: { total_usage: precpu } },
    memory_stats: { usage: 300 * 2 ** 20, limit: 8 * 2 ** 30 },
    networks: { eth1: { rx_bytes: 1_000_000, tx_bytes: 250_000 } },
    ...extra,
  };
}

describe('task metadata stats', () => {
  it("gives the task's CPU as a share of its vCPUs over the read's own window, with memory and network summed", () => {
    // 3.2 CPU-seconds in 1.000000500 s on a 4 vCPU task: 80%.
    const sample = statsSample(
      {
        a1: container('2026-12-05T01:00:01.000000600Z', '2026-12-05T01:00:00.000000100Z', 13_200_000_000, 10_000_000_000),
        b2: container('2026-12-05T01:00:01.000000600Z', '2026-12-05T01:00:00.000000100Z', 5, 5, { networks: { eth1: { rx_bytes: 10, tx_bytes: 20 } } }),
        starting: null,
      },
      4,
    );
    expect(sample.cpuShare).toBeCloseTo(3.2 / 1.0000005 / 4, 6);
    expect(sample.at).toBe(Date.parse('2026-12-05T01:00:01.000Z'));
    expect(sample.memoryBytes).toBe(2 * 300 * 2 ** 20);
    expect([sample.rxBytes, sample.txBytes]).toEqual([1_000_010, 250_020]);
  });

  it("counts no CPU for a container's first read (no previous one) and refuses a response without any container", () => {
    expect(statsSample({ a: container('2026-12-05T01:00:01Z', '0001-01-01T00:00:00Z', 9e9, 0) }, 4).cpuShare).toBe(0);
    expect(() => statsSample({ a: null }, 4)).toThrow(TaskStatsError);
    expect(() => statsSample({ a: container('not a time', '0001-01-01T00:00:00Z', 1, 0) }, 4)).toThrow(/unreadable stats time/);
  });
});

describe('clock offset', () => {
  it('finds a clock 40 ms behind from round trips to a real server, within the stated uncertainty', async () => {
    const server = createServer((_q, s) => s.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ now: Date.now() })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health/time`;
    try {
      const same = await measureClockOffset(url, { roundTrips: 5 });
      expect(Math.abs(same.offsetMs)).toBeLessThanOrEqual(same.uncertaintyMs + 1);
      const behind = await measureClockOffset(url, { roundTrips: 5, now: () => Date.now() - 40 });
      expect(Math.abs(behind.offsetMs - 40)).toBeLessThanOrEqual(behind.uncertaintyMs + 1);
      // Measured on the wall clock, as the latencies are: a monotonic clock drifted from it (as
      // performance.timeOrigin does in a long-lived process) must not read as an offset.
      const origin = performance.timeOrigin;
      Object.defineProperty(performance, 'timeOrigin', { value: origin + 450, configurable: true });
      try {
        const drifted = await measureClockOffset(url, { roundTrips: 5 });
        expect(Math.abs(drifted.offsetMs)).toBeLessThanOrEqual(drifted.uncertaintyMs + 1);
      } finally {
        Object.defineProperty(performance, 'timeOrigin', { value: origin, configurable: true });
      }
    } finally {
      server.close();
    }
    await expect(measureClockOffset('http://127.0.0.1:9/health/time', { roundTrips: 2 })).rejects.toThrow(/no usable round trip/);
  });
});
