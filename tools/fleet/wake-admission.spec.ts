import { createServer, type Server } from 'node:http';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetRegexPatternSetCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import {
  FLEET_ADMISSION_CLOSED,
  FLEET_ADMISSION_HEADER,
  fleetAdmissionSecret,
  loadgenResultsBucket,
  loadTestTarget,
  resolveEnvironment,
} from '@relay/platform-config';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsCli, Elbv2CapacityStandIn, FargateStandIn, holdEcsTasksRunning, motoCliEnv, startMoto, type MotoServer } from '@relay/emulators';
import { FLEET_TASK_ENTRYPOINT } from './fleet-task';
import { seedLoadTestTargetInMoto } from './load-test-target-in-moto';
import { admitFleet, closeAdmission } from './admission';
import { loadInFlight, putBack, saveInFlight, type InFlight } from './in-flight';
import { FLEET_PROFILES } from './plan';
import { lcusFor, releaseLoadBalancer, reserveLoadBalancer, spikeLcus } from './load-balancer-reservation';
import { boundsFor, returnTarget, wakeTarget } from './wake';

/**
 * Waking stag's load-test target (its edge's broadcast service), reserving its load balancer's
 * capacity and admitting the fleet past its WAF rate rule, against moto's Application Auto Scaling, ECS, ELBv2, SSM and WAFv2.
 * What moto records but does not do (apply a target's bounds to its service) is the Fargate
 * stand-in's part; the LCU reservation moto lacks is the ELBv2 stand-in's, which answers in the
 * API reference's documented shape (no response recorded from AWS); the readiness route is a
 * local server that answers only requests carrying the run's admission, as the WAF lets them by.
 */
jest.setTimeout(120_000);

const stag = resolveEnvironment('stag');
const prod = resolveEnvironment('prod');
let moto: MotoServer;
let clients: { autoscaling: ApplicationAutoScalingClient; ecs: ECSClient; ssm: SSMClient; waf: WAFV2Client };
let ready: Server;
let readyUrl: string;
let admitted: string | undefined;
const seen: (string | undefined)[] = [];

const aws = awsCli(() => motoCliEnv(moto, stag.region));

/** The Fargate stand-in for its Application Auto Scaling part only: it runs no task here. */
function scalingStandIn(): FargateStandIn {
  return new FargateStandIn({
    ecs: clients.ecs,
    autoscaling: clients.autoscaling,
    cluster: 'none',
    entrypoint: FLEET_TASK_ENTRYPOINT,
    k6: '/bin/false',
    scenariosDir: '.',
    pollMs: 100,
  });
}

async function targetBounds(): Promise<{ min?: number; max?: number }> {
  const { ScalableTargets = [] } = await clients.autoscaling.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [loadTestTarget(stag).scalableTarget] }),
  );
  return { min: ScalableTargets[0]?.MinCapacity, max: ScalableTargets[0]?.MaxCapacity };
}

beforeAll(async () => {
  moto = await startMoto(stag.region, { account: stag.accountId });
  clients = {
    autoscaling: new ApplicationAutoScalingClient(moto.clientConfig),
    ecs: new ECSClient(moto.clientConfig),
    ssm: new SSMClient(moto.clientConfig),
    waf: new WAFV2Client(moto.clientConfig),
  };
  ready = createServer((request, response) => {
    const header = request.headers[FLEET_ADMISSION_HEADER] as string | undefined;
    seen.push(header);
    response.writeHead(admitted !== undefined && header === admitted ? 200 : 403).end();
  });
  await new Promise<void>((resolve) => ready.listen(0, '127.0.0.1', resolve));
  readyUrl = `http://127.0.0.1:${(ready.address() as { port: number }).port}/health/ready`;
});

beforeEach(async () => {
  await moto.reset();
  await holdEcsTasksRunning(moto);
  seen.length = 0;
  admitted = undefined;
});

afterAll(async () => {
  ready?.close();
  await moto?.stop();
});

