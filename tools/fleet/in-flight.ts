import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { WAFV2Client } from '@aws-sdk/client-wafv2';
import { loadgenResultsBucket, type Environment } from '@relay/platform-config';
import { closeAdmission, type Admission } from './admission';
import { releaseLoadBalancer, type Reservation } from './load-balancer-reservation';
import { returnTarget, type Woken } from './wake';

/**
 * What a run has changed in its target and not yet put back, kept in the results bucket before
 * each change (runs/in-flight/<env>.json), so a run that never reached its own cleanup (a job
 * cancelled or timed out, a runner lost) is put back by the workflow's always-run step or by the
 * next run, instead of leaving stag at prod's size, an LCU reservation billing, or the WAF
 * admitting a secret. The secret itself is never in the record.
 */
export interface InFlight {
  runId: string;
  admission?: Pick<Admission, 'parameter' | 'setArn'>;
  woken?: Woken;
  reservation?: Reservation;
}

export interface TargetClients {
  s3: S3Client;
  ssm: SSMClient;
  waf: WAFV2Client;
  autoscaling: ApplicationAutoScalingClient;
  elb: ElasticLoadBalancingV2Client;
}

const key = (env: Environment) => `runs/in-flight/${env.name}.json`;

export async function saveInFlight(s3: S3Client, env: Environment, record: InFlight): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: loadgenResultsBucket(env), Key: key(env), Body: JSON.stringify(record), ContentType: 'application/json' }));
}

export async function loadInFlight(s3: S3Client, env: Environment): Promise<InFlight | null> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: loadgenResultsBucket(env), Key: key(env) }));
    return JSON.parse((await response.Body?.transformToString()) ?? 'null') as InFlight | null;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return null;
    throw error;
  }
}

/**
 * Puts back everything the record names (each part attempted even when another fails), then
 * forgets the record. Returns what it did, for the log.
 */
export async function putBack(env: Environment, clients: TargetClients, record: InFlight, log: (line: string) => void = console.log): Promise<string[]> {
  const done: string[] = [];
  const results = await Promise.allSettled([
    record.woken ? returnTarget({ autoscaling: clients.autoscaling, woken: record.woken, log }).then((r) => done.push(`target ${r}`)) : undefined,
    record.reservation ? releaseLoadBalancer(clients.elb, record.reservation, log).then(() => done.push('reservation released')) : undefined,
    record.admission ? closeAdmission(record.admission, clients).then(() => done.push('admission closed')) : undefined,
  ]);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
  if (failed.length > 0) throw new Error(`putting back run ${record.runId}'s changes to ${env.name} failed (the record is kept): ${failed.join('; ')}`);
  await clients.s3.send(new DeleteObjectCommand({ Bucket: loadgenResultsBucket(env), Key: key(env) }));
  return done;
}
