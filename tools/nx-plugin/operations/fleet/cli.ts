/**
 * The load-generator fleet:
 *   node --import tsx tools/nx-plugin/operations/fleet/cli.ts --profile smoke --target local --tasks 3
 * Behind `nx run loadtests:fleet`. Local: starts the local stack in its own process, seeds users,
 * and runs each of the profile's scenarios as N k6 processes split by execution segment, started
 * together, merged exactly and judged once (local-fleet.ts). Prints each scenario's verdict and
 * exits 0 (pass), 1 (a threshold failed on the merged run) or 3 (inconclusive: generator-bound).
 * --target <env>: prints the plan (tasks from bench:loadgen's per-task capacities), checks the
 * env's quotas through Service Quotas, refusing a profile a quota would throttle, then runs the
 * profile on the env's k6 fleet (loadgen stack, remote-fleet.ts) with users it seeds with the
 * env's token secret, and exits like the local run. --tasks overrides the planned count there.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_AUTH } from '@relay/chat-local-runtime';
import { LocalRuntimeProcess } from '../../../scripts/local-runtime-client';
import { ensureK6, workspaceRoot } from '../k6/k6-process';
import { secretFromSsm, seedUsers, writeUsers } from '../k6/seed-users';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { DEPLOYED_TOKEN_CLAIMS, parameterPath, resolveEnvironment, secretParameter, type Environment } from '@relay/platform-config';
import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { runLocalFleet } from './local-fleet';
import { compareRuns, loadHistory, saveRecord, targetConfig, trendMarkdown, type RunRecord } from './history';
import { trendValues } from './merge';
import { FLEET_PROFILES, seededUsers, TASK_SIZE } from './plan';
import { sketch } from './task-results';
import { runRemoteFleet } from './remote-fleet';
import { preflight } from './preflight';
import { EXIT } from './verdict';

/** Scenarios per profile, and the metric whose percentiles each report plots. */
const PROFILES: Record<string, { scenarios: string[]; users: number }> = {
  smoke: { scenarios: ['broadcast-api', 'chat-spike'], users: 200 },
};
const LATENCY: Record<string, string> = { 'broadcast-api': 'http_req_duration', 'chat-spike': 'chat_delivery_ms', 'chat-steady': 'chat_delivery_ms' };

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'smoke' },
      target: { type: 'string', default: 'local' },
      tasks: { type: 'string' },
      'report-dir': { type: 'string', default: path.join(workspaceRoot, 'reports/fleet') },
    },
  });
  if (values.target !== 'local')
    return remote(values.profile, values.target, values.tasks === undefined ? undefined : Number(values.tasks), values['report-dir']);
  const profile = PROFILES[values.profile];
  if (!profile) throw new Error(`unknown local fleet profile "${values.profile}": expected ${Object.keys(PROFILES).join(', ')}`);
  const tasks = Number(values.tasks ?? '3');
  const k6 = ensureK6();
  const runtime = await LocalRuntimeProcess.start();
  let worst: number = EXIT.pass;
  try {
    const usersFile = path.join(values['report-dir'], `users-${values.profile}.json`);
    writeUsers(usersFile, await seedUsers(profile.users, LOCAL_AUTH));
    for (const scenario of profile.scenarios) {
      const reportDir = path.join(values['report-dir'], `${scenario}-${values.profile}`);
      const result = await runLocalFleet({
        k6,
        script: scenario,
        tasks,
        env: { PROFILE: values.profile, WS_URL: runtime.wsUrl, BROADCAST_URL: runtime.broadcastUrl, USERS_FILE: usersFile },
        reportDir,
        latencyMetric: LATENCY[scenario] ?? 'iteration_duration',
        // Local tasks share this machine's cores; each may use all of them.
        coresPerTask: cpus().length,
      });
      const { verdict, merged } = result;
      console.log(
        `${scenario} (${tasks} task(s)): ${verdict.status.toUpperCase()}; iterations ${merged.counters['iterations'] ?? 0}, ` +
          `dropped ${merged.counters['dropped_iterations'] ?? 0}, ${result.taskSeconds.toFixed(0)} task-seconds; report ${path.relative(workspaceRoot, reportDir)}/report.html`,
      );
      for (const reason of verdict.reasons) console.log(`  ${reason}`);
      worst = Math.max(worst, EXIT[verdict.status]);
    }
  } finally {
    await runtime.stop();
  }
  return worst;
}

