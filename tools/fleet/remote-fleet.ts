import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FLEET_START_MARGIN_MS, loadgenLaunchParameter, type Environment } from '@relay/platform-config';
import { ASSIGNMENT_VARIABLE, TASK_FILES, type Assignment, type TaskHealthFile } from './assignment';
import { judgeRun, type FleetResult } from './judge';
import { k6RanToEnd } from './segments';
import { readTaskResults } from './task-results';
import type { TaskHealth } from './verdict';

/**
 * The fleet on Fargate, in the target's account and region (the loadgen stack): N RunTask calls,
 * each task given its execution segment and presigned URLs for its own prefix of the run; a
 * start barrier written once every task is RUNNING (Fargate start-up differs by tens of
 * seconds, so nobody starts before the last one is up); then each task's results collected from
 * S3, merged exactly and judged once, as the local fleet does. Every task launched is stopped
 * when anything goes wrong, so a failed run leaves nothing running (or billing).
 */
export interface LaunchConfig {
  cluster: string;
  taskDefinition: string;
  container: string;
  subnets: string[];
  securityGroups: string[];
  bucket: string;
  maxTasks: number;
  cpu: number;
  memoryMb: number;
  /** Every task RUNNING to the barrier, where these tasks run (FLEET_START_MARGIN_MS on Fargate); absent in a parameter written before it existed. */
  startMarginMs?: number;
}

export interface RemoteFleetRun {
  env: Environment;
  clients: { ecs: ECSClient; s3: S3Client; ssm: SSMClient };
  tasks: number;
  script: string;
  k6Env: Record<string, string>;
  /** The env's fleet, where the caller read it already (readLaunchConfig); else read here. */
  launch?: LaunchConfig;
  /** The seeded users file (tokens), uploaded as the run's input; never put in an override. */
  usersFile?: string;
  timeUrl?: string;
  /** The run's WAF admission (admission.ts): where each task reads the secret, and the header. */
  admission?: { parameter: string; header: string };
  reportDir: string;
  latencyMetric: string;
  /** How the target ran (woken, reserved, admitted), for the report's summary. */
  targetConditions?: object;
  /** Margin between every task RUNNING and the barrier opening (default: the launch parameter's, else FLEET_START_MARGIN_MS). */
  startMarginMs?: number;
  /** How long tasks may take to reach RUNNING, and to finish after the barrier. */
  timeouts?: { runningMs?: number; finishMs?: number };
  pollMs?: number;
  /** Presigned URLs' lifetime (default 2 h; bounded by the session that signs them). */
  urlSeconds?: number;
  runId?: string;
  log?: (line: string) => void;
}

export class RemoteFleetError extends Error {}

/** At most this many task ARNs per DescribeTasks call (the API's limit). */
const DESCRIBE_BATCH = 100;
/**
 * DescribeTasks every second until RUNNING (the barrier's margin starts there) and every 2 s until
 * STOPPED: one call per 100 tasks, against ECS's cluster read quota of 20 per second sustained.
 */
const POLL_MS = { running: 1000, stopped: 2000 };

/**
 * The env's applied fleet, refused where it cannot run `tasks`. The orchestrator reads it before
 * it changes anything in the target (admission, wake, reservation): a run that cannot launch
 * leaves the account as it found it.
 */
export async function readLaunchConfig(ssm: SSMClient, env: Environment, tasks: number): Promise<LaunchConfig> {
  const name = loadgenLaunchParameter(env);
  const response = await ssm.send(new GetParameterCommand({ Name: name })).catch((error: unknown) => {
    throw new RemoteFleetError(
      `no fleet in ${env.name}: reading ${name} failed (${error instanceof Error ? error.name : String(error)}); is loadgen-${env.name} applied?`,
    );
  });
  const launch = JSON.parse(response.Parameter?.Value ?? '{}') as LaunchConfig;
  if (tasks > launch.maxTasks) throw new RemoteFleetError(`${tasks} tasks asked; loadgen-${env.name} allows ${launch.maxTasks} (catalogue loadgen.maxTasks)`);
  return launch;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').toLowerCase()}-${randomBytes(3).toString('hex')}`;
}

