import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { broadcastService, DEPLOYED_TOKEN_CLAIMS, FLEET_ADMISSION_CLOSED, fleetAdmission, resolveEnvironment } from '@relay/platform-config';
import { seedLoadgenInMoto, seedPlatformTargetInMoto, FLEET_TASK_ENTRYPOINT } from '@relay/operations';
import { holdEcsTasksRunning, motoCliEnv } from '@relay/emulators';
import { ensureK6 } from '@relay/k6-process';
import { LocalRuntimeProcess } from '@relay/local-stack';
import { ROOT, SHA, startFixture, type Fixture } from './rehearsal-fixture';
import { WorkflowRehearsal } from './workflow-runner';

/**
 * nightly-spike.yml, rehearsed end to end with its smoke profiles (workflow_dispatch): the runner
 * only orchestrates. Stag's account is moto (SSM endpoints and token secret, the applied loadgen
 * stack: cluster, task definition, subnet, security group, results bucket, launch parameter; the
 * CloudWatch metrics published) and the Service Quotas stand-in; stag itself is the local stack,
 * signing tokens as stag does (issuer relay, the secret seeded in SSM). Its broadcast service
 * sleeps as at 03:00 (scalable target 0/0) and its WAF's exemption set matches nothing (both in
 * moto, as the platform stack leaves them). What Fargate does with a RUNNING task, and what
 * Application Auto Scaling does with new bounds, is done by the Fargate stand-in
 * (tools/emulators/moto/fargate-stand-in.ts), in a process of its own: each task runs the image's
 * entrypoint with the real k6 and scenarios against that stack. The orchestrator admits the
 * fleet, wakes the target, launches, holds the barrier, collects from S3, merges, judges, keeps
 * the run's record, prints the trend, and returns the target and its WAF as it found them.
 * Last night's run is planted as killed mid-way (the service left at prod's size, only its
 * in-flight record saying so), which this night's first run puts back. The job builds no k6
 * here: K6_BIN stands for the runner's build (tools/k6/install.sh).
 */
jest.setTimeout(900_000);

const stag = resolveEnvironment('stag');
let fixture: Fixture;
let runtime: LocalRuntimeProcess;
let fargate: ChildProcess;
let launch: ReturnType<typeof seedLoadgenInMoto>;

beforeAll(async () => {
  fixture = await startFixture({ name: 'workflow_dispatch', ref: 'refs/heads/main', sha: SHA, payload: { inputs: { profile: 'smoke' } } }, {}, 'stag');
  const secret = randomBytes(32).toString('base64url');
  runtime = await LocalRuntimeProcess.start({ auth: { secret, ...DEPLOYED_TOKEN_CLAIMS } });
  for (const [name, value, type] of [
    ['/relay/stag/chat/ws-url', runtime.wsUrl, 'String'],
    ['/relay/stag/broadcast/url', runtime.broadcastUrl, 'String'],
    ['/relay/stag/chat/auth-token-secret', secret, 'SecureString'],
  ] as const) {
    // As JSON: the CLI would fetch a value that looks like a URL.
    fixture.aws('ssm', 'put-parameter', '--cli-input-json', JSON.stringify({ Name: name, Type: type, Value: value }));
  }
  // The stand-in's tasks are local processes: ready in seconds, not Fargate's 20.
  launch = seedLoadgenInMoto(fixture.aws, { ...stag, loadgen: stag.loadgen! }, { startMarginMs: 5000 });
  seedPlatformTargetInMoto(fixture.aws, stag);
  fixture.options.env['K6_BIN'] = ensureK6();
  // Last night's run was killed at prod's size, before its cleanup: only its record says so.
  const { scalableTarget } = broadcastService(stag);
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
    const job = nightly.jobs.find((j) => j.job === 'nightly-spike.yml#spike');
    expect(job).toMatchObject({ environment: 'stag', roles: [`arn:aws:iam::${stag.accountId}:role/relay-loadtest`] });
    expect(nightly.notRehearsed()).toEqual([]);

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
    const target = JSON.parse(
      fixture.aws(
        'application-autoscaling',
        'describe-scalable-targets',
        '--service-namespace',
        'ecs',
        '--resource-ids',
        broadcastService(stag).scalableTarget,
      ),
    ) as { ScalableTargets: { MinCapacity: number; MaxCapacity: number }[] };
    expect(target.ScalableTargets.map((t) => [t.MinCapacity, t.MaxCapacity])).toEqual([[0, 0]]);
    const setArn = (JSON.parse(fixture.aws('ssm', 'get-parameter', '--name', fleetAdmission(stag).setArnParameter)) as { Parameter: { Value: string } })
      .Parameter.Value;
    const [, name, id] = /regexpatternset\/([^/]+)\/([^/]+)$/.exec(setArn)!;
    const set = JSON.parse(fixture.aws('wafv2', 'get-regex-pattern-set', '--scope', 'REGIONAL', '--name', name!, '--id', id!)) as {
      RegexPatternSet: { RegularExpressionList: { RegexString: string }[] };
    };
    expect(set.RegexPatternSet.RegularExpressionList).toEqual([{ RegexString: FLEET_ADMISSION_CLOSED }]);
    expect(() => fixture.aws('ssm', 'get-parameter', '--name', fleetAdmission(stag).parameter)).toThrow(/ParameterNotFound/);
    // Delivery's p95 went beside delivery's own metrics.
    const metrics = JSON.parse(fixture.aws('cloudwatch', 'list-metrics', '--namespace', 'Relay/LoadTest')) as { Metrics: { MetricName: string }[] };
    expect(metrics.Metrics.map((m) => m.MetricName).sort()).toEqual(['NightlyDeliveredRatio', 'NightlyDeliveryP95']);
  });
});
