/**
 * The load-generator fleet:
 *   node --import tsx tools/loadgen/fleet/cli.ts --profile smoke --target local --tasks 3
 * Behind `nx run loadgen:fleet`. Local: starts the local stack in its own process, seeds users,
 * and runs each of the profile's scenarios as N k6 processes split by execution segment, started
 * together, merged exactly and judged once (local-fleet.ts). Prints each scenario's verdict and
 * exits 0 (pass), 1 (a threshold failed on the merged run) or 3 (inconclusive: generator-bound).
 * --target <env>: prints the plan (tasks from bench:loadgen's per-task capacities) and its cost,
 * checks the env's quotas through Service Quotas, refusing a profile a quota would throttle,
 * admits the fleet past the target's WAF rate rule (admission.ts), wakes the target's broadcast
 * service (the env's load-test edge where it has one: loadTestTarget; wake.ts) and, for a spike
 * at prod's size, reserves its load balancer's capacity
 * (load-balancer-reservation.ts), then runs the profile on the env's k6 fleet (loadgen stack,
 * remote-fleet.ts) with users it seeds with the env's token secret, puts the target back, and
 * exits like the local run.
 * --tasks overrides the planned count there. --put-back --target <env> puts back what a run that
 * never reached its cleanup left changed in the env (in-flight.ts), and does nothing else.
 * The modules named here are the fleet library's (tools/fleet, @relay/fleet).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  LOCAL_AUTH,
  DEPLOYED_TOKEN_CLAIMS,
  loadTestTarget,
  parameterPath,
  quotaFloorMs,
  resolveEnvironment,
  secretParameter,
  type Environment,
} from '@relay/platform-config';
import { ensureK6, workspaceRoot } from '@relay/k6-process';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  runLocalFleet,
  compareRuns,
  loadHistory,
  saveRecord,
  targetConfig,
  trendMarkdown,
  type RunConditions,
  type RunRecord,
  admitFleet,
  type Admission,
  loadInFlight,
  putBack,
  saveInFlight,
  type InFlight,
  type TargetClients,
  actualFleetCost,
  estimateRun,
  reserveLoadBalancer,
  spikeLcus,
  type Reservation,
  boundsFor,
  wakeTarget,
  trendValues,
  FLEET_PROFILES,
  seededUsers,
  TASK_SIZE,
  sketch,
  newRunId,
  readLaunchConfig,
  runRemoteFleet,
  preflight,
  EXIT,
  pollIntervalFrom,
} from '@relay/fleet';
import { secretFromSsm, seedUsers, writeUsers } from '../seed-users';
import type { DDSketch } from '@datadog/sketches-js';

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
      'put-back': { type: 'boolean', default: false },
    },
  });
  if (values['put-back']) return putBackOnly(values.target);
  if (values.target !== 'local')
    return remote(values.profile, values.target, values.tasks === undefined ? undefined : Number(values.tasks), values['report-dir']);
  const profile = PROFILES[values.profile];
  if (!profile) throw new Error(`unknown local fleet profile "${values.profile}": expected ${Object.keys(PROFILES).join(', ')}`);
  const tasks = Number(values.tasks ?? '3');
  const k6 = ensureK6();
  // Imported here: the local stack's barrel is the whole local runtime (fastify, dynalite, the
  // handlers), which the workflows' remote runs and put-backs never start.
  const { LocalRuntimeProcess } = require('@relay/local-stack') as typeof import('@relay/local-stack');
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

/**
 * --target <env>: the plan and its cost, the quota preflight, then the run on the env's fleet,
 * with the target woken (at prod's size, its load balancer's capacity reserved, for a spike) and
 * the fleet admitted past the WAF's rate rule for the run only: all of it is put back however
 * the run ends.
 */
