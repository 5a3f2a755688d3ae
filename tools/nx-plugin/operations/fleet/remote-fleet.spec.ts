import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { loadgenLaunchParameter, loadgenResultsBucket, resolveEnvironment } from '@relay/platform-config';
import { motoCliEnv, startMoto, type MotoServer } from '../../../moto/moto-server';
import { synthesizeStacks } from '../../../synthesized-stacks';
import { cpuSecondsOf, ensureK6, workspaceRoot } from '../k6/k6-process';
import { ASSIGNMENT_VARIABLE, parseAssignment, type Assignment } from './assignment';
import { runRemoteFleet, type LaunchConfig } from './remote-fleet';

/**
 * The Fargate fleet rehearsed: the orchestrator's every AWS call (SSM, S3, ECS RunTask,
 * DescribeTasks, StopTask) goes to moto's server, and what ECS would do with a RUNNING task,
 * run the image's entrypoint with the task's overrides, is done here by a stand-in that starts
 * fleet-task-main.ts as a local process with the environment moto recorded for that task, and
 * records the task STOPPED (StopTask) when the process exits. The stand-in also plays the ECS
 * agent's task metadata endpoint: Docker-shaped stats (the documented /task/stats format) built
 * from the task process's real /proc counters. moto runs no container and has no metadata
 * endpoint; both stand-ins are named here, and nothing else is.
 */
jest.setTimeout(300_000);

const stag = resolveEnvironment('stag');
const K6 = ensureK6();
const FIXTURES = path.join(__dirname, 'fixtures');
const RAMP = path.join(FIXTURES, 'ramp.js');
let moto: MotoServer;
let ecs: ECSClient;
let s3: S3Client;
let ssm: SSMClient;
let metadata: Server;
let metadataUrl: string;
let clock: Server;
let clockUrl: string;
const processes = new Map<string, ChildProcess>();

const awsEnv = () => motoCliEnv(moto, stag.region);

