import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DEPLOYED_TOKEN_CLAIMS, FLEET_ADMISSION_CLOSED, fleetAdmissionSecret, loadTestTarget } from '@relay/platform-config';
import { seedLoadgenInMoto, seedLoadTestTargetInMoto, FLEET_TASK_ENTRYPOINT } from '@relay/fleet';
import { holdEcsTasksRunning, motoCliEnv } from '@relay/emulators';
import { ensureK6 } from '@relay/k6-process';
import { LocalRuntimeProcess } from '@relay/local-stack';
import { ROOT, type Fixture, WorkflowRehearsal } from '@relay/rehearsal';
import { edgeLeft, stag, startNightly } from '@relay/rehearsal-nightly-account';

/**
 * nightly-spike.yml, rehearsed end to end with its smoke profiles (workflow_dispatch): edge-up
 * applies stag's load-test edge with relay-edge, the spike job only orchestrates, and edge-down
 * destroys the edge with relay-edge. Stag's account is moto (SSM endpoints and token secret, the
 * applied loadgen stack: cluster, task definition, subnet, security group, results bucket, launch
 * parameter; the CloudWatch metrics published) and the Service Quotas stand-in; stag itself is
 * the local stack, signing tokens as stag does (issuer relay, the secret seeded in SSM). Terraform
 * is the recording stub, and what its apply and destroy of the edge would do to the account (its
 * load balancer, service, scalable target, admission set and URL) is done to moto by
 * terraform-effects.ts. What Fargate does with a RUNNING task, and what Application Auto Scaling
 * does with new bounds, is done by the Fargate stand-in (tools/emulators/moto/fargate-stand-in.ts),
 * in a process of its own: each task runs the image's entrypoint with the real k6 and scenarios
 * against that stack. The orchestrator admits the fleet, wakes the edge's service, launches, holds
 * the barrier, collects from S3, merges, judges, keeps the run's record, prints the trend, and
 * returns the edge and its WAF as it found them before edge-down takes the edge away.
 * Last night's run is planted as killed mid-way with its edge-down never run (the edge still up,
 * its service left at prod's size, only the run's in-flight record saying so): tonight's edge-up
 * takes the edge over and the first run puts it back. The job builds no k6 here: K6_BIN stands
 * for the runner's build (tools/k6/install.sh). The nights that only take the edge down are
 * rehearsal-nightly's (tools/rehearsals/nightly), and stag's account, which both use, is
 * rehearsal-nightly-account's: those nights run no chat, so a chat edit re-runs this night and
 * not them.
 */
jest.setTimeout(900_000);

let fixture: Fixture;
let runtime: LocalRuntimeProcess;
let fargate: ChildProcess;
let launch: ReturnType<typeof seedLoadgenInMoto>;
let effectsLog: string;

beforeAll(async () => {
  const secret = randomBytes(32).toString('base64url');
  // The local stack and stag's account start side by side; the edge's URL is the stack's broadcast API.
  const chat = LocalRuntimeProcess.start({ auth: { secret, ...DEPLOYED_TOKEN_CLAIMS } }).then((started) => (runtime = started));
  ({ fixture, effectsLog } = await startNightly(chat.then((r) => ({ wsUrl: r.wsUrl, secret, edgeUrl: r.broadcastUrl }))));
  // The stand-in's tasks are local processes that start as they turn RUNNING and read the
  // barrier within about 0.6 s (they poll it every 500 ms), not Fargate's 20 s from RUNNING to
  // k6: the barrier opens 1 s after. Each smoke profile is one task, so a task that comes late
  // only starts late.
  launch = seedLoadgenInMoto(fixture.aws, { ...stag, loadgen: stag.loadgen! }, { startMarginMs: 1000 });
  // Last night's run was killed at prod's size, before its cleanup and before edge-down: the
  // edge is still up and only the run's record says what it changed.
  seedLoadTestTargetInMoto(fixture.aws, stag, runtime.broadcastUrl);
  const { scalableTarget } = loadTestTarget(stag);
  fixture.aws(
    ...['application-autoscaling', 'register-scalable-target', '--service-namespace', 'ecs', '--scalable-dimension', 'ecs:service:DesiredCount'],
    ...['--resource-id', scalableTarget, '--min-capacity', '40', '--max-capacity', '40'],
  );
  const leftover = path.join(fixture.artifactsDir, 'in-flight.json');
  const bounds = (n: number) => ({ minCapacity: n, maxCapacity: n });
  writeFileSync(
    leftover,
    JSON.stringify({ runId: 'r-killed', woken: { resourceId: scalableTarget, before: bounds(0), during: bounds(40), runningCount: 40 } }),
  );
  fixture.aws('s3api', 'put-object', '--bucket', launch.bucket, '--key', 'runs/in-flight/stag.json', '--body', leftover);
  await holdEcsTasksRunning(fixture.moto);
  fargate = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'tools/emulators/moto/fargate-stand-in.ts'),
      JSON.stringify({
        endpoint: fixture.moto.endpoint,
        region: stag.region,
        cluster: launch.cluster,
        entrypoint: FLEET_TASK_ENTRYPOINT,
        k6: ensureK6(),
        scenariosDir: path.join(ROOT, 'loadtests/src'),
        // The tasks' own AWS calls (the run's admission secret) go to stag's account too.
        env: motoCliEnv(fixture.moto, stag.region),
      }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    fargate.stdout?.once('data', () => resolve());
    fargate.once('exit', (code) => reject(new Error(`the Fargate stand-in exited ${String(code)}`)));
  });
});

afterAll(async () => {
  fargate?.kill('SIGTERM');
  await runtime?.stop();
  await fixture?.stop();
});