export async function runRemoteFleet(
  run: RemoteFleetRun,
): Promise<FleetResult & { runId: string; taskArns: string[]; launch: LaunchConfig; secondsPerTask: number[] }> {
  const log = run.log ?? ((line: string) => console.log(line));
  const { ecs, s3, ssm } = run.clients;
  const launch = run.launch ?? (await readLaunchConfig(ssm, run.env, run.tasks));
  const runId = run.runId ?? newRunId();
  const prefix = `runs/${runId}/`;
  const expiresIn = run.urlSeconds ?? 7200;
  const bucket = launch.bucket;
  const get = (key: string) => getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });

  if (run.usersFile) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}inputs/users.json`, Body: readFileSync(run.usersFile) }));
  const users = run.usersFile ? await get(`${prefix}inputs/users.json`) : undefined;
  const start = await get(`${prefix}start.json`);

  const taskArns: string[] = [];
  const stopAll = async (reason: string) => {
    await Promise.all(
      taskArns.map((task) => ecs.send(new StopTaskCommand({ cluster: launch.cluster, task, reason: reason.slice(0, 255) })).catch(() => undefined)),
    );
  };
  try {
    for (let task = 0; task < run.tasks; task++) {
      const taskPrefix = `${prefix}tasks/${task}/`;
      const post = await createPresignedPost(s3, {
        Bucket: bucket,
        Key: `${taskPrefix}\${filename}`,
        Conditions: [
          ['starts-with', '$key', taskPrefix],
          ['content-length-range', 0, 2 * 1024 ** 3],
        ],
        Expires: expiresIn,
      });
      const assignment: Assignment = {
        run: runId,
        task,
        tasks: run.tasks,
        script: run.script,
        k6Env: run.k6Env,
        vcpus: launch.cpu / 1024,
        start,
        upload: { url: post.url, fields: post.fields, prefix: taskPrefix },
        ...(users ? { users } : {}),
        ...(run.timeUrl ? { timeUrl: run.timeUrl } : {}),
        ...(run.admission ? { admission: run.admission } : {}),
      };
      const response = await ecs.send(
        new RunTaskCommand({
          cluster: launch.cluster,
          taskDefinition: launch.taskDefinition,
          count: 1,
          launchType: 'FARGATE',
          startedBy: `fleet-${runId}`.slice(0, 128),
          networkConfiguration: { awsvpcConfiguration: { subnets: launch.subnets, securityGroups: launch.securityGroups, assignPublicIp: 'ENABLED' } },
          overrides: { containerOverrides: [{ name: launch.container, environment: [{ name: ASSIGNMENT_VARIABLE, value: JSON.stringify(assignment) }] }] },
        }),
      );
      const failure = response.failures?.[0];
      const arn = response.tasks?.[0]?.taskArn;
      if (failure || !arn)
        throw new RemoteFleetError(`RunTask for task ${task} failed: ${failure?.reason ?? 'no task'}${failure?.detail ? ` (${failure.detail})` : ''}`);
      taskArns.push(arn);
    }
    log(`run ${runId}: ${run.tasks} task(s) launched in ${launch.cluster}; waiting for every one to be RUNNING`);
    await waitFor(ecs, launch.cluster, taskArns, 'RUNNING', run.timeouts?.runningMs ?? 5 * 60_000, run.pollMs ?? POLL_MS.running);
    const margin = run.startMarginMs ?? launch.startMarginMs ?? FLEET_START_MARGIN_MS;
    const startAt = Date.now() + margin;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}start.json`, Body: JSON.stringify({ startAt }), ContentType: 'application/json' }));
    log(`run ${runId}: every task RUNNING; the barrier opens in ${margin} ms, at ${new Date(startAt).toISOString()}`);
    const stopped = await waitFor(
      ecs,
      launch.cluster,
      taskArns,
      'STOPPED',
      startAt - Date.now() + (run.timeouts?.finishMs ?? 30 * 60_000),
      run.pollMs ?? POLL_MS.stopped,
    );
    const secondsPerTask = stopped.map(secondsRunning);
    const taskSeconds = secondsPerTask.reduce((sum, seconds) => sum + seconds, 0);

    mkdirSync(run.reportDir, { recursive: true });
    const results = [];
    const health: TaskHealth[] = [];
    const broken: string[] = [];
    for (let task = 0; task < run.tasks; task++) {
      const dir = path.join(run.reportDir, `task-${task}`);
      mkdirSync(dir, { recursive: true });
      const files = await collect(s3, bucket, `${prefix}tasks/${task}/`, dir);
      const file = files[TASK_FILES.health];
      if (!file) {
        const ecsTask = stopped.find((t) => t.taskArn === taskArns[task]);
        broken.push(`task ${task} uploaded no results (${ecsTask?.stoppedReason ?? 'stopped'}${exitCodes(ecsTask)})`);
        continue;
      }
      const taskHealth = JSON.parse(file.toString('utf8')) as TaskHealthFile;
      if (!k6RanToEnd(taskHealth.k6Exit)) broken.push(`task ${task}: k6 exited ${taskHealth.k6Exit}`);
      else if (!files[TASK_FILES.summary] || !files[TASK_FILES.samples]) broken.push(`task ${task}: summary or samples missing`);
      else results.push(await readTaskResults(task, path.join(dir, TASK_FILES.samples), path.join(dir, TASK_FILES.summary), run.latencyMetric));
      health.push(healthOf(taskHealth));
    }
    if (broken.length > 0) throw new RemoteFleetError(`run ${runId} is incomplete: ${broken.join('; ')}`);
    const result = judgeRun(run.reportDir, path.basename(run.script, '.ts'), results, health, {
      taskSeconds,
      startAt,
      extra: {
        runId,
        env: run.env.name,
        taskSize: { cpu: launch.cpu, memoryMb: launch.memoryMb },
        ...(run.targetConditions ? { target: run.targetConditions } : {}),
      },
    });
    return { ...result, runId, taskArns, launch, secondsPerTask };
  } catch (error) {
    await stopAll(`fleet run ${runId} failed`);
    throw error;
  }
}

