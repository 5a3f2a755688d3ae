/**
 * The load-generator fleet against a deployed env: what nightly-spike.yml's spike step runs
 * once per profile, and its always-run step to put the target back. The modules named here are
 * the fleet library's (tools/fleet, @relay/fleet). Nothing here starts the local stack: the
 * local fleet is the load generator's (tools/loadgen/fleet/cli.ts, `nx run loadgen:fleet`).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
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
import { actualFleetCost, estimateRun } from '@relay/fleet-cost';
import { secretFromSsm, seedUsers, writeUsers } from './seed-users';
import { LATENCY } from './latency';
import type { DDSketch } from '@datadog/sketches-js';

/**
 * A profile against an env: the plan and its cost, the quota preflight, then the run on the env's fleet,
 * with the target woken (at prod's size, its load balancer's capacity reserved, for a spike) and
 * the fleet admitted past the WAF's rate rule for the run only: all of it is put back however
 * the run ends.
 */
export async function runOnEnv(profileName: string, target: string, tasksAsked: number | undefined, reportRoot: string): Promise<number> {
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
export async function putBackOnly(target: string): Promise<number> {
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