describe('nightly-spike.yml, rehearsed with its smoke profiles', () => {
  it('orchestrates both profiles on the fleet from the runner, keeps their records, publishes and uploads', () => {
    const nightly = new WorkflowRehearsal(fixture.options);
    nightly.run('nightly-spike.yml', undefined, { profile: 'smoke' });
    process.stdout.write(nightly.report());
    const role = (name: string) => `arn:aws:iam::${stag.accountId}:role/${name}`;
    expect(nightly.jobs.map((j) => [j.job, j.environment, j.roles])).toEqual([
      ['nightly-spike.yml#edge-up', 'stag', [role('relay-edge')]],
      ['nightly-spike.yml#spike', 'stag', [role('relay-loadtest')]],
      ['nightly-spike.yml#edge-down', 'stag', [role('relay-edge')]],
    ]);
    expect(nightly.notRehearsed()).toEqual([]);
    // The edge alone, planned and applied from a saved plan, then destroyed: nothing else of stag.
    const commands = fixture.terraform().map((c) => `${path.basename(c.cwd)}:${c.args[0]}`);
    expect(commands).toEqual([
      'edge-stag:init',
      'edge-stag:plan',
      'edge-stag:show',
      'edge-stag:init',
      'edge-stag:apply',
      'edge-stag:init',
      'edge-stag:destroy',
    ]);

    // The tasks were Fargate's (moto's ECS), started by the orchestrator and all stopped.
    const tasks = JSON.parse(fixture.aws('ecs', 'list-tasks', '--cluster', 'relay-stag-loadgen', '--desired-status', 'STOPPED')) as { taskArns: string[] };
    expect(tasks.taskArns.length).toBeGreaterThanOrEqual(2);
    const running = JSON.parse(fixture.aws('ecs', 'list-tasks', '--cluster', 'relay-stag-loadgen', '--desired-status', 'RUNNING')) as { taskArns: string[] };
    expect(running.taskArns).toEqual([]);

    // Each profile's merged report reached the artifact; its record the bucket's history.
    const reports = path.join(fixture.artifactsDir, 'fleet-reports');
    expect(existsSync(reports)).toBe(true);
    for (const profile of ['smoke-http', 'smoke-chat']) {
      const summary = JSON.parse(readFileSync(path.join(reports, `${profile}-stag`, 'summary.json'), 'utf8')) as {
        verdict: { status: string };
        env: string;
        target: { admission: string; woken: { during: { minCapacity: number } } };
      };
      expect([profile, summary.env, summary.verdict.status]).toEqual([profile, 'stag', 'pass']);
      // The report says how the target ran: woken to its daytime size (smoke), the fleet admitted.
      expect(summary.target).toMatchObject({ admission: 'rate-rule-exempt', woken: { during: { minCapacity: stag.fargate.minCount } } });
      expect(readFileSync(path.join(reports, `${profile}-stag`, 'trend.md'), 'utf8')).toContain(`### ${profile}: the last 1 run(s)`);
    }
    expect(readdirSync(reports).flatMap((d) => readdirSync(path.join(reports, d)))).not.toContain('users.json');
    const history = JSON.parse(
      fixture.aws('s3api', 'list-objects-v2', '--bucket', `relay-stag-loadgen-${stag.accountId}-${stag.region}`, '--prefix', 'runs/history/'),
    ) as {
      Contents: { Key: string }[];
    };
    expect(
      history.Contents.map((o) =>
        o.Key.replace(/^runs\/history\/[0-9tz-]+-/i, '')
          .split('-')
          .slice(0, 2)
          .join('-'),
      ).sort(),
    ).toEqual(['smoke-chat', 'smoke-http']);
    // The first run put back what last night's killed run had left (its record is gone), and
    // both runs woke the sleeping service and admitted the fleet, and left both as they found them.
    const inFlight = JSON.parse(fixture.aws('s3api', 'list-objects-v2', '--bucket', launch.bucket, '--prefix', 'runs/in-flight/')) as {
      Contents?: unknown[];
    } | null;
    expect(inFlight?.Contents ?? []).toEqual([]);
    const records = history.Contents.map((o) => {
      const file = path.join(fixture.artifactsDir, 'record.json');
      fixture.aws('s3api', 'get-object', '--bucket', `relay-stag-loadgen-${stag.accountId}-${stag.region}`, '--key', o.Key, file);
      return JSON.parse(readFileSync(file, 'utf8')) as { profile: string; config: { run: unknown } };
    });
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record.config.run).toMatchObject({ woken: { before: { minCapacity: 0, maxCapacity: 0 } }, admission: 'rate-rule-exempt' });
    }
    // Edge-down found the edge as the runs left it (asleep, admission closed) and took it away.
    const [destroyed] = readFileSync(effectsLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { stackId: string; found: { bounds: number[]; patterns: string[] } });
    expect(destroyed).toEqual({ action: 'destroy', stackId: 'edge-stag', found: { bounds: [0, 0], patterns: [FLEET_ADMISSION_CLOSED] } });
    expect(edgeLeft(fixture)).toEqual({ loadBalancers: [], scalableTargets: [], url: false });
    expect(() => fixture.aws('ssm', 'get-parameter', '--name', fleetAdmissionSecret(stag))).toThrow(/ParameterNotFound/);
    // Delivery's p95 went beside delivery's own metrics.
    const metrics = JSON.parse(fixture.aws('cloudwatch', 'list-metrics', '--namespace', 'Relay/LoadTest')) as { Metrics: { MetricName: string }[] };
    expect(metrics.Metrics.map((m) => m.MetricName).sort()).toEqual(['NightlyDeliveredRatio', 'NightlyDeliveryP95']);
  });
});