/** The aws CLI from moto's venv, for the network the loadgen stack would have created (no EC2 SDK client here). */
function aws(...args: string[]): Record<string, unknown> {
  const result = spawnSync('aws', [...args, '--output', 'json'], { encoding: 'utf8', env: awsEnv() });
  if (result.status !== 0) throw new Error(`aws ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout || 'null') as Record<string, unknown>;
}

/** The launch parameter as loadgen-stag writes it, with moto's ids for the references terraform would resolve. */
async function deployFleet(): Promise<LaunchConfig> {
  const synthesized = synthesizeStacks({ RELAY_ENVS: 'stag', RELAY_COMPONENTS: 'loadgen' })['loadgen-stag']!;
  const parameter = Object.values(synthesized.resource['aws_ssm_parameter']!).find((p) => p['name'] === loadgenLaunchParameter(stag))!;
  const written = JSON.parse(String(parameter['value'])) as Record<string, unknown>;
  const vpc = (aws('ec2', 'create-vpc', '--cidr-block', '10.41.0.0/16')['Vpc'] as { VpcId: string }).VpcId;
  // As Network creates it (and moto needs it to name an awsvpc task's interface).
  aws('ec2', 'modify-vpc-attribute', '--vpc-id', vpc, '--enable-dns-hostnames', '{"Value":true}');
  const subnet = (aws('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', '10.41.0.0/20')['Subnet'] as { SubnetId: string }).SubnetId;
  const group = aws('ec2', 'create-security-group', '--group-name', 'relay-stag-loadgen-task', '--description', 'fleet', '--vpc-id', vpc)['GroupId'] as string;
  const cluster = (aws('ecs', 'create-cluster', '--cluster-name', 'relay-stag-loadgen')['cluster'] as { clusterArn: string }).clusterArn;
  const task = Object.values(synthesized.resource['aws_ecs_task_definition']!)[0]!;
  aws(
    'ecs',
    'register-task-definition',
    '--family',
    String(task['family']),
    '--network-mode',
    'awsvpc',
    '--requires-compatibilities',
    'FARGATE',
    '--cpu',
    String(task['cpu']),
    '--memory',
    String(task['memory']),
    '--container-definitions',
    // moto adds up container-level memory for RunTask even on Fargate, where AWS takes the task's.
    JSON.stringify([{ name: 'k6', image: 'k6', essential: true, memory: Number(task['memory']) }]),
  );
  const bucket = loadgenResultsBucket(stag);
  aws('s3api', 'create-bucket', '--bucket', bucket, '--create-bucket-configuration', `LocationConstraint=${stag.region}`);
  const launch: LaunchConfig = {
    cluster,
    taskDefinition: String(task['family']),
    container: String(written['container']),
    subnets: [subnet],
    securityGroups: [group],
    bucket,
    maxTasks: Number(written['maxTasks']),
    cpu: Number(written['cpu']),
    memoryMb: Number(written['memoryMb']),
  };
  // What the orchestrator reads is what the stack writes: the same keys, nothing more, nothing less.
  expect(Object.keys(launch).sort()).toEqual(
    Object.keys(written)
      .filter((k) => k !== 'taskRoleArn')
      .sort(),
  );
  await ssm.send(
    new PutParameterCommand({
      Name: loadgenLaunchParameter(stag),
      Type: 'String',
      Value: JSON.stringify({ ...launch, taskRoleArn: 'arn:aws:iam::222222222222:role/relay-stag-loadgen-task' }),
    }),
  );
  return launch;
}

/** ECS's part: every RUNNING task moto holds gets its container, a local process; its exit stops the task. */
function startFargateStandIn(cluster: string, options: { k6?: string } = {}): () => void {
  let stopped = false;
  const tick = async () => {
    const listed = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
    if (!listed.taskArns?.length) return;
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }));
    for (const task of tasks) {
      if (processes.has(task.taskArn!) || task.lastStatus !== 'RUNNING') continue;
      const environment = task.overrides?.containerOverrides?.[0]?.environment ?? [];
      const id = task.taskArn!.split('/').pop()!;
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fleet-task-main.ts')], {
        cwd: workspaceRoot,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          ...Object.fromEntries(environment.map((e) => [e.name!, e.value!])),
          K6_BIN: options.k6 ?? K6,
          FLEET_SCENARIOS: FIXTURES,
          FLEET_WORK_DIR: mkdtempSync(path.join(tmpdir(), `relay-fargate-${id}-`)),
          ECS_CONTAINER_METADATA_URI_V4: `${metadataUrl}/${id}`,
        },
      });
      processes.set(task.taskArn!, child);
      child.on('exit', (code) => {
        void ecs.send(new StopTaskCommand({ cluster, task: task.taskArn!, reason: `Essential container in task exited (${code})` }));
      });
    }
  };
  const timer = setInterval(() => {
    if (!stopped) void tick().catch(() => undefined);
  }, 250);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** The ECS agent's /task/stats, Docker-shaped, from the task process's real CPU and memory counters. */
function startMetadataStandIn(): Promise<void> {
  const previous = new Map<string, { read: string; cpuNs: number }>();
  metadata = createServer((request, response) => {
    const id = request.url?.split('/')[1] ?? '';
    const child = [...processes.entries()].find(([arn]) => arn.endsWith(id))?.[1];
    const cpuSeconds = child?.pid ? cpuSecondsOf(child.pid) : undefined;
    if (!child?.pid || cpuSeconds === undefined) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ k6: null }));
      return;
    }
    const read = new Date().toISOString();
    const cpuNs = Math.round(cpuSeconds * 1e9);
    const before = previous.get(id) ?? { read: '0001-01-01T00:00:00Z', cpuNs: 0 };
    previous.set(id, { read, cpuNs });
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    const stats = {
      read,
      preread: before.read,
      cpu_stats: { cpu_usage: { total_usage: cpuNs }, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: before.cpuNs } },
      memory_stats: { usage: rss },
      networks: { eth1: { rx_bytes: 1000 * processes.size, tx_bytes: 500 } },
    };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ [`${id}-k6`]: stats }));
  });
  return new Promise((resolve) =>
    metadata.listen(0, '127.0.0.1', () => {
      const address = metadata.address() as { port: number };
      metadataUrl = `http://127.0.0.1:${address.port}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  moto = await startMoto(stag.region, { account: stag.accountId });
  ecs = new ECSClient(moto.clientConfig);
  s3 = new S3Client(moto.clientConfig);
  ssm = new SSMClient(moto.clientConfig);
  await startMetadataStandIn();
  clock = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ now: Date.now() })));
  await new Promise<void>((resolve) => clock.listen(0, '127.0.0.1', resolve));
  clockUrl = `http://127.0.0.1:${(clock.address() as { port: number }).port}/health/time`;
});

beforeEach(async () => {
  await moto.reset();
  // moto starts tasks RUNNING and moves them on at every describe; a real task stays RUNNING until it stops.
  await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
  });
});

afterAll(async () => {
  for (const child of processes.values()) child.kill('SIGKILL');
  metadata?.close();
  clock?.close();
  await moto?.stop();
});

async function describeAll(cluster: string, arns: string[]): Promise<Task[]> {
  return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
}

