import { z } from 'zod';
import { RESERVED_ENVIRONMENT_NAMES } from './naming';

export const accountIdSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const regionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as ap-northeast-2');
const roleArnSchema = z.string().regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN');

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
const retentionDays = z.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
  message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
});

/** Valid Fargate cpu/memory pairs (MiB) for the sizes we use. */
const FARGATE_MEMORY: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: [4096, 5120, 6144, 7168, 8192, 16384],
};

/** Valid Fargate cpu/memory pairs (MiB) at a load generator's sizes (AWS's task size table). */
const gib = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => (from + i * step) * 1024);
const LOADGEN_MEMORY: Record<number, number[]> = {
  1024: gib(2, 8, 1),
  2048: gib(4, 16, 1),
  4096: gib(8, 30, 1),
  8192: gib(16, 60, 4),
  16384: gib(32, 120, 8),
};

const hostname = z.string().regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lowercase DNS name');

/**
 * A public hosted zone (created and delegated by a person, its id recorded here like the account
 * ids) and the names served from it: the broadcast API behind the ALB and the web client behind
 * CloudFront, each with an ACM certificate validated through the zone.
 */
const domainSchema = z
  .object({
    zoneId: z.string().regex(/^Z[A-Z0-9]{4,32}$/, 'must be a Route 53 hosted zone id'),
    zoneName: hostname,
    apiHost: hostname,
    webHost: hostname,
  })
  .refine((d) => [d.apiHost, d.webHost].every((h) => h === d.zoneName || h.endsWith(`.${d.zoneName}`)), {
    message: 'apiHost and webHost must be names inside zoneName',
  });

const scheduleCron = z.string().regex(/^cron\(.+\)$/, 'must be an EventBridge Scheduler cron(...) expression');

/** Lambda keeps this much of an account's concurrency unreserved; a reservation below it is refused. */
export const UNRESERVED_LAMBDA_CONCURRENCY = 100;

/** The vCPU a service holds at its largest: maxCount tasks of cpu/1024 vCPU each. */
export const fargatePeakVcpu = (f: { cpu: number; maxCount: number }) => (f.maxCount * f.cpu) / 1024;

