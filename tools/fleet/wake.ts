import { DescribeScalableTargetsCommand, RegisterScalableTargetCommand, type ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { loadTestTarget, type Environment } from '@relay/platform-config';

/**
 * Wakes the target's broadcast service for a run and returns it afterwards, through the
 * off-hours schedule's own mechanism: the scalable target's bounds (min = max = 0 at night).
 * Setting the service's desired count instead would be undone by the schedule or by target
 * tracking; bounds are what both respect. Autoscaling cannot react inside a 10 s spike, so a
 * profile that needs prod's size gets it as the minimum before the test, not as a maximum.
 */
export interface Bounds {
  minCapacity: number;
  maxCapacity: number;
}

export interface Woken {
  resourceId: string;
  /** The bounds found before the run, which return() restores. */
  before: Bounds;
  /** The bounds the run ran at. */
  during: Bounds;
  runningCount: number;
}

export class WakeError extends Error {}

const TARGET = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;

/**
 * The bounds a run needs. At prod's size: as many of the env's tasks as make prod's peak vCPU
 * (prod's tasks may be larger; the count is what scaling can change), held as the minimum.
 * Otherwise (smoke runs; chat runs, which need the service only for the clock route) the env's
 * daytime bounds, at least one task.
 */
export function boundsFor(atProdSize: boolean, env: Environment, prod: Environment): Bounds {
  if (atProdSize) {
    const count = Math.ceil((prod.fargate.maxCount * prod.fargate.cpu) / env.fargate.cpu);
    return { minCapacity: count, maxCapacity: count };
  }
  return { minCapacity: Math.max(1, env.fargate.minCount), maxCapacity: Math.max(1, env.fargate.maxCount) };
}

async function readBounds(autoscaling: ApplicationAutoScalingClient, resourceId: string): Promise<Bounds> {
  const { ScalableTargets = [] } = await autoscaling.send(new DescribeScalableTargetsCommand({ ...TARGET, ResourceIds: [resourceId] }));
  const target = ScalableTargets.find((t) => t.ResourceId === resourceId && t.ScalableDimension === TARGET.ScalableDimension);
  if (!target || target.MinCapacity === undefined || target.MaxCapacity === undefined)
    throw new WakeError(`no scalable target ${resourceId}: is the env's load-test target (its edge, else its platform stack) applied?`);
  return { minCapacity: target.MinCapacity, maxCapacity: target.MaxCapacity };
}

async function register(autoscaling: ApplicationAutoScalingClient, resourceId: string, bounds: Bounds): Promise<void> {
  await autoscaling.send(
    new RegisterScalableTargetCommand({ ...TARGET, ResourceId: resourceId, MinCapacity: bounds.minCapacity, MaxCapacity: bounds.maxCapacity }),
  );
}

/**
 * Sets the bounds, then waits until the service runs the minimum and the target answers its
 * readiness route (the load balancer's health check path) `readyAnswers` times in a row.
 */
export async function wakeTarget(options: {
  env: Environment;
  clients: { autoscaling: ApplicationAutoScalingClient; ecs: ECSClient };
  bounds: Bounds;
  readyUrl: string;
  /** Extra headers on the readiness requests (the run's WAF admission). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  pollMs?: number;
  readyAnswers?: number;
  /** Called once the new bounds are set, before the wait: where the run records what to put back. */
  onChanged?: (woken: Woken) => Promise<void>;
  log?: (line: string) => void;
}): Promise<Woken> {
  const { env, clients, bounds } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const { cluster, service, scalableTarget } = loadTestTarget(env);
  const before = await readBounds(clients.autoscaling, scalableTarget);
  await register(clients.autoscaling, scalableTarget, bounds);
  log(`woke ${scalableTarget}: bounds ${show(before)} -> ${show(bounds)}`);
  await options.onChanged?.({ resourceId: scalableTarget, before, during: bounds, runningCount: 0 });
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  // DescribeServices every 2 s: the run waits on it, and ECS allows 20 cluster reads a second.
  const pollMs = options.pollMs ?? 2000;
  let runningCount = 0;
  try {
    for (;;) {
      const { services = [] } = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
      runningCount = services[0]?.runningCount ?? 0;
      if (runningCount >= bounds.minCapacity) break;
      if (Date.now() > deadline)
        throw new WakeError(`${cluster}/${service} runs ${runningCount} of the ${bounds.minCapacity} task(s) asked, after ${secondsOf(options.timeoutMs)}`);
      await sleep(pollMs);
    }
    // In a row: a load balancer still registering new tasks answers from some and not others.
    const needed = options.readyAnswers ?? 3;
    let answers = 0;
    let last = '';
    for (;;) {
      const response = await fetch(options.readyUrl, { headers: options.headers ?? {}, signal: AbortSignal.timeout(5000) }).catch((error: unknown) => {
        last = error instanceof Error ? error.message : String(error);
        return undefined;
      });
      if (response) last = `${response.status}`;
      answers = response?.ok ? answers + 1 : 0;
      if (answers >= needed) break;
      if (Date.now() > deadline) throw new WakeError(`${options.readyUrl} is not ready after ${secondsOf(options.timeoutMs)} (last: ${last})`);
      await sleep(answers > 0 ? 200 : pollMs);
    }
  } catch (error) {
    // A target that never woke is returned at once, not left at a run's size.
    await returnTarget({ autoscaling: clients.autoscaling, woken: { resourceId: scalableTarget, before, during: bounds, runningCount }, log });
    throw error;
  }
  log(`${cluster}/${service}: ${runningCount} task(s) running, ${options.readyUrl} ready`);
  return { resourceId: scalableTarget, before, during: bounds, runningCount };
}

/**
 * Restores the bounds found before the run, unless something else changed them meanwhile (the
 * morning start, an operator): then they are theirs, and left as found.
 */
export async function returnTarget(options: {
  autoscaling: ApplicationAutoScalingClient;
  woken: Woken;
  log?: (line: string) => void;
}): Promise<'returned' | 'left'> {
  const { autoscaling, woken } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const now = await readBounds(autoscaling, woken.resourceId);
  const same = (a: Bounds, b: Bounds) => a.minCapacity === b.minCapacity && a.maxCapacity === b.maxCapacity;
  if (same(now, woken.before)) return 'returned';
  if (!same(now, woken.during)) {
    log(`${woken.resourceId} was changed to ${show(now)} during the run: left as it is`);
    return 'left';
  }
  await register(autoscaling, woken.resourceId, woken.before);
  log(`returned ${woken.resourceId} to ${show(woken.before)}`);
  return 'returned';
}

const show = (b: Bounds) => `min ${b.minCapacity} / max ${b.maxCapacity}`;
const secondsOf = (ms: number | undefined) => `${Math.round((ms ?? 600_000) / 1000)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