/** --target <env>: the plan, the quota preflight, then the run on the env's fleet. */
async function remote(profileName: string, target: string, tasksAsked: number | undefined, reportRoot: string): Promise<number> {
  const profile = FLEET_PROFILES[profileName];
  if (!profile) throw new Error(`unknown fleet profile "${profileName}": expected ${Object.keys(FLEET_PROFILES).join(', ')}`);
  const env = resolveEnvironment(target);
  const client = new ServiceQuotasClient({ region: env.region });
  const { plan, problems } = await preflight(profile, env, client)
    .catch((error: unknown) => {
      throw new Error(`reading ${env.name}'s quotas through Service Quotas (${env.region}) failed: ${error instanceof Error ? error.message : String(error)}`);
    })
    .finally(() => client.destroy());
  console.log(
    `${profileName} against ${env.name}: ${plan.tasks} tasks of ${TASK_SIZE.vcpu} vCPU / ${TASK_SIZE.memoryGiB} GiB ` +
      `(by arrivals ${plan.byArrivals}, sockets ${plan.bySockets}, frames ${plan.byFrames}; per-task capacity from bench:loadgen ${plan.capacity.date}, ${plan.capacity.machine})`,
  );
  if (problems.length > 0) {
    for (const problem of problems) console.error(`  refused: ${problem}`);
    return 2;
  }
  if (!profile.k6Profile) throw new Error(`${profileName} has no k6 profile in loadtests/src/${profile.scenario}.ts yet: nothing was started`);
  const tasks = tasksAsked ?? plan.tasks;
  if (!Number.isInteger(tasks) || tasks < 1) throw new Error(`--tasks must be a positive integer, not ${tasksAsked}`);
  const clients = { ecs: new ECSClient({ region: env.region }), s3: new S3Client({ region: env.region }), ssm: new SSMClient({ region: env.region }) };
  const parameter = async (key: string) => {
    const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: parameterPath(env, ...key.split('/')) }));
    if (!Parameter?.Value) throw new Error(`${parameterPath(env, ...key.split('/'))} is empty`);
    return Parameter.Value;
  };
  const [wsUrl, broadcastUrl] = [await parameter('chat/ws-url'), await parameter('broadcast/url')];
  const reportDir = path.join(reportRoot, `${profileName}-${env.name}`);
  const latencyMetric = LATENCY[profile.scenario] ?? 'iteration_duration';
  const usersFile = path.join(reportDir, 'users.json');
  const counts = seededUsers(profile);
  const secret = await secretFromSsm(secretParameter(env, 'chat/auth-token-secret').name, clients.ssm);
  writeUsers(usersFile, await seedUsers(counts.followers, { secret, ...DEPLOYED_TOKEN_CLAIMS }, `${Date.now()}`, counts.artists));
  try {
    const result = await runRemoteFleet({
      env,
      clients,
      tasks,
      script: profile.scenario,
      k6Env: { PROFILE: profile.k6Profile, WS_URL: wsUrl, BROADCAST_URL: broadcastUrl },
      usersFile,
      timeUrl: `${broadcastUrl}/health/time`,
      reportDir,
      latencyMetric,
    });
    console.log(
      `${profileName} on ${env.name} (${tasks} task(s), run ${result.runId}): ${result.verdict.status.toUpperCase()}; ${result.taskSeconds.toFixed(0)} task-seconds; ` +
        `worst clock offset ${result.clock ? `${result.clock.worstOffsetMs.toFixed(1)} ms${result.clock.flagged ? ' (above 5 ms)' : ''}` : 'not measured'}; report ${path.relative(workspaceRoot, reportDir)}/report.html`,
    );
    for (const reason of result.verdict.reasons) console.log(`  ${reason}`);
    const regressed = await recordAndCompare(clients.s3, result, { profile: profileName, latencyMetric, env, tasks, reportDir });
    return Math.max(EXIT[result.verdict.status], regressed ? EXIT.fail : EXIT.pass);
  } finally {
    // The tokens never outlive the run on disk.
    rmSync(usersFile, { force: true });
    for (const c of Object.values(clients)) c.destroy();
  }
}

/**
 * Keeps the run's record beside the last 14 nights' in the results bucket, prints the trend (and
 * appends it to the job summary in GitHub Actions), and says whether the p95 regressed more than
 * 20% against the previous comparable run (at most one variable changed).
 */
async function recordAndCompare(
  s3: S3Client,
  result: Awaited<ReturnType<typeof runRemoteFleet>>,
  run: { profile: string; latencyMetric: string; env: Environment; tasks: number; reportDir: string },
): Promise<boolean> {
  const { profile, env, tasks, reportDir } = run;
  const latency = trendValues(result.merged.trends[run.latencyMetric] ?? sketch());
  const checks = result.merged.rates['checks'];
  const code = process.env['GITHUB_SHA'] ?? spawnSync('git', ['rev-parse', 'HEAD'], { cwd: workspaceRoot, encoding: 'utf8' }).stdout.trim();
  const record: RunRecord = {
    runId: result.runId,
    at: new Date(result.startAt).toISOString(),
    profile,
    env: env.name,
    verdict: result.verdict.status,
    p50Ms: latency['med'] ?? null,
    p95Ms: latency['p(95)'] ?? null,
    p99Ms: latency['p(99)'] ?? null,
    errorRate: checks && checks.passes + checks.fails > 0 ? checks.fails / (checks.passes + checks.fails) : null,
    taskSeconds: result.taskSeconds,
    config: targetConfig(env, code, { tasks, cpu: result.launch.cpu, memoryMb: result.launch.memoryMb }),
  };
  await saveRecord(s3, result.launch.bucket, record);
  const history = await loadHistory(s3, result.launch.bucket);
  const comparison = compareRuns(record, history);
  const trend = trendMarkdown(history.filter((r) => r.profile === profile));
  writeFileSync(path.join(reportDir, 'trend.md'), trend);
  if (process.env['GITHUB_STEP_SUMMARY']) appendFileSync(process.env['GITHUB_STEP_SUMMARY'], `${trend}\n`);
  console.log(`  against the previous run: ${JSON.stringify(comparison)}`);
  if (comparison.status === 'regression')
    console.error(`  p95 regressed ${(comparison.change * 100).toFixed(1)}% (${comparison.changed.join(', ') || 'nothing'} changed): failing`);
  return comparison.status === 'regression';
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