export const environmentSchema = z
  .object({
    /** A base environment (its catalogue key), or dev-<name> for a preview. */
    name: z.string().regex(/^[a-z][a-z0-9]{1,9}(-[a-z][a-z0-9]{1,15})?$/, 'must be a short lowercase name, or dev-<name> for a preview'),
    kind: z.enum(['dev', 'stag', 'prod', 'preview']),
    accountId: accountIdSchema,
    region: regionSchema,
    /** Role that terraform apply assumes; plan uses the read-only role. */
    deployRoleArn: roleArnSchema,
    planRoleArn: roleArnSchema,
    /** Role pull-request plans use: reads the env's state objects and nothing else. */
    prPlanRoleArn: roleArnSchema,
    owner: z.string().min(1),
    costCenter: z.string().min(1),
    lambda: z.object({
      memoryMb: z.number().int().min(128).max(10240),
      deliveryConcurrency: z.number().int().min(1).max(1000),
      reservedDeliverConcurrency: z.number().int().min(1).optional(),
      /**
       * Fan-out workers running at once (the chunk queue's event source maximum concurrency).
       * Each posts deliveryConcurrency at a time, so workers x deliveryConcurrency / 20 ms is the
       * env's delivery ceiling; it should exceed the account's API Gateway quota, which is then
       * the only limit left.
       */
      fanoutWorkers: z.number().int().min(2).max(1000),
    }),
    fargate: z
      .object({
        cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048)]),
        memoryMb: z.number().int(),
        desiredCount: z.number().int().min(0),
        minCount: z.number().int().min(0),
        maxCount: z.number().int().min(1),
        spot: z.boolean(),
        /** Task-level metrics (and the running < desired alarm); they cost per metric. */
        containerInsights: z.boolean(),
      })
      .refine((f) => FARGATE_MEMORY[f.cpu]?.includes(f.memoryMb), { message: 'cpu/memory is not a valid Fargate size' })
      .refine((f) => f.minCount <= f.desiredCount && f.desiredCount <= f.maxCount, {
        message: 'needs minCount <= desiredCount <= maxCount',
      }),
    /**
     * The WebSocket stage's throttles (requests/s and burst) and the account's API Gateway
     * quotas they sit under. The defaults are 10,000 requests/s shared by every API of the
     * account (the @connections posts of delivery included) and 500 new connections/s; a value
     * above the default here records a quota increase that must be requested before applying.
     */
    webSocket: z.object({
      rateLimit: z.number().int().positive(),
      burstLimit: z.number().int().positive(),
      accountRequestsPerSecond: z.number().int().min(10_000),
      accountNewConnectionsPerSecond: z.number().int().min(500),
    }),
    /**
     * Account quotas (Service Quotas) this environment's sizes need beside API Gateway's above:
     * the values its account must have before an apply, which the terraform runner's preflight
     * reads live and the bootstrap prints as a checklist. New accounts start below AWS's
     * published defaults (Lambda concurrency especially), so each is a request to make, not an
     * assumption. SQS standard queues allow about 120,000 messages in flight: not adjustable.
     */
    quotas: z.object({
      /** lambda L-B99A9384 "Concurrent executions"; AWS keeps 100 of it unreserved. */
      lambdaConcurrentExecutions: z.number().int().min(10),
      /** fargate L-3032A538 "Fargate On-Demand vCPU resource count". */
      fargateOnDemandVcpu: z.number().int().min(1),
      /** fargate L-36FBB829 "Fargate Spot vCPU resource count". */
      fargateSpotVcpu: z.number().int().min(1),
    }),
    /** null: plain HTTP on the ALB and CloudFront's own name; only dev and previews may do that. */
    domain: domainSchema.nullable(),
    /**
     * AWS WAF (AWS managed rule groups and a rate limit) in front of CloudFront, and of the API
     * where an ALB serves it (an HTTP API cannot carry one; a load-test edge has its own).
     */
    waf: z.boolean(),
    /**
     * What serves the broadcast API: `load-balancer`, an ALB ($24 a month with its addresses
     * before any request; WAF attaches to it, the nightly fleet reserves its capacity), or
     * `http-api`, API Gateway through a VPC link to the tasks (billed per request).
     */
    apiFrontDoor: z.enum(['load-balancer', 'http-api']),
    /**
     * The nightly's load-test front door as a stack of its own (edge-<env>, ADR 10): prod's
     * front door (ALB, regional WAF with the fleet's admission, a broadcast service behind it)
     * that the nightly applies before its fleet runs and destroys after, so the env does not pay
     * for it around the clock. Only where a fleet runs (loadgen) and names can be certified (domain).
     */
    loadTestEdge: z.boolean().default(false),
    /** Non-prod services sleep at night; null keeps them running. */
    offHours: z.object({ timezone: z.string().min(1), stopCron: scheduleCron, startCron: scheduleCron }).nullable(),
    retention: z.object({
      logDays: retentionDays,
      ecrKeepImages: z.number().int().min(1),
      ecrUntaggedDays: z.number().int().min(1),
    }),
    protection: z.object({ deletionProtection: z.boolean(), pointInTimeRecovery: z.boolean() }),
    alarms: z.object({ emails: z.array(z.email()), deliveryLagMs: z.number().int().positive() }),
    /**
     * What watching the env costs (docs/cost.md): CloudWatch bills every alarm's metric and
     * every dashboard a month, whether anything happens or not.
     * - alarms `per-resource`: each function, table, queue and API alarms on its own (who pages
     *   needs to know which); `account-wide`: Lambda errors and throttles over every function in
     *   the account, lost work (dead letters) and the delivery promise; `none`: nothing of its
     *   own, for previews, which the dev account's account-wide alarms already watch.
     * - dashboard: the chat's delivery dashboard, where someone looks at the env.
     */
    monitoring: z.object({ alarms: z.enum(['per-resource', 'account-wide', 'none']), dashboard: z.boolean() }),
    /**
     * What the env may cost idle a month (USD): cost:estimate fails when the synthesized stacks'
     * fixed cost exceeds it, and the env's AWS Budget alerts the alarm topic at the same figure
     * (actual or forecast spend). A preview's is its share of the dev account's.
     */
    budget: z.object({ idleMonthlyUsd: z.number().positive() }),
    /**
     * The in-region k6 fleet (loadgen-<env> stack): null where no spike runs against this env.
     * Tasks run On-Demand (a reclaimed Spot task would end its share of the test); maxTasks is
     * what the stack and the workflow's role allow at once, and what quotas.fargateOnDemandVcpu
     * must cover beside the env's own services when a run needs them all.
     */
    loadgen: z
      .object({
        cpu: z.union([z.literal(1024), z.literal(2048), z.literal(4096), z.literal(8192), z.literal(16384)]),
        memoryMb: z.number().int(),
        maxTasks: z.number().int().min(1).max(500),
        /**
         * What the fleet's planned runs cost a month (USD): thirty nights of the nightly as
         * cost:estimate prices one, its load-test edge included. The env's AWS Budget alerts at
         * its idle figure plus this, so the runs it plans do not page anyone.
         */
        plannedMonthlyUsd: z.number().min(0),
      })
      .refine((l) => LOADGEN_MEMORY[l.cpu]?.includes(l.memoryMb), { message: 'cpu/memory is not a valid Fargate size' })
      .nullable()
      .default(null),
    /** Previews only: when the sweep may destroy it. */
    ttlHours: z.number().int().positive().optional(),
  })
  .refine((e) => [e.deployRoleArn, e.planRoleArn, e.prPlanRoleArn].every((arn) => arn.split(':')[4] === e.accountId), {
    message: 'deploy and plan roles must live in the environment’s own account',
    path: ['deployRoleArn'],
  })
  .refine((e) => e.webSocket.rateLimit <= e.webSocket.accountRequestsPerSecond, {
    message: "the stage's rate limit cannot exceed the account's API Gateway request quota it shares",
    path: ['webSocket', 'rateLimit'],
  })
  .refine((e) => (e.kind !== 'stag' && e.kind !== 'prod') || e.domain !== null, {
    message: 'stag and prod carry bearer tokens, so they are served over HTTPS only: give them a domain (hosted zone) for their certificates',
    path: ['domain'],
  })
  .refine((e) => e.kind !== 'prod' || (e.protection.deletionProtection && e.protection.pointInTimeRecovery), {
    message: 'prod must keep deletion protection and point-in-time recovery',
    path: ['protection'],
  })
  .refine((e) => e.apiFrontDoor === 'load-balancer' || e.loadTestEdge || !e.loadgen, {
    message:
      'a load generator loads prod’s front door (an ALB whose capacity it reserves, behind WAF): an env with loadgen needs apiFrontDoor load-balancer, or a load-test edge that brings one for the nightly',
    path: ['apiFrontDoor'],
  })
  .refine((e) => !e.loadTestEdge || (e.loadgen !== null && e.domain !== null && e.kind !== 'prod'), {
    message: 'a load-test edge is the nightly fleet’s front door: it needs loadgen and a domain, and prod serves its own',
    path: ['loadTestEdge'],
  })
  .refine((e) => e.kind !== 'prod' || e.monitoring.alarms === 'per-resource', {
    message: 'prod pages someone: its alarms must say which function, table or queue (monitoring.alarms per-resource)',
    path: ['monitoring', 'alarms'],
  })
  .refine((e) => (e.kind === 'preview') === (e.monitoring.alarms === 'none'), {
    message: 'previews, and only previews, go without alarms of their own (the dev account’s account-wide alarms watch them)',
    path: ['monitoring', 'alarms'],
  })
  .refine((e) => (e.lambda.reservedDeliverConcurrency ?? 0) + UNRESERVED_LAMBDA_CONCURRENCY <= e.quotas.lambdaConcurrentExecutions, {
    message: `reserved concurrency must leave ${UNRESERVED_LAMBDA_CONCURRENCY} of quotas.lambdaConcurrentExecutions unreserved (AWS refuses the reservation otherwise)`,
    path: ['lambda', 'reservedDeliverConcurrency'],
  })
  .refine((e) => (e.lambda.reservedDeliverConcurrency ?? 0) + e.lambda.fanoutWorkers + UNRESERVED_LAMBDA_CONCURRENCY <= e.quotas.lambdaConcurrentExecutions, {
    message: `the fan-out workers must fit in the unreserved concurrency with ${UNRESERVED_LAMBDA_CONCURRENCY} to spare for the routes`,
    path: ['lambda', 'fanoutWorkers'],
  })
  .refine((e) => fargatePeakVcpu(e.fargate) <= (e.fargate.spot ? e.quotas.fargateSpotVcpu : e.quotas.fargateOnDemandVcpu), {
    message: "maxCount tasks at the task's vCPU exceed the account's Fargate vCPU quota (quotas.fargateSpotVcpu or fargateOnDemandVcpu)",
    path: ['fargate', 'maxCount'],
  })
  .refine((e) => !e.loadgen || (e.loadgen.maxTasks * e.loadgen.cpu) / 1024 <= e.quotas.fargateOnDemandVcpu, {
    message: 'loadgen.maxTasks generator tasks exceed the account’s Fargate On-Demand vCPU quota (quotas.fargateOnDemandVcpu)',
    path: ['loadgen', 'maxTasks'],
  })
  .refine((e) => !e.offHours || e.fargate.minCount >= 1, {
    message:
      'with an off-hours schedule, minCount must be at least 1: the morning start restores min/max, and target tracking has no datapoints to scale up from 0 tasks',
    path: ['fargate', 'minCount'],
  })
  .refine((e) => !(RESERVED_ENVIRONMENT_NAMES as readonly string[]).includes(e.name), {
    message: `is reserved: ${RESERVED_ENVIRONMENT_NAMES.join(', ')} would share names with previews (relay-pv-*)`,
    path: ['name'],
  })
  .refine((e) => (e.kind === 'preview') === (e.ttlHours !== undefined), {
    message: 'previews, and only previews, carry ttlHours',
    path: ['ttlHours'],
  });

export type Environment = z.infer<typeof environmentSchema>;
export type EnvironmentInput = z.input<typeof environmentSchema>;

/**
 * No design delivers one post to every follower sooner than the account's API Gateway quota lets
 * it post: followers ÷ quota (the delivery model's floor, and the fleet's report beside a run).
 */
export function quotaFloorMs(followers: number, quotaPerSecond: number): number {
  return (followers / quotaPerSecond) * 1000;
}
