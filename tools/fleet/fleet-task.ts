import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { k6Environment } from '@relay/k6-process';
import { TASK_FILES, type Assignment, type TaskHealthFile } from './assignment';
import { measureClockOffset } from './clock-offset';
import { executionSegments, k6RunArgs } from './segments';
import { TaskStatsSampler } from './task-metadata';

/**
 * One generator task, as it runs in its container: sample its own stats, fetch the run's inputs,
 * measure its clock against the target, wait at the barrier (start.json appears once every task
 * of the run is RUNNING), run its execution segment of the test with k6, then upload its
 * summary, every sample and its health by the presigned POST it was given. The same code runs
 * on Fargate and in the rehearsal (remote-fleet.spec.ts), where ECS is moto and the task a local
 * process.
 */
/** The fleet image's entrypoint (loadtests/Dockerfile runs its bundle; the Fargate stand-in runs it with tsx). */
export const FLEET_TASK_ENTRYPOINT = path.join(__dirname, 'fleet-task-main.ts');

export interface FleetTaskOptions {
  k6: string;
  /** Where the scenarios are (loadtests/src in the image). */
  scenariosDir: string;
  workDir: string;
  /** ECS_CONTAINER_METADATA_URI_V4; without it (not on ECS) no stats are sampled. */
  metadataUri?: string;
  /** How long to wait for start.json before giving up (default 15 min). */
  barrierTimeoutMs?: number;
  pollMs?: number;
  log?: (line: string) => void;
}

export class FleetTaskError extends Error {}

export async function runFleetTask(assignment: Assignment, options: FleetTaskOptions): Promise<TaskHealthFile> {
  const log = options.log ?? ((line: string) => console.error(`[task ${assignment.task}] ${line}`));
  mkdirSync(options.workDir, { recursive: true });
  const sampler = options.metadataUri ? new TaskStatsSampler(options.metadataUri, assignment.vcpus) : undefined;
  sampler?.start();
  try {
    const k6Env = { ...assignment.k6Env };
    if (assignment.users) {
      const usersFile = path.join(options.workDir, 'users.json');
      writeFileSync(usersFile, Buffer.from(await fetchOk(assignment.users, 'the run’s users file')));
      k6Env['USERS_FILE'] = usersFile;
    }
    // The admission secret reaches k6 through its process environment (k6 reads it as __ENV),
    // never its arguments or the RunTask override, which DescribeTasks shows.
    const admission = assignment.admission ? await readAdmission(assignment.admission) : undefined;
    const admissionHeaders = admission ? { [admission.header]: admission.secret } : {};
    let clock: TaskHealthFile['clock'] = null;
    if (assignment.timeUrl) {
      clock = await measureClockOffset(assignment.timeUrl, { headers: admissionHeaders }).catch((error: unknown) => ({
        error: error instanceof Error ? error.message : String(error),
      }));
    }
    const startAt = await waitForStart(assignment.start, options.barrierTimeoutMs ?? 15 * 60_000, options.pollMs ?? 500);
    log(`barrier at ${new Date(startAt).toISOString()} (${startAt - Date.now()} ms from now)`);
    const segment = executionSegments(assignment.tasks)[assignment.task];
    if (!segment) throw new FleetTaskError(`task ${assignment.task} is not one of ${assignment.tasks}`);
    const script = assignment.script.includes('/') ? assignment.script : path.join(options.scenariosDir, `${assignment.script}.ts`);
    const env = { ...k6Env, START_AT: String(startAt), REPORT_DIR: options.workDir, FLEET_TASK: String(assignment.task) };
    const args = k6RunArgs(segment, assignment.tasks, path.join(options.workDir, TASK_FILES.samples), env, script);
    const secretEnv: Record<string, string> = admission ? { FLEET_ADMISSION_HEADER: admission.header, FLEET_ADMISSION: admission.secret } : {};
    const child = spawn(options.k6, args, { stdio: ['ignore', 'inherit', 'inherit'], env: k6Environment(secretEnv) });
    const k6Exit = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => resolve(code ?? 1));
    });
    sampler?.stop();
    const health: TaskHealthFile = {
      task: assignment.task,
      k6Exit,
      startAt,
      clock,
      stats: sampler?.samples ?? [],
      missedStats: sampler?.missed ?? 0,
    };
    writeFileSync(path.join(options.workDir, TASK_FILES.health), JSON.stringify(health));
    // The health file goes even when k6 failed: the orchestrator reports why from it.
    for (const file of [TASK_FILES.health, TASK_FILES.summary, TASK_FILES.samples]) {
      const local = path.join(options.workDir, file);
      if (existsSync(local)) await upload(assignment, file, readFileSync(local));
    }
    log(`k6 exited ${k6Exit}; results uploaded under ${assignment.upload.prefix}`);
    return health;
  } finally {
    sampler?.stop();
  }
}

/** The run's admission secret, with the task role's credentials (the container's, on Fargate). */
async function readAdmission(admission: NonNullable<Assignment['admission']>): Promise<{ header: string; secret: string }> {
  const ssm = new SSMClient({});
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: admission.parameter, WithDecryption: true }));
    if (!Parameter?.Value) throw new FleetTaskError(`${admission.parameter} is empty`);
    return { header: admission.header, secret: Parameter.Value };
  } catch (error) {
    if (error instanceof FleetTaskError) throw error;
    throw new FleetTaskError(`could not read the run's admission (${admission.parameter}): ${error instanceof Error ? error.name : String(error)}`);
  } finally {
    ssm.destroy();
  }
}

async function fetchOk(url: string, what: string): Promise<ArrayBuffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new FleetTaskError(`could not read ${what}: ${response.status}`);
  return response.arrayBuffer();
}

/** Polls the barrier object: absent (403/404 through a presigned GET) until the orchestrator writes it. */
async function waitForStart(url: string, timeoutMs: number, pollMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    if (response?.ok) {
      const body = (await response.json()) as { startAt?: unknown };
      if (typeof body.startAt !== 'number' || !Number.isFinite(body.startAt)) throw new FleetTaskError('start.json holds no numeric startAt');
      return body.startAt;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new FleetTaskError(`no start signal within ${Math.round(timeoutMs / 1000)} s: the orchestrator did not see every task RUNNING`);
}

async function upload(assignment: Assignment, name: string, body: Buffer): Promise<void> {
  const form = new FormData();
  for (const [field, value] of Object.entries(assignment.upload.fields)) form.append(field, value);
  form.set('key', `${assignment.upload.prefix}${name}`);
  // The file is the last field: S3 ignores any field after it.
  form.append('file', new Blob([new Uint8Array(body)]), name);
  const response = await fetch(assignment.upload.url, { method: 'POST', body: form, signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new FleetTaskError(`upload of ${name} refused: ${response.status} ${(await response.text()).slice(0, 300)}`);
}
