import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { FLEET_ADMISSION_HEADER, FLEET_START_MARGIN_MS, fleetAdmissionSecret, loadgenLaunchParameter, resolveEnvironment } from '@relay/platform-config';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { awsCli, FargateStandIn, holdEcsTasksRunning, motoCliEnv, startMoto, type MotoServer, synthesizeStacks } from '@relay/emulators';
import { FLEET_TASK_ENTRYPOINT } from './fleet-task';
import { seedLoadgenInMoto } from './loadgen-in-moto';
import { ensureK6 } from '@relay/k6-process';
import { ASSIGNMENT_VARIABLE, parseAssignment, type Assignment } from './assignment';
import { runRemoteFleet, type LaunchConfig } from './remote-fleet';

/**
 * The Fargate fleet rehearsed: the orchestrator's every AWS call (SSM, S3, ECS RunTask,
 * DescribeTasks, StopTask) goes to moto's server, and what ECS would do with a RUNNING task
 * (run the image's entrypoint with the task's overrides, serve its metadata endpoint, record it
 * STOPPED when it exits) is done by the Fargate stand-in (tools/emulators/moto/fargate-stand-in.ts): moto
 * runs no container and has no metadata endpoint. Nothing else stands in.
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
let clock: Server;
let clockUrl: string;
const standIns: FargateStandIn[] = [];
/** The admission header on each request the target's clock route saw. */
const clockHeaders: (string | undefined)[] = [];

const awsEnv = () => motoCliEnv(moto, stag.region);

/** The aws CLI from moto's venv, for what the loadgen stack would have created (no EC2 SDK client here). */
const aws = awsCli(awsEnv);

/** The loadgen stack as applied (in moto), and what the orchestrator reads of it is what the stack writes. */
function deployFleet(options: { startMarginMs?: number } = {}): LaunchConfig {
  const launch = seedLoadgenInMoto(aws, { ...stag, loadgen: stag.loadgen! }, options);
  const synthesized = synthesizeStacks({ RELAY_ENVS: 'stag', RELAY_COMPONENTS: 'loadgen' })['loadgen-stag']!;
  const parameter = Object.values(synthesized.resource['aws_ssm_parameter']!).find((p) => p['name'] === loadgenLaunchParameter(stag))!;
  const written = JSON.parse(String(parameter['value'])) as Record<string, unknown>;
  expect(Object.keys(launch).sort()).toEqual(
    Object.keys(written)
      .filter((k) => k !== 'taskRoleArn')
      .sort(),
  );
  return launch;
}

/** ECS's part, played by the stand-in (tools/emulators/moto/fargate-stand-in.ts). */
async function startFargateStandIn(cluster: string, options: { k6?: string } = {}): Promise<() => Promise<void>> {
  // The task's own AWS calls (its admission secret, with its role) go to moto too.
  const standIn = new FargateStandIn({
    ecs,
    cluster,
    entrypoint: FLEET_TASK_ENTRYPOINT,
    k6: options.k6 ?? K6,
    scenariosDir: FIXTURES,
    env: motoCliEnv(moto, stag.region) as Record<string, string>,
  });
  await standIn.start();
  standIns.push(standIn);
  return () => standIn.stop();
}

beforeAll(async () => {
  moto = await startMoto(stag.region, { account: stag.accountId });
  ecs = new ECSClient(moto.clientConfig);
  s3 = new S3Client(moto.clientConfig);
  ssm = new SSMClient(moto.clientConfig);
  clock = createServer((request, response) => {
    clockHeaders.push(request.headers[FLEET_ADMISSION_HEADER] as string | undefined);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ now: Date.now() }));
  });
  await new Promise<void>((resolve) => clock.listen(0, '127.0.0.1', resolve));
  clockUrl = `http://127.0.0.1:${(clock.address() as { port: number }).port}/health/time`;
});

beforeEach(async () => {
  await moto.reset();
  await holdEcsTasksRunning(moto);
});

afterAll(async () => {
  for (const standIn of standIns) await standIn.stop();
  clock?.close();
  await moto?.stop();
});

async function describeAll(cluster: string, arns: string[]): Promise<Task[]> {
  return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
}

describe('the fleet on Fargate, rehearsed (ECS, S3 and SSM on moto)', () => {
  it('launches one task per segment, opens the barrier once all run, and merges their uploads into one exact run', async () => {
    // The stand-in's tasks are local processes: the launch parameter gives their margin, not Fargate's.
    const launch = deployFleet({ startMarginMs: 4000 });
    const stopStandIn = await startFargateStandIn(launch.cluster);
    const reportDir = mkdtempSync(path.join(tmpdir(), 'relay-remote-fleet-'));
    // The run's admission, as admitFleet leaves it (admission.ts; wake-admission.spec.ts).
    const admission = { parameter: fleetAdmissionSecret(stag), header: FLEET_ADMISSION_HEADER };
    await ssm.send(new PutParameterCommand({ Name: admission.parameter, Type: 'SecureString', Value: 'run-secret-0123', Overwrite: true }));
    clockHeaders.length = 0;
    const lines: string[] = [];
    const result = await runRemoteFleet({
      env: stag,
      clients: { ecs, s3, ssm },
      tasks: 3,
      script: RAMP,
      k6Env: { PROFILE: 'smoke', TARGET_URL: clockUrl },
      admission,
      targetConditions: { admission: 'rate-rule-exempt' },
      timeUrl: clockUrl,
      reportDir,
      latencyMetric: 'iteration_duration',
      pollMs: 300,
      log: (line) => lines.push(line),
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
    // The barrier opened the launch parameter's margin after every task ran, not Fargate's.
    expect(FLEET_START_MARGIN_MS).not.toBe(4000);
    expect(lines).toContainEqual(expect.stringMatching(/every task RUNNING; the barrier opens in 4000 ms, at /));
    // Each task read the secret with its own role and sent it, from its clock check and from
    // k6; it is in no override (DescribeTasks shows those), only where to read it.
    for (const a of assignments) expect(a.admission).toEqual(admission);
    expect(JSON.stringify(tasks)).not.toContain('run-secret-0123');
    expect(clockHeaders.length).toBeGreaterThanOrEqual(3 * 9 + 3);
    expect(new Set(clockHeaders)).toEqual(new Set(['run-secret-0123']));
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
    expect(summary).toMatchObject({
      runId: result.runId,
      env: 'stag',
      taskSize: { cpu: launch.cpu, memoryMb: launch.memoryMb },
      target: { admission: 'rate-rule-exempt' },
    });
    expect(readFileSync(path.join(reportDir, 'report.html'), 'utf8')).toContain('memory per task');
  });

  it('stops every task it launched when one fails, and names the one that did', async () => {
    const launch = deployFleet();
    // A k6 that cannot run: the task reports its exit and the run is refused, not judged.
    const stopStandIn = await startFargateStandIn(launch.cluster, { k6: '/bin/false' });
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
