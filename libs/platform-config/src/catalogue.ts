import { BOOTSTRAP_ROLES } from './naming';
import type { EnvironmentInput } from './schema';

/**
 * The accounts. dev, stag and prod are separate AWS accounts; previews live in dev.
 * These ids are the single place to change when the organisation's accounts are created.
 */
export const ACCOUNTS = {
  dev: '111111111111',
  stag: '222222222222',
  prod: '333333333333',
  // nx g @relay/nx-plugin:environment adds an account above this line.
} as const;

export const REGION = 'ap-northeast-2';

/**
 * The issuer and audience of the tokens every deployed environment's chat and broadcast service
 * verify (the secret is per env, in SSM); the load tests sign their users' tokens with them.
 */
export const DEPLOYED_TOKEN_CLAIMS = { issuer: 'relay', audience: 'relay-chat' } as const;

/**
 * How the local runtime signs and verifies tokens when no deployed env's settings are given.
 * Its secret is printed here for anyone to read, so the secret scan refuses it in any plan;
 * deployed environments read theirs from SSM.
 */
export const LOCAL_AUTH = { secret: 'relay-local-development-secret-not-for-any-deployed-env', issuer: 'relay-local', audience: 'relay-chat' } as const;

/** The GitHub repository whose workflows may plan and deploy (OIDC trust). */
export const GITHUB_REPOSITORY = 'relay-chat/relay';

const roles = (account: string) => ({
  deployRoleArn: `arn:aws:iam::${account}:role/${BOOTSTRAP_ROLES.deploy}`,
  planRoleArn: `arn:aws:iam::${account}:role/${BOOTSTRAP_ROLES.plan}`,
  prPlanRoleArn: `arn:aws:iam::${account}:role/${BOOTSTRAP_ROLES.prPlan}`,
});

const SEOUL_OFF_HOURS = {
  timezone: 'Asia/Seoul',
  // Weeknights 21:00 to 08:00 and all weekend: the services only start on weekday mornings.
  stopCron: 'cron(0 21 ? * MON-FRI *)',
  startCron: 'cron(0 8 ? * MON-FRI *)',
};

/**
 * What a non-prod account must have (Service Quotas): AWS's published Lambda default, and the
 * Fargate vCPU that accounts are commonly granted; new accounts can start lower, which the
 * preflight catches before an apply.
 */
const NONPROD_QUOTAS = { lambdaConcurrentExecutions: 1_000, fargateOnDemandVcpu: 6, fargateSpotVcpu: 6 };

/**
 * One k6 generator task (loadgen stack): 4 vCPU and 8 GiB, the size bench:loadgen's per-task
 * capacities are planned at (tools/fleet/plan.ts).
 */
export const LOADGEN_TASK = { cpu: 4096, memoryMb: 8192 } as const;

/**
 * From every generator task RUNNING to the fleet's start barrier on Fargate: each task fetches
 * its users file, reads the run's admission secret and measures its clock, then polls for the
 * barrier and starts k6, which must be through its init before the instant. It is a property of
 * where the tasks run, so the launch parameter carries it.
 */
export const FLEET_START_MARGIN_MS = 20_000;

/**
 * Hours a night the load-test edge (ADR 10) lives, as it bills (ALB and public addresses by the
 * started hour, WAF prorated by the hour): from the nightly's edge-up to its edge-down. The
 * workflow's job timeouts must fit in it (tools/cost-model/cost-model.spec.ts keeps them from drifting apart).
 */
export const LOAD_TEST_EDGE_HOURS = 2;

/**
 * The environment the nightly spike runs against gets the k6 fleet (loadgen stack) and the
 * quotas it needs; a copy made by the environment generator gets NONPROD_QUOTAS instead. Its
 * seed-http profile plans 16 generator tasks of 4 vCPU (64 On-Demand vCPU, 80 at maxTasks) and
 * pre-scales the broadcast service to prod's 20 vCPU beside them, on the env's Spot: quotas
 * requested ahead of the first fleet run (the fleet's preflight refuses a run a quota would
 * throttle). The fleet runs against the env's load-test edge: prod's front door (ALB, regional
 * WAF) for the nightly window only, so by day the env's own API is an HTTP API, billed per call
 * (docs/adr/0010-nightly-load-test-edge.md).
 */