async function remote(profileName: string, target: string, tasksAsked: number | undefined, reportRoot: string): Promise<number> {
  const profile = FLEET_PROFILES[profileName];
  if (!profile) throw new Error(`unknown fleet profile "${profileName}": expected ${Object.keys(FLEET_PROFILES).join(', ')}`);
  const env = resolveEnvironment(target);
  const prod = resolveEnvironment('prod');
  const client = new ServiceQuotasClient({ region: env.region });
  const { plan, problems } = await preflight(profile, env, client)
    .catch((error: unknown) => {
      throw new Error(`reading ${env.name}'s quotas through Service Quotas (${env.region}) failed: ${error instanceof Error ? error.message : String(error)}`);
    })
    .finally(() => client.destroy());
  const tasks = tasksAsked ?? plan.tasks;
  if (!Number.isInteger(tasks) || tasks < 1) throw new Error(`--tasks must be a positive integer, not ${tasksAsked}`);
  console.log(
    `${profileName} against ${env.name}: ${plan.tasks} tasks of ${TASK_SIZE.vcpu} vCPU / ${TASK_SIZE.memoryGiB} GiB ` +
      `(by arrivals ${plan.byArrivals}, sockets ${plan.bySockets}, frames ${plan.byFrames}; per-task capacity from bench:loadgen ${plan.capacity.date}, ${plan.capacity.machine})` +
      (tasks !== plan.tasks ? `; ${tasks} asked` : ''),
  );
  if (problems.length > 0) {
    for (const problem of problems) console.error(`  refused: ${problem}`);
    return 2;
  }
  const pollMs = pollIntervalFrom(process.env);
  const k6 = ensureK6();
  const estimate = estimateRun(profile, env, prod, tasks, k6);
  const { ramp, k6Profile } = estimate;
  if (ramp)
    console.log(
      `  ${profile.arrivalsPerSecond} followers/s exceed ${env.name}'s new-connection quota record (${env.webSocket.accountNewConnectionsPerSecond}/s with headroom): ` +
        `${ramp.followersPerSecond}/s, each connected ${ramp.sessionSeconds} s`,
    );
  const bounds = boundsFor(profile.atProdSize, env, prod);
  const shape = { count: tasks, vcpu: TASK_SIZE.vcpu, memoryGiB: TASK_SIZE.memoryGiB, architecture: 'ARM64' as const };
  const lcus = profile.atProdSize ? spikeLcus(profile.arrivalsPerSecond) : 0;
  console.log(`estimated cost, at most $${estimate.usd.toFixed(2)}:`);
  for (const line of estimate.parts.flatMap((c) => c.lines)) console.log(`  ${line}`);

  const clients = targetClients(env);
  const parameter = async (name: string) => {
    const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: name }));
    if (!Parameter?.Value) throw new Error(`${name} is empty`);
    return Parameter.Value;
  };
  const loads = loadTestTarget(env);
  const reportDir = path.join(reportRoot, `${profileName}-${env.name}`);
  const usersFile = path.join(reportDir, 'users.json');
  let admission: Admission | undefined;
  let reservation: Reservation | undefined;
  // What this run changes in the target, recorded before each wait so that a run killed
  // mid-way is put back by the workflow's always-run step (--put-back) or the next run.
  const record: InFlight = { runId: newRunId() };
  const note = (change: Partial<InFlight>) => saveInFlight(clients.s3, env, Object.assign(record, change));
  try {
    await putBackLeftovers(env, clients);
    // The broadcast API the fleet loads: the env's load-test edge, where it has one (ADR 10).
    // Everything the run reads comes before anything it changes: a run that cannot launch (no
    // fleet applied, too many tasks, no URL or token secret) leaves the target as it found it.
    const [wsUrl, broadcastUrl] = [await parameter(parameterPath(env, 'chat', 'ws-url')), await parameter(loads.urlParameter)];
    const launch = await readLaunchConfig(clients.ssm, env, tasks);
    const secret = await secretFromSsm(secretParameter(env, 'chat/auth-token-secret').name, clients.ssm);
    const latencyMetric = LATENCY[profile.scenario] ?? 'iteration_duration';
    // Admitted before waking: the readiness checks pass the WAF as the fleet's requests will.
    if (loads.admission) {
      admission = await admitFleet(env, clients);
      await note({ admission: { parameter: admission.parameter, setArn: admission.setArn } });
    }
    const woken = await wakeTarget({
      env,
      clients,
      bounds,
      readyUrl: `${broadcastUrl}/health/ready`,
      headers: admission ? { [admission.header]: admission.secret } : {},
      onChanged: (changed) => note({ woken: changed }),
      ...(pollMs ? { pollMs } : {}),
    });
    if (lcus > 0) reservation = await reserveLoadBalancer({ env, elb: clients.elb, lcus, onChanged: (asked) => note({ reservation: asked }) });
    const run: RunConditions = {
      woken: { before: woken.before, during: woken.during },
      admission: admission ? 'rate-rule-exempt' : 'no-waf',
      loadBalancer: reservation ? { reservedLcus: reservation.lcus, state: reservation.state } : null,
    };
    const counts = seededUsers(profile);
    writeUsers(usersFile, await seedUsers(counts.followers, { secret, ...DEPLOYED_TOKEN_CLAIMS }, `${Date.now()}`, counts.artists));
    const result = await runRemoteFleet({
      env,
      clients,
      runId: record.runId,
      launch,
      tasks,
      script: profile.scenario,
      k6Env: { ...k6Profile, WS_URL: wsUrl, BROADCAST_URL: broadcastUrl },
      usersFile,
      timeUrl: `${broadcastUrl}/health/time`,
      ...(admission ? { admission: { parameter: admission.parameter, header: admission.header } } : {}),
      reportDir,
      latencyMetric,
      targetConditions: run,
      ...(pollMs ? { pollMs } : {}),
    });
    const actual = actualFleetCost(env.region, shape, result.secondsPerTask);
    console.log(
      `${profileName} on ${env.name} (${tasks} task(s), run ${result.runId}): ${result.verdict.status.toUpperCase()}; ` +
        `${result.taskSeconds.toFixed(0)} task-seconds, $${actual.usd.toFixed(4)} for the generators (estimated $${estimate.generators.usd.toFixed(4)}); ` +
        `worst clock offset ${result.clock ? `${result.clock.worstOffsetMs.toFixed(1)} ms${result.clock.flagged ? ' (above 5 ms)' : ''}` : 'not measured'}; report ${path.relative(workspaceRoot, reportDir)}/report.html`,
    );
    for (const reason of result.verdict.reasons) console.log(`  ${reason}`);
    if (profile.kind === 'chat') console.log(`  ${deliveryBesideFloor(result.merged.trends[latencyMetric], profile.sockets, env)}`);
    const regressed = await recordAndCompare(clients.s3, result, { profile: profileName, latencyMetric, env, tasks, reportDir, run });
    return Math.max(EXIT[result.verdict.status], regressed ? EXIT.fail : EXIT.pass);
  } finally {
    // The tokens never outlive the run on disk; the target, its load balancer and its WAF go
    // back as they were (a failure here keeps the record for --put-back).
    rmSync(usersFile, { force: true });
    if (record.admission || record.woken || record.reservation)
      await putBack(env, clients, record).catch((error: unknown) => console.error(error instanceof Error ? error.message : error));
    for (const c of Object.values(clients)) c.destroy();
  }
}

