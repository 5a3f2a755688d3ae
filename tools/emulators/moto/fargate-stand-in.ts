import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { processTreeUsage } from '../process-cpu';

/**
 * What Fargate does that moto does not, for rehearsals of the k6 fleet: every task moto holds
 * RUNNING in the cluster gets its container, a local process running the image's entrypoint
 * (the caller names it: the fleet's is tools/fleet/fleet-task-main.ts) with the environment moto recorded for that task (RunTask's
 * override) and the image's layout (K6_BIN, FLEET_SCENARIOS, FLEET_WORK_DIR); when the process
 * exits the task is recorded STOPPED (StopTask), as ECS would. It also plays the ECS agent's
 * task metadata endpoint v4: /task/stats in Docker's documented shape, from the real /proc
 * counters of the task's process tree (the entrypoint and the k6 it runs, as its cgroup would). And Application Auto Scaling's part, which moto records but never
 * applies: a registered ECS target's bounds clamp its service's desired count (moto then
 * reports that many running). Named as a stand-in wherever it is used.
 *
 * In-process (new FargateStandIn(...)) or as a process of its own (a workflow rehearsal blocks
 * the test's process while a step runs):
 *   node --import tsx tools/emulators/moto/fargate-stand-in.ts '<json: endpoint, region, cluster, entrypoint, k6, scenariosDir>'
 */
export interface FargateStandInOptions {
  ecs: ECSClient;
  cluster: string;
  /** The image's entrypoint, a TypeScript file each task process runs. */
  entrypoint: string;
  k6: string;
  scenariosDir: string;
  /** Extra environment for every task process. */
  env?: Record<string, string>;
  /** Where registered ECS targets' bounds are applied to their services (none without it). */
  autoscaling?: ApplicationAutoScalingClient;
  pollMs?: number;
}

const ROOT = path.resolve(__dirname, '../../..');

export class FargateStandIn {
  readonly processes = new Map<string, ChildProcess>();
  metadataUrl = '';
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly previous = new Map<string, { read: string; cpuNs: number }>();

  constructor(private readonly options: FargateStandInOptions) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const id = request.url?.split('/')[1] ?? '';
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.statsOf(id)));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.metadataUrl = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    // One tick at a time: a slow answer must not pile up requests behind it.
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const started = Date.now();
      void this.tick()
        .catch((error: unknown) => process.env['RELAY_STAND_IN_DEBUG'] && console.error(`fargate stand-in: ${String(error)}`))
        .finally(() => {
          busy = false;
          if (process.env['RELAY_STAND_IN_DEBUG']) console.error(`fargate stand-in: tick ${Date.now() - started} ms`);
        });
    }, this.options.pollMs ?? 250);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const child of this.processes.values()) child.kill('SIGKILL');
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async tick(): Promise<void> {
    await this.applyBounds();
    const { ecs, cluster } = this.options;
    const listed = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
    if (!listed.taskArns?.length) return;
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }));
    for (const task of tasks) {
      const arn = task.taskArn ?? '';
      if (!arn || this.processes.has(arn) || task.lastStatus !== 'RUNNING') continue;
      const environment = task.overrides?.containerOverrides?.[0]?.environment ?? [];
      const id = arn.split('/').pop() ?? '';
      const workDir = mkdtempSync(path.join(tmpdir(), `relay-fargate-${id}-`));
      const child = spawn(process.execPath, ['--import', 'tsx', this.options.entrypoint], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          ...this.options.env,
          ...Object.fromEntries(environment.map((e) => [e.name ?? '', e.value ?? ''])),
          K6_BIN: this.options.k6,
          FLEET_SCENARIOS: this.options.scenariosDir,
          FLEET_WORK_DIR: workDir,
          ECS_CONTAINER_METADATA_URI_V4: `${this.metadataUrl}/${id}`,
        },
      });
      this.processes.set(arn, child);
      child.on('exit', (code) => {
        // A task's scratch volume goes with the task, and the run's tokens with it.
        rmSync(workDir, { recursive: true, force: true });
        void ecs.send(new StopTaskCommand({ cluster, task: arn, reason: `Essential container in task exited (${code})` })).catch(() => undefined);
      });
    }
  }

  /** What Application Auto Scaling does with a target's new bounds: the desired count moved inside them. */
  private async applyBounds(): Promise<void> {
    const { autoscaling, ecs } = this.options;
    if (!autoscaling) return;
    const { ScalableTargets = [] } = await autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
    for (const target of ScalableTargets) {
      const [, cluster, service] = (target.ResourceId ?? '').split('/');
      if (!cluster || !service || target.ScalableDimension !== 'ecs:service:DesiredCount') continue;
      const { services = [] } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
      const desired = services[0]?.desiredCount ?? 0;
      const clamped = Math.min(Math.max(desired, target.MinCapacity ?? 0), target.MaxCapacity ?? desired);
      if (clamped !== desired) await ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: clamped }));
    }
  }

  /** /task/stats of one task: its container's CPU and memory (its process tree's, from /proc), null until it runs. */
  private statsOf(id: string): Record<string, unknown> {
    const child = [...this.processes.entries()].find(([arn]) => arn.endsWith(id))?.[1];
    const usage = child?.pid ? processTreeUsage(child.pid) : undefined;
    if (!usage) return { k6: null };
    const read = new Date().toISOString();
    const cpuNs = Math.round(usage.cpuSeconds * 1e9);
    const before = this.previous.get(id) ?? { read: '0001-01-01T00:00:00Z', cpuNs: 0 };
    this.previous.set(id, { read, cpuNs });
    return {
      [`${id}-k6`]: {
        read,
        preread: before.read,
        cpu_stats: { cpu_usage: { total_usage: cpuNs } },
        precpu_stats: { cpu_usage: { total_usage: before.cpuNs } },
        memory_stats: { usage: usage.rssBytes },
        // No per-task network namespace here: the interface counters are not the task's own.
        networks: { eth1: { rx_bytes: 0, tx_bytes: 0 } },
      },
    };
  }
}

if (require.main === module) {
  const config = JSON.parse(process.argv[2] ?? '{}') as {
    endpoint: string;
    region: string;
    cluster: string;
    entrypoint: string;
    k6: string;
    scenariosDir: string;
    env?: Record<string, string>;
  };
  const clientConfig = { endpoint: config.endpoint, region: config.region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const standIn = new FargateStandIn({
    ecs: new ECSClient(clientConfig),
    autoscaling: new ApplicationAutoScalingClient(clientConfig),
    cluster: config.cluster,
    entrypoint: config.entrypoint,
    k6: config.k6,
    scenariosDir: config.scenariosDir,
    env: config.env,
  });
  void standIn.start().then(() => process.stdout.write(`${standIn.metadataUrl}\n`));
  process.on('SIGTERM', () => void standIn.stop().then(() => process.exit(0)));
}