describe("a fleet run wakes and admits its target, and returns both (stag's broadcast service and WAF, on moto)", () => {
  it('admits one run by a per-run secret the rate rule exempts, then closes the set and deletes the secret', async () => {
    const { setArn } = seedLoadTestTargetInMoto(aws, stag);
    const admission = await admitFleet(stag, clients);
    const set = async () => {
      const [, name, id] = /regexpatternset\/([^/]+)\/([^/]+)$/.exec(setArn!)!;
      return (await clients.waf.send(new GetRegexPatternSetCommand({ Name: name, Id: id, Scope: 'REGIONAL' }))).RegexPatternSet;
    };
    expect(admission).toMatchObject({ header: FLEET_ADMISSION_HEADER, parameter: fleetAdmissionSecret(stag), setArn });
    expect(admission.secret).toMatch(/^[0-9a-f]{48}$/);
    const patterns = (await set())?.RegularExpressionList?.map((r) => r.RegexString) ?? [];
    expect(patterns).toEqual([`^${admission.secret}$`]);
    // The pattern admits the secret and nothing else: not a prefix, not a longer value, not empty.
    const pattern = new RegExp(patterns[0]!);
    expect([admission.secret, admission.secret.slice(1), `${admission.secret}0`, '', 'x'].map((v) => pattern.test(v))).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    const stored = await clients.ssm.send(new GetParameterCommand({ Name: admission.parameter, WithDecryption: true }));
    expect(stored.Parameter).toMatchObject({ Type: 'SecureString', Value: admission.secret });

    // A second run's secret is another one.
    const next = await admitFleet(stag, clients);
    expect(next.secret).not.toBe(admission.secret);

    await closeAdmission(next, clients);
    expect((await set())?.RegularExpressionList?.map((r) => r.RegexString)).toEqual([FLEET_ADMISSION_CLOSED]);
    expect(['', 'x', next.secret].some((v) => new RegExp(FLEET_ADMISSION_CLOSED).test(v))).toBe(false);
    await expect(clients.ssm.send(new GetParameterCommand({ Name: next.parameter }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    // Closing twice (a retried cleanup) is not an error.
    await closeAdmission(next, clients);
  });

  it('refuses to admit where the target stack wrote no exemption set, naming the parameter', async () => {
    await expect(admitFleet(stag, clients)).rejects.toThrow(loadTestTarget(stag).admission!.setArnParameter);
  });

  it("wakes the sleeping service to prod's size for an HTTP spike, waits until it runs and answers, then returns it to sleep", async () => {
    seedLoadTestTargetInMoto(aws, stag);
    const standIn = scalingStandIn();
    await standIn.start();
    try {
      const admission = await admitFleet(stag, clients);
      admitted = admission.secret;
      const wanted = boundsFor(FLEET_PROFILES['seed-http']!.atProdSize, stag, prod);
      // Prod's peak vCPU in stag's (smaller) tasks.
      expect(wanted.minCapacity * stag.fargate.cpu).toBe(prod.fargate.maxCount * prod.fargate.cpu);
      const woken = await wakeTarget({
        env: stag,
        clients,
        bounds: wanted,
        readyUrl,
        headers: { [admission.header]: admission.secret },
        pollMs: 100,
        log: () => undefined,
      });
      expect(woken).toMatchObject({ before: { minCapacity: 0, maxCapacity: 0 }, during: wanted });
      expect(woken.runningCount).toBeGreaterThanOrEqual(wanted.minCapacity);
      expect(await targetBounds()).toEqual({ min: wanted.minCapacity, max: wanted.maxCapacity });
      const { cluster, service } = loadTestTarget(stag);
      const { services = [] } = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
      expect(services[0]?.desiredCount).toBe(wanted.minCapacity);
      // Readiness was asked with the admission, three answers in a row.
      expect(seen.filter((h) => h === admission.secret).length).toBeGreaterThanOrEqual(3);

      expect(await returnTarget({ autoscaling: clients.autoscaling, woken, log: () => undefined })).toBe('returned');
      expect(await targetBounds()).toEqual({ min: 0, max: 0 });
      await closeAdmission(admission, clients);
    } finally {
      await standIn.stop();
    }
  });

  it("reserves a spike's load balancer capacity, waits until every zone has it, and resets it after", async () => {
    seedLoadTestTargetInMoto(aws, stag);
    const standIn = new Elbv2CapacityStandIn({ motoEndpoint: moto.endpoint, pendingPolls: 2 });
    await standIn.start();
    const elb = new ElasticLoadBalancingV2Client({ ...moto.clientConfig, endpoint: standIn.endpoint });
    try {
      // seed-http: 100,000 posts/s of ~1.2 kB is 432 GB an hour, 432 LCU (connections need 200).
      expect(spikeLcus(100_000)).toBe(432);
      expect(lcusFor(1000, 1000, 50_000)).toBe(2000);
      const reservation = await reserveLoadBalancer({ env: stag, elb, lcus: 432, pollMs: 50, log: () => undefined });
      expect(reservation).toMatchObject({ lcus: 432, before: null, state: 'provisioned' });
      expect(reservation.loadBalancerArn).toMatch(new RegExp(`:loadbalancer/app/${loadTestTarget(stag).loadBalancer}/`));
      await releaseLoadBalancer(elb, reservation, () => undefined);
      expect(standIn.modifications).toEqual([
        expect.objectContaining({ LoadBalancerArn: reservation.loadBalancerArn, 'MinimumLoadBalancerCapacity.CapacityUnits': '432' }),
        expect.objectContaining({ LoadBalancerArn: reservation.loadBalancerArn, ResetCapacityReservation: 'true' }),
      ]);
    } finally {
      elb.destroy();
      await standIn.stop();
    }
  });

  it('goes on without a reservation AWS could not provision, and says so', async () => {
    seedLoadTestTargetInMoto(aws, stag);
    const standIn = new Elbv2CapacityStandIn({ motoEndpoint: moto.endpoint, fail: 'Insufficient capacity in ap-northeast-2a' });
    await standIn.start();
    const elb = new ElasticLoadBalancingV2Client({ ...moto.clientConfig, endpoint: standIn.endpoint });
    const lines: string[] = [];
    try {
      const reservation = await reserveLoadBalancer({ env: stag, elb, lcus: 10, pollMs: 50, log: (line) => lines.push(line) });
      expect(reservation.state).toBe('failed');
      expect(lines.join('\n')).toContain('Insufficient capacity in ap-northeast-2a');
      // A third decrease in a day is AWS's refusal, not a silent success.
      await releaseLoadBalancer(elb, reservation, () => undefined);
      await reserveLoadBalancer({ env: stag, elb, lcus: 10, pollMs: 50, timeoutMs: 0, log: () => undefined });
      await releaseLoadBalancer(elb, reservation, () => undefined);
      await reserveLoadBalancer({ env: stag, elb, lcus: 10, pollMs: 50, timeoutMs: 0, log: () => undefined });
      await expect(releaseLoadBalancer(elb, reservation, () => undefined)).rejects.toMatchObject({ name: 'CapacityDecreaseRequestsLimitExceeded' });
    } finally {
      elb.destroy();
      await standIn.stop();
    }
  });

  it("puts back a killed run's changes from its in-flight record, and forgets the record", async () => {
    seedLoadTestTargetInMoto(aws, stag);
    aws('s3api', 'create-bucket', '--bucket', loadgenResultsBucket(stag), '--create-bucket-configuration', `LocationConstraint=${stag.region}`);
    const elbStandIn = new Elbv2CapacityStandIn({ motoEndpoint: moto.endpoint, pendingPolls: 0 });
    await elbStandIn.start();
    const fargate = scalingStandIn();
    await fargate.start();
    const elb = new ElasticLoadBalancingV2Client({ ...moto.clientConfig, endpoint: elbStandIn.endpoint });
    const s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
    const all = { ...clients, elb, s3 };
    try {
      // A run gets as far as its admission, its wake and its reservation, recording each; then it is killed.
      const record: InFlight = { runId: 'r-killed' };
      const note = (change: Partial<InFlight>) => saveInFlight(s3, stag, Object.assign(record, change));
      const admission = await admitFleet(stag, clients);
      admitted = admission.secret;
      await note({ admission: { parameter: admission.parameter, setArn: admission.setArn } });
      const bounds = { minCapacity: 40, maxCapacity: 40 };
      await wakeTarget({
        env: stag,
        clients,
        bounds,
        readyUrl,
        headers: { [admission.header]: admission.secret },
        pollMs: 100,
        onChanged: (w) => note({ woken: w }),
        log: () => undefined,
      });
      await reserveLoadBalancer({ env: stag, elb, lcus: 432, pollMs: 50, onChanged: (r) => note({ reservation: r }), log: () => undefined });

      const leftover = await loadInFlight(s3, stag);
      expect(leftover).toMatchObject({ runId: 'r-killed', woken: { before: { minCapacity: 0 }, during: bounds }, reservation: { lcus: 432, before: null } });
      expect(JSON.stringify(leftover)).not.toContain(admission.secret);
      expect(await putBack(stag, all, leftover!, () => undefined)).toEqual(
        expect.arrayContaining(['target returned', 'reservation released', 'admission closed']),
      );
      expect(await targetBounds()).toEqual({ min: 0, max: 0 });
      expect(elbStandIn.modifications.at(-1)).toMatchObject({ ResetCapacityReservation: 'true' });
      await expect(clients.ssm.send(new GetParameterCommand({ Name: admission.parameter }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
      expect(await loadInFlight(s3, stag)).toBeNull();
    } finally {
      elb.destroy();
      s3.destroy();
      await fargate.stop();
      await elbStandIn.stop();
    }
  });

  it('leaves bounds someone else changed during the run, and returns a target that never woke at once', async () => {
    seedLoadTestTargetInMoto(aws, stag);
    const { scalableTarget } = loadTestTarget(stag);
    const woken = { resourceId: scalableTarget, before: { minCapacity: 0, maxCapacity: 0 }, during: { minCapacity: 1, maxCapacity: 4 }, runningCount: 1 };
    // The morning start fired during the run: its bounds stand.
    await clients.autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: scalableTarget,
        MinCapacity: 1,
        MaxCapacity: 8,
      }),
    );
    expect(await returnTarget({ autoscaling: clients.autoscaling, woken, log: () => undefined })).toBe('left');
    expect(await targetBounds()).toEqual({ min: 1, max: 8 });

    // Back to night; no stand-in applies the bounds, so the service never runs: the wake gives up
    // with what it saw and puts the target back to sleep.
    await clients.autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: scalableTarget,
        MinCapacity: 0,
        MaxCapacity: 0,
      }),
    );
    await expect(
      wakeTarget({ env: stag, clients, bounds: { minCapacity: 2, maxCapacity: 4 }, readyUrl, timeoutMs: 1000, pollMs: 100, log: () => undefined }),
    ).rejects.toThrow(/runs 0 of the 2 task\(s\) asked/);
    expect(await targetBounds()).toEqual({ min: 0, max: 0 });
  });
});