/** A previous run's changes still in the target (it never reached its cleanup): put back first. */
async function putBackLeftovers(env: Environment, clients: TargetClients): Promise<void> {
  const leftover = await loadInFlight(clients.s3, env);
  if (!leftover) return;
  console.log(`run ${leftover.runId} left changes in ${env.name}; putting them back`);
  console.log(`  ${(await putBack(env, clients, leftover)).join(', ') || 'nothing to do'}`);
}

/** --put-back --target <env>: the workflow's always-run step after the runs. */
async function putBackOnly(target: string): Promise<number> {
  const env = resolveEnvironment(target);
  const clients = targetClients(env);
  try {
    await putBackLeftovers(env, clients);
    return 0;
  } finally {
    for (const c of Object.values(clients)) c.destroy();
  }
}

function targetClients(env: Environment): TargetClients & { ecs: ECSClient } {
  return {
    ecs: new ECSClient({ region: env.region }),
    s3: new S3Client({ region: env.region }),
    ssm: new SSMClient({ region: env.region }),
    autoscaling: new ApplicationAutoScalingClient({ region: env.region }),
    waf: new WAFV2Client({ region: env.region }),
    elb: new ElasticLoadBalancingV2Client({ region: env.region }),
  };
}

/**
 * A chat run's worst post-to-last-delivery (the largest delivery latency is the last delivery of
 * the slowest post) beside the floor the account quota puts under any design: followers ÷
 * requests per second (bench:fanout --model's quota floor).
 */
function deliveryBesideFloor(latency: DDSketch | undefined, followers: number, env: Environment): string {
  const floor = quotaFloorMs(followers, env.webSocket.accountRequestsPerSecond);
  const values = latency ? trendValues(latency) : {};
  const worst = values['max'];
  return (
    `post to last delivery: worst ${worst === undefined ? 'not measured' : `${worst.toFixed(0)} ms`} (p99 delivery ${values['p(99)']?.toFixed(0) ?? '-'} ms); ` +
    `quota floor for ${followers} followers at ${env.webSocket.accountRequestsPerSecond} requests/s: ${floor.toFixed(0)} ms` +
    (worst === undefined ? '' : ` (${(worst / floor).toFixed(2)}× the floor)`)
  );
}

/**
 * Keeps the run's record beside the last 14 nights' in the results bucket, prints the trend (and
 * appends it to the job summary in GitHub Actions), and says whether the p95 regressed more than
 * 20% against the previous comparable run (at most one variable changed).
 */
async function recordAndCompare(
  s3: S3Client,
  result: Awaited<ReturnType<typeof runRemoteFleet>>,
  run: { profile: string; latencyMetric: string; env: Environment; tasks: number; reportDir: string; run: RunConditions },
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
    config: targetConfig(env, code, { tasks, cpu: result.launch.cpu, memoryMb: result.launch.memoryMb }, run.run),
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