describe('the fleet on Fargate, rehearsed (ECS, S3 and SSM on moto)', () => {
  it('launches one task per segment, opens the barrier once all run, and merges their uploads into one exact run', async () => {
    const launch = await deployFleet();
    const stopStandIn = startFargateStandIn(launch.cluster);
    const reportDir = mkdtempSync(path.join(tmpdir(), 'relay-remote-fleet-'));
    const result = await runRemoteFleet({
      env: stag,
      clients: { ecs, s3, ssm },
      tasks: 3,
      script: RAMP,
      k6Env: { PROFILE: 'smoke' },
      timeUrl: clockUrl,
      reportDir,
      latencyMetric: 'iteration_duration',
      startMarginMs: 4000,
      pollMs: 300,
      log: () => undefined,
    }).finally(stopStandIn);

    // RunTask as the loadgen stack's task definition expects it: Fargate, public IP on the
    // fleet's subnets and security group, the assignment in the k6 container's override.
    const tasks = await describeAll(launch.cluster, result.taskArns);
    expect(tasks).toHaveLength(3);
    const assignments: Assignment[] = [];
    for (const task of tasks) {
      expect(task).toMatchObject({ launchType: 'FARGATE', startedBy: `fleet-${result.runId}`, lastStatus: 'STOPPED' });
      expect(task.taskDefinitionArn).toContain(`task-definition/${launch.taskDefinition}:`);
      const [override] = task.overrides?.containerOverrides ?? [];
      expect(override?.name).toBe('k6');
      const variable = override?.environment?.find((e) => e.name === ASSIGNMENT_VARIABLE);
      assignments.push(parseAssignment(variable?.value));
    }
    // Each task may write only its own prefix of this run (the POST policy S3 enforces).
    for (const a of assignments.sort((x, y) => x.task - y.task)) {
      const policy = JSON.parse(Buffer.from(a.upload.fields['Policy']!, 'base64').toString('utf8')) as { conditions: unknown[] };
      expect(policy.conditions).toContainEqual(['starts-with', '$key', `runs/${result.runId}/tasks/${a.task}/`]);
      expect(a.upload.prefix).toBe(`runs/${result.runId}/tasks/${a.task}/`);
      expect(a.vcpus).toBe(launch.cpu / 1024);
    }
    expect(assignments.map((a) => a.task)).toEqual([0, 1, 2]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: launch.bucket, Prefix: `runs/${result.runId}/` }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
      [
        `runs/${result.runId}/start.json`,
        ...[0, 1, 2].flatMap((i) => ['health.json', 'samples.csv.gz', 'summary.json'].map((f) => `runs/${result.runId}/tasks/${i}/${f}`)),
      ].sort(),
    );

    // The three shares are the one schedule: every iteration number once.
    const numbers: number[] = [];
    for (let task = 0; task < 3; task++) {
      const csv = gunzipSync(readFileSync(path.join(reportDir, `task-${task}`, 'samples.csv.gz'))).toString('utf8');
      for (const line of csv.split('\n')) if (line.startsWith('iteration_number,')) numbers.push(Number(line.split(',')[2]));
    }
    numbers.sort((a, b) => a - b);
    expect(numbers.length).toBeGreaterThan(30);
    expect(numbers).toEqual(numbers.map((_, i) => i));
    expect(result.merged.counters['iterations']).toBe(numbers.length);

    // Health from the stats each task sampled, and the clock each measured (same machine: ~0).
    expect(result.health).toHaveLength(3);
    for (const h of result.health) {
      expect(h.cpuShares.length).toBeGreaterThan(0);
      expect(h.memoryBytes?.every((b) => b > 0)).toBe(true);
      expect(Math.abs(h.clockOffsetMs ?? NaN)).toBeLessThan(50);
    }
    expect(result.clock?.worstOffsetMs).toBeGreaterThanOrEqual(0);
    const summary = JSON.parse(readFileSync(path.join(reportDir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ runId: result.runId, env: 'stag', taskSize: { cpu: launch.cpu, memoryMb: launch.memoryMb } });
    expect(readFileSync(path.join(reportDir, 'report.html'), 'utf8')).toContain('memory per task');
  });

  it('stops every task it launched when one fails, and names the one that did', async () => {
    const launch = await deployFleet();
    // A k6 that cannot run: the task reports its exit and the run is refused, not judged.
    const stopStandIn = startFargateStandIn(launch.cluster, { k6: '/bin/false' });
    const launched: string[] = [];
    await expect(
      runRemoteFleet({
        env: stag,
        clients: { ecs, s3, ssm },
        tasks: 2,
        script: RAMP,
        k6Env: {},
        reportDir: mkdtempSync(path.join(tmpdir(), 'relay-remote-fleet-fail-')),
        latencyMetric: 'iteration_duration',
        startMarginMs: 500,
        pollMs: 300,
        log: (line) => launched.push(line),
      }).finally(stopStandIn),
    ).rejects.toThrow(/incomplete: task 0: k6 exited 1; task 1: k6 exited 1/);
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: launch.cluster, desiredStatus: 'RUNNING' }));
    expect(taskArns).toEqual([]);

    // More tasks than the stack allows are refused before anything starts.
    await expect(
      runRemoteFleet({ env: stag, clients: { ecs, s3, ssm }, tasks: launch.maxTasks + 1, script: RAMP, k6Env: {}, reportDir: tmpdir(), latencyMetric: 'x' }),
    ).rejects.toThrow(`allows ${launch.maxTasks}`);
  });

  it('refuses an assignment it cannot trust, with what is wrong', () => {
    expect(() => parseAssignment(undefined)).toThrow(/FLEET_ASSIGNMENT is not set/);
    expect(() => parseAssignment('{')).toThrow(/not JSON/);
    expect(() => parseAssignment(JSON.stringify({ run: 'Bad Run', task: 3, tasks: 2 }))).toThrow(/FLEET_ASSIGNMENT is invalid: run: .*start/);
  });
});
