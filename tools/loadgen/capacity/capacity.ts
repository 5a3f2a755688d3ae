/**
 * npm run bench:loadgen [-- --seconds 5]
 * What one k6 process can generate on one core of this machine, so the fleet's plan can size
 * its tasks: k6 pinned to core 1 (GOMAXPROCS=1), the target (a Node server that answers at
 * once) pinned to core 0, so the target is never the bottleneck. Prints:
 *   - the highest constant arrival rate of HTTP posts it sustains with CPU < 80% and nothing dropped;
 *   - WebSocket connections per GiB of its peak resident memory;
 *   - CPU per 1,000 WebSocket frames received;
 * then what those figures make of every fleet profile on each Fargate task size: tasks, vCPU and
 * the run's estimated cost. Fargate's vCPUs are not this machine's cores: the figures are this machine's, dated, and the
 * plan says so (docs/load-testing.md).
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSecondsOf } from '@relay/emulators';
import { ensureK6, k6Environment, workspaceRoot } from '@relay/k6-process';
import { FLEET_PROFILES, planFleet, type GeneratorCapacity, k6RunSeconds } from '@relay/fleet';
import { estimateFleetCost } from '@relay/fleet-cost';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);
const dir = mkdtempSync(path.join(tmpdir(), 'relay-loadgen-'));
const k6 = ensureK6();

function peakRssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function target(pushPerSecond = 0, pushAfterMs = 0) {
  const child = fork(path.join(__dirname, 'target-server.cjs'), [], {
    env: { ...process.env, PUSH_PER_SECOND: String(pushPerSecond), PUSH_AFTER_MS: String(pushAfterMs) },
    execArgv: [],
  });
  spawn('taskset', ['-pc', '0', String(child.pid)], { stdio: 'ignore' });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  return { port, stop: () => child.kill() };
}

/** One pinned k6 run: its CPU seconds, peak memory and summary. */
async function runK6(script: string, env: Record<string, string>) {
  const out = path.join(dir, `${path.basename(script)}-${Date.now()}.json`);
  const child = spawn(
    'taskset',
    ['-c', '1', k6, 'run', '--quiet', '--no-usage-report', ...Object.entries({ ...env, OUT: out }).flatMap(([k, v]) => ['-e', `${k}=${v}`]), script],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: k6Environment({ GOMAXPROCS: '1' }),
    },
  );
  let cpu = 0;
  let rss = 0;
  const sampler = setInterval(() => {
    cpu = cpuSecondsOf(child.pid ?? -1) ?? cpu;
    rss = Math.max(rss, peakRssMb(child.pid ?? -1));
  }, 200);
  await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  const summary = JSON.parse(readFileSync(out, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
  return { cpu, rss, metrics: summary.metrics };
}

async function main(): Promise<void> {
  const rows: string[] = [];
  // 1. HTTP arrivals per core.
  const http = await target();
  let sustained = 0;
  for (const rate of [250, 500, 1000, 2000, 3000, 4000, 6000, 8000]) {
    const r = await runK6(path.join(__dirname, 'http.js'), {
      RATE: String(rate),
      SECONDS: String(seconds),
      URL: `http://127.0.0.1:${http.port}/v1/artists/a/posts`,
    });
    const dropped = r.metrics['dropped_iterations']?.values['count'] ?? 0;
    const share = r.cpu / seconds;
    rows.push(
      `http  ${String(rate).padStart(5)}/s asked  ${String(r.metrics['iterations']?.values['count'] ?? 0).padStart(6)} done  ${String(dropped).padStart(5)} dropped  CPU ${(share * 100).toFixed(0)}% of a core`,
    );
    if (dropped === 0 && share < 0.8) sustained = rate;
    else break;
  }
  http.stop();
  // 2. WebSocket connections per GiB, and 3. CPU per 1,000 frames received.
  const vus = 1000;
  const pushes = 2000;
  const ws = await target(pushes, 2000);
  const r = await runK6(path.join(__dirname, 'sockets.js'), { VUS: String(vus), SECONDS: String(seconds + 2), URL: `ws://127.0.0.1:${ws.port}` });
  ws.stop();
  const received = r.metrics['received']?.values['count'] ?? 0;
  const perGiB = Math.floor((vus / r.rss) * 1024);
  const cpuPer1000 = received > 0 ? (r.cpu / received) * 1000 : NaN;
  console.log(`bench:loadgen, ${new Date().toISOString().slice(0, 10)}, one k6 process pinned to one core (GOMAXPROCS=1) of this machine`);
  for (const row of rows) console.log(`  ${row}`);
  console.log(`  sustained HTTP arrivals/s per core (CPU < 80%, none dropped): ${sustained}`);
  console.log(`  WebSocket connections: ${vus} held at ${r.rss.toFixed(0)} MB peak RSS = ${perGiB} per GiB`);
  console.log(`  frames received: ${received} for ${r.cpu.toFixed(2)} CPU s = ${cpuPer1000.toFixed(3)} CPU s per 1,000 (includes ${vus} handshakes)`);
  const measured = { httpArrivalsPerCore: sustained, socketsPerGiB: perGiB, cpuSecondsPer1000Frames: Number(cpuPer1000.toFixed(3)) };
  console.log(JSON.stringify(measured));
  printFleets({ ...measured, date: new Date().toISOString().slice(0, 10), machine: 'this run' });
}

/** Fargate sizes a generator task could take (vCPU, GiB): the fleet's is 4 / 8. */
const FARGATE_SIZES = [
  { vcpu: 1, memoryGiB: 2 },
  { vcpu: 2, memoryGiB: 4 },
  { vcpu: 4, memoryGiB: 8 },
  { vcpu: 8, memoryGiB: 16 },
  { vcpu: 16, memoryGiB: 32 },
];

/** What these figures make of each fleet profile on each Fargate size: tasks, vCPU and the run's cost (Seoul, ARM64 On-Demand). */
function printFleets(measured: GeneratorCapacity): void {
  console.log('  fleet per profile and Fargate task size (tasks / vCPU / estimated generator cost of one run):');
  console.log(`  ${'profile'.padEnd(11)}${FARGATE_SIZES.map((s) => `${s.vcpu} vCPU/${s.memoryGiB} GiB`.padStart(22)).join('')}`);
  for (const [name, profile] of Object.entries(FLEET_PROFILES)) {
    const runSeconds = k6RunSeconds(k6, path.join(workspaceRoot, 'loadtests/src', `${profile.scenario}.ts`), { PROFILE: profile.k6Profile });
    const cells = FARGATE_SIZES.map((size) => {
      const plan = planFleet(profile, size, measured);
      const cost = estimateFleetCost('ap-northeast-2', { count: plan.tasks, ...size, architecture: 'ARM64' }, runSeconds);
      return `${plan.tasks} / ${plan.vcpu} / $${cost.usd.toFixed(3)}`.padStart(22);
    });
    console.log(`  ${name.padEnd(11)}${cells.join('')}`);
  }
}

void main();