const NIGHTLY_FLEET = {
  quotas: { ...NONPROD_QUOTAS, fargateOnDemandVcpu: 90, fargateSpotVcpu: 24 },
  // Thirty nights of the spike and its edge at $1.79 a night (docs/cost.md), with room.
  loadgen: { ...LOADGEN_TASK, maxTasks: 20, plannedMonthlyUsd: 70 },
  loadTestEdge: true,
  apiFrontDoor: 'http-api' as const,
};

/** Account defaults of API Gateway (Service Quotas); raise them there before raising them here. */
const DEFAULT_QUOTAS = { accountRequestsPerSecond: 10_000, accountNewConnectionsPerSecond: 500 };

/**
 * Each account's public hosted zone, created and delegated once by a person (docs/first-apply.md), then
 * recorded here like the account ids.
 */
const ZONE = 'relay-chat.example';
const domainIn = (zoneId: string, zoneName: string) => ({ zoneId, zoneName, apiHost: `api.${zoneName}`, webHost: `app.${zoneName}` });

export const CATALOGUE = {
  dev: {
    name: 'dev',
    kind: 'dev',
    accountId: ACCOUNTS.dev,
    region: REGION,
    ...roles(ACCOUNTS.dev),
    owner: 'platform',
    costCenter: 'relay-nonprod',
    lambda: { memoryMb: 256, deliveryConcurrency: 32, fanoutWorkers: 8 },
    fargate: { cpu: 256, memoryMb: 512, desiredCount: 1, minCount: 1, maxCount: 2, spot: true, containerInsights: false },
    webSocket: { rateLimit: 200, burstLimit: 500, ...DEFAULT_QUOTAS },
    quotas: NONPROD_QUOTAS,
    domain: domainIn('Z01000000000000000DEV', `dev.${ZONE}`),
    waf: false,
    // Developers call dev's API a few hundred times a day: an HTTP API bills those calls, where
    // an ALB billed $23.73 a month around the clock (docs/cost.md).
    apiFrontDoor: 'http-api',
    offHours: SEOUL_OFF_HOURS,
    retention: { logDays: 7, ecrKeepImages: 5, ecrUntaggedDays: 1 },
    protection: { deletionProtection: false, pointInTimeRecovery: false },
    alarms: { emails: [], deliveryLagMs: 1000 },
    // Nobody is paged for dev and nobody watches a dev dashboard: the chat's $8.70 a month of
    // alarms, dashboard and key became $1.70 (docs/cost.md).
    monitoring: { alarms: 'account-wide', dashboard: false },
    budget: { idleMonthlyUsd: 10 },
  },
  stag: {
    name: 'stag',
    kind: 'stag',
    accountId: ACCOUNTS.stag,
    region: REGION,
    ...roles(ACCOUNTS.stag),
    owner: 'platform',
    costCenter: 'relay-nonprod',
    lambda: { memoryMb: 512, deliveryConcurrency: 64, fanoutWorkers: 20 },
    fargate: { cpu: 512, memoryMb: 1024, desiredCount: 1, minCount: 1, maxCount: 4, spot: true, containerInsights: true },
    // Sized for the nightly spike profile (loadtests, ~500 follower arrivals/s, five requests
    // each) with margin; loadtests/test/nightly-capacity.spec.ts keeps the two from drifting apart.
    // Its account quotas are raised (requests 15,000/s: the nightly's 10k followers at a post a
    // second are 10k @connections posts/s on the same quota; new connections 1,000/s: the
    // default 500 is exactly the peak).
    webSocket: { rateLimit: 3_500, burstLimit: 2_000, accountRequestsPerSecond: 15_000, accountNewConnectionsPerSecond: 1_000 },
    ...NIGHTLY_FLEET,
    domain: domainIn('Z02000000000000000STG', `stag.${ZONE}`),
    waf: true,
    offHours: SEOUL_OFF_HOURS,
    retention: { logDays: 14, ecrKeepImages: 10, ecrUntaggedDays: 1 },
    protection: { deletionProtection: false, pointInTimeRecovery: true },
    alarms: { emails: ['relay-oncall@example.com'], deliveryLagMs: 500 },
    monitoring: { alarms: 'per-resource', dashboard: true },
    // A quarter of prod's idle, issue #29's target for stag (docs/cost.md#budgets).
    budget: { idleMonthlyUsd: 34 },
  },
  prod: {
    name: 'prod',
    kind: 'prod',
    accountId: ACCOUNTS.prod,
    region: REGION,
    ...roles(ACCOUNTS.prod),
    owner: 'platform',
    costCenter: 'relay-prod',
    lambda: { memoryMb: 1024, deliveryConcurrency: 128, reservedDeliverConcurrency: 200, fanoutWorkers: 100 },
    fargate: { cpu: 1024, memoryMb: 2048, desiredCount: 2, minCount: 2, maxCount: 20, spot: false, containerInsights: true },
    // Client requests get 6,000 of the 20,000/s the prod account is raised to; the rest is
    // left to delivery's @connections posts, which share the account quota (a 10k-follower
    // post is 10k requests). Not the account default: a stage at the quota starves delivery.
    webSocket: { rateLimit: 6_000, burstLimit: 3_000, accountRequestsPerSecond: 20_000, accountNewConnectionsPerSecond: 2_000 },
    // deliver reserves 200 and the fan-out workers take up to 100 of the rest; 20 on-demand
    // tasks of 1 vCPU at the broadcast service's peak, with room for a deployment's overlap.
    quotas: { lambdaConcurrentExecutions: 1_000, fargateOnDemandVcpu: 40, fargateSpotVcpu: 6 },
    domain: domainIn('Z03000000000000000PRD', ZONE),
    waf: true,
    apiFrontDoor: 'load-balancer',
    offHours: null,
    retention: { logDays: 90, ecrKeepImages: 50, ecrUntaggedDays: 7 },
    protection: { deletionProtection: true, pointInTimeRecovery: true },
    alarms: { emails: ['relay-oncall@example.com'], deliveryLagMs: 200 },
    monitoring: { alarms: 'per-resource', dashboard: true },
    // Today's $136.85 with room: prod has no cost target (stag's is a quarter of prod's idle).
    budget: { idleMonthlyUsd: 140 },
  },
  // nx g @relay/nx-plugin:environment adds an environment above this line.
} satisfies Record<string, EnvironmentInput>;

/** A developer's preview: the dev account, the smallest sizes, and a TTL for the sweep. */
export function previewInput(developer: string): EnvironmentInput {
  const dev = CATALOGUE.dev;
  return {
    ...dev,
    name: `dev-${developer}`,
    kind: 'preview',
    // Previews deploy with a role of their own, which reaches no dev resource.
    deployRoleArn: `arn:aws:iam::${ACCOUNTS.dev}:role/${BOOTSTRAP_ROLES.preview}`,
    owner: developer,
    lambda: { memoryMb: 256, deliveryConcurrency: 16, fanoutWorkers: 2 },
    fargate: { cpu: 256, memoryMb: 512, desiredCount: 1, minCount: 1, maxCount: 1, spot: true, containerInsights: false },
    // Previews run the chat stack only: no ALB or CDN to name.
    domain: null,
    retention: { logDays: 3, ecrKeepImages: 3, ecrUntaggedDays: 1 },
    monitoring: { alarms: 'none', dashboard: false },
    // $0.30 a day; its AWS Budget is the dev account's.
    budget: { idleMonthlyUsd: 9.12 },
    ttlHours: 72,
  };
}
