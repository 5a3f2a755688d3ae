import {
  DescribeCapacityReservationCommand,
  DescribeLoadBalancersCommand,
  ModifyCapacityReservationCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { loadTestTarget, type Environment } from '@relay/platform-config';

/**
 * The broadcast load balancer's capacity for an HTTP spike: an ALB scales on its own from its
 * idle size over minutes, and a 10 s spike is over before it has. An LCU reservation (ELBv2
 * ModifyCapacityReservation) provisions the capacity ahead, usually within minutes; it bills by
 * the LCU-hour while it stands, and AWS allows only two decreases a day, so it is reset once,
 * after the run. The reservation is the ALB's whole regional capacity, spread over its zones.
 */
export interface Reservation {
  loadBalancerArn: string;
  /** The reservation found before (null: none), which release() restores. */
  before: number | null;
  lcus: number;
  /** provisioned, or why not (the run goes on, and records it: the ALB then warms up on its own). */
  state: 'provisioned' | 'failed' | 'timed-out';
}

export class ReservationError extends Error {}

/**
 * The LCUs a spike of `requestsPerSecond` needs, by the ALB's own dimensions (per LCU: 25 new
 * connections/s, 3,000 active connections a minute, 1 GB processed an hour, 1,000 rule
 * evaluations/s beyond the first 10 rules): with k6 reusing each VU's connection, processed bytes
 * decide it. `bytesPerRequest` is request and response together, as k6 counts them.
 */
export function lcusFor(requestsPerSecond: number, bytesPerRequest: number, connections: number): number {
  const byBytes = (requestsPerSecond * bytesPerRequest * 3600) / 1e9;
  const byNewConnections = connections / 25;
  const byActiveConnections = connections / 3000;
  return Math.ceil(Math.max(byBytes, byNewConnections, byActiveConnections));
}

/**
 * A broadcast spike's LCUs: its posts' bytes and its connections, one per post in flight at
 * ~50 ms a post (Little's law), each new at the start.
 */
export function spikeLcus(postsPerSecond: number): number {
  return lcusFor(postsPerSecond, BYTES_PER_POST, Math.ceil(postsPerSecond * 0.05));
}
/**
 * A post's request and response as k6 counts them: 886 B on the local broadcast-api smoke run
 * (2026-12-05: data_sent + data_received over http_reqs), plus the 75 B admission header and
 * the headers the ALB adds (X-Forwarded-*, X-Amzn-Trace-Id), rounded up.
 */
export const BYTES_PER_POST = 1200;

async function reservedNow(elb: ElasticLoadBalancingV2Client, arn: string) {
  const response = await elb.send(new DescribeCapacityReservationCommand({ LoadBalancerArn: arn }));
  const codes = (response.CapacityReservationState ?? []).map((s) => s.State?.Code ?? 'unknown');
  return {
    units: response.MinimumLoadBalancerCapacity?.CapacityUnits ?? null,
    codes,
    reasons: (response.CapacityReservationState ?? []).map((s) => s.State?.Reason).filter(Boolean),
  };
}

export async function reserveLoadBalancer(options: {
  env: Environment;
  elb: ElasticLoadBalancingV2Client;
  lcus: number;
  timeoutMs?: number;
  pollMs?: number;
  /** Called once the reservation is asked for, before the wait (the run's record of what to put back). */
  onChanged?: (reservation: Reservation) => Promise<void>;
  log?: (line: string) => void;
}): Promise<Reservation> {
  const { elb, lcus } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const name = loadTestTarget(options.env).loadBalancer;
  const { LoadBalancers = [] } = await elb.send(new DescribeLoadBalancersCommand({ Names: [name] })).catch((error: unknown) => {
    throw new ReservationError(
      `no load balancer ${name} (${(error as Error).name}): is the env's load-test target (its edge, else its platform stack) applied?`,
    );
  });
  const arn = LoadBalancers[0]?.LoadBalancerArn;
  if (!arn) throw new ReservationError(`no load balancer ${name}`);
  const before = (await reservedNow(elb, arn)).units;
  await elb.send(new ModifyCapacityReservationCommand({ LoadBalancerArn: arn, MinimumLoadBalancerCapacity: { CapacityUnits: lcus } }));
  log(`reserved ${lcus} LCU on ${name} (before: ${before ?? 'none'}); waiting for it to be provisioned`);
  await options.onChanged?.({ loadBalancerArn: arn, before, lcus, state: 'timed-out' });
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  for (;;) {
    const now = await reservedNow(elb, arn);
    if (now.codes.length > 0 && now.codes.every((c) => c === 'provisioned')) return { loadBalancerArn: arn, before, lcus, state: 'provisioned' };
    if (now.codes.includes('failed')) {
      log(`the reservation failed (${now.reasons.join('; ') || 'no reason given'}): the load balancer scales on its own for this run`);
      return { loadBalancerArn: arn, before, lcus, state: 'failed' };
    }
    if (Date.now() > deadline) {
      log(`the reservation is still ${now.codes.join(', ')}: the run goes on without it`);
      return { loadBalancerArn: arn, before, lcus, state: 'timed-out' };
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 15_000));
  }
}

/** Back to what was reserved before the run (usually nothing), so the reservation stops billing. */
export async function releaseLoadBalancer(
  elb: ElasticLoadBalancingV2Client,
  reservation: Reservation,
  log: (line: string) => void = console.log,
): Promise<void> {
  await elb.send(
    new ModifyCapacityReservationCommand(
      reservation.before === null
        ? { LoadBalancerArn: reservation.loadBalancerArn, ResetCapacityReservation: true }
        : { LoadBalancerArn: reservation.loadBalancerArn, MinimumLoadBalancerCapacity: { CapacityUnits: reservation.before } },
    ),
  );
  log(`released the load balancer's reservation (back to ${reservation.before ?? 'none'})`);
}