/** Per-second series from a task's stats: CPU share from the barrier on, memory, and network bytes per second. */
export function healthOf(file: TaskHealthFile): TaskHealth {
  const during = file.stats.filter((s) => s.at >= file.startAt);
  const network = during.slice(1).map((s, i) => {
    const previous = during[i] ?? s;
    const seconds = (s.at - previous.at) / 1000;
    return seconds > 0 ? (s.rxBytes + s.txBytes - previous.rxBytes - previous.txBytes) / seconds : 0;
  });
  return {
    task: file.task,
    cpuShares: during.map((s) => s.cpuShare),
    memoryBytes: during.map((s) => s.memoryBytes),
    networkBytesPerSecond: network,
    ...(file.clock && 'offsetMs' in file.clock ? { clockOffsetMs: file.clock.offsetMs } : {}),
  };
}

async function waitFor(ecs: ECSClient, cluster: string, arns: string[], status: 'RUNNING' | 'STOPPED', timeoutMs: number, pollMs: number): Promise<Task[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tasks: Task[] = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
      const response = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + DESCRIBE_BATCH) }));
      tasks.push(...(response.tasks ?? []));
    }
    if (status === 'RUNNING') {
      const gone = tasks.find((t) => t.lastStatus === 'STOPPED');
      if (gone) throw new RemoteFleetError(`task ${gone.taskArn} stopped before the barrier: ${gone.stoppedReason ?? 'no reason given'}${exitCodes(gone)}`);
    }
    if (tasks.length === arns.length && tasks.every((t) => t.lastStatus === status)) return tasks;
    if (Date.now() > deadline) {
      const behind = tasks.filter((t) => t.lastStatus !== status).map((t) => `${t.taskArn?.split('/').pop()} ${t.lastStatus}`);
      throw new RemoteFleetError(`not every task reached ${status} in time: ${behind.join(', ') || 'tasks missing from DescribeTasks'}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function exitCodes(task: Task | undefined): string {
  const codes = (task?.containers ?? []).filter((c) => c.exitCode !== undefined).map((c) => `${c.name} exit ${c.exitCode}`);
  return codes.length ? `; ${codes.join(', ')}` : '';
}

function secondsRunning(task: Task): number {
  const from = task.startedAt ?? task.createdAt;
  const to = task.stoppedAt ?? task.executionStoppedAt;
  return from && to ? Math.max(0, (to.getTime() - from.getTime()) / 1000) : 0;
}

/** Downloads a task's files; a missing one is left out (the caller says which). */
async function collect(s3: S3Client, bucket: string, prefix: string, dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const name of Object.values(TASK_FILES)) {
    try {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${name}` }));
      if (!response.Body) throw new RemoteFleetError(`${prefix}${name} has no body`);
      const body = Buffer.from(await response.Body.transformToByteArray());
      writeFileSync(path.join(dir, name), body);
      files[name] = body;
    } catch (error) {
      if ((error as { name?: string }).name !== 'NoSuchKey') throw error;
    }
  }
  return files;
}
