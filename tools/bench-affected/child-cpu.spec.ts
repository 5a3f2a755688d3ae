import { spawnMeasured } from './child-cpu';

/**
 * Real processes: one that burns CPU, one that only waits, one whose grandchild does the work.
 * A burner spins until it has used `ms` of CPU by its own count, so a busy host slows it, never
 * makes it use less.
 */
const burn = (ms: number) => `const used = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; while (used() < ${ms});`;

it('counts the CPU a command used, not the time it waited', () => {
  const busy = spawnMeasured(process.execPath, ['-e', burn(1200)]);
  expect(busy.status).toBe(0);
  expect(busy.cpuSeconds).toBeGreaterThanOrEqual(1);
  const idle = spawnMeasured('sleep', ['1.2']);
  expect(idle.status).toBe(0);
  expect(idle.cpuSeconds).toBeLessThan(0.5);
});

it("counts the processes the command's own children waited for", () => {
  const nested = `require('node:child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(burn(1200))}])`;
  expect(spawnMeasured(process.execPath, ['-e', nested]).cpuSeconds).toBeGreaterThanOrEqual(1);
});

it("keeps the command's output and exit status", () => {
  const failed = spawnMeasured('bash', ['-c', 'echo out; echo err >&2; exit 3']);
  expect([failed.status, failed.stdout, failed.stderr]).toEqual([3, 'out\n', 'err\n']);
});
