import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DEPLOYED_TOKEN_CLAIMS, resolveEnvironment } from '@relay/platform-config';
import { seedLoadgenInMoto } from '../moto/loadgen-in-moto';
import { holdEcsTasksRunning } from '../moto/moto-server';
import { ensureK6 } from '../nx-plugin/operations/k6/k6-process';
import { LocalRuntimeProcess } from '../scripts/local-runtime-client';
import { ROOT, SHA, startFixture, type Fixture } from './rehearsal-fixture';
import { WorkflowRehearsal } from './workflow-runner';

/**
 * nightly-spike.yml, rehearsed end to end with its smoke profiles (workflow_dispatch): the runner
 * only orchestrates. Stag's account is moto (SSM endpoints and token secret, the applied loadgen
 * stack: cluster, task definition, subnet, security group, results bucket, launch parameter; the
 * CloudWatch metrics published) and the Service Quotas stand-in; stag itself is the local stack,
 * signing tokens as stag does (issuer relay, the secret seeded in SSM). What Fargate does with a
 * RUNNING task is done by the Fargate stand-in (tools/moto/fargate-stand-in.ts), in a process of
 * its own: each task runs the image's entrypoint with the real k6 and scenarios against that
 * stack. The orchestrator launches, holds the barrier, collects from S3, merges, judges, keeps
 * the run's record and prints the trend.
 */
jest.setTimeout(900_000);

const stag = resolveEnvironment('stag');
let fixture: Fixture;
let runtime: LocalRuntimeProcess;
let fargate: ChildProcess;

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
  const launch = seedLoadgenInMoto(fixture.aws, { ...stag, loadgen: stag.loadgen! });
  await holdEcsTasksRunning(fixture.moto);
  fargate = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'tools/moto/fargate-stand-in.ts'),
      JSON.stringify({
        endpoint: fixture.moto.endpoint,
        region: stag.region,
        cluster: launch.cluster,
        k6: ensureK6(),
        scenariosDir: path.join(ROOT, 'loadtests/src'),
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
      const summary = JSON.parse(readFileSync(path.join(reports, `${profile}-stag`, 'summary.json'), 'utf8')) as { verdict: { status: string }; env: string };
      expect([profile, summary.env, summary.verdict.status]).toEqual([profile, 'stag', 'pass']);
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
    // Delivery's p95 went beside delivery's own metrics.
    const metrics = JSON.parse(fixture.aws('cloudwatch', 'list-metrics', '--namespace', 'Relay/LoadTest')) as { Metrics: { MetricName: string }[] };
    expect(metrics.Metrics.map((m) => m.MetricName).sort()).toEqual(['NightlyDeliveredRatio', 'NightlyDeliveryP95']);
  });
});
