import type { Environment } from './schema';

/**
 * Previews' names start with `relay-pv-`, never `relay-dev-`: a pattern over one environment's
 * names (relay-dev-*) must never reach a preview's, nor a preview's (relay-pv-*) dev's. No base
 * environment may be called `pv` (the schema reserves it), which keeps the two apart.
 */
export const PREVIEW_NAME_PREFIX = 'relay-pv';
export const RESERVED_ENVIRONMENT_NAMES = ['pv'] as const;

/** A preview's own name (alice for dev-alice). */
export function previewOwnName(env: Environment): string {
  if (env.kind !== 'preview') throw new Error(`${env.name} is not a preview`);
  return env.name.slice('dev-'.length);
}

/** Every resource name starts with this, which is what isolates environments and previews from each other. */
export function resourcePrefix(env: Environment): string {
  return env.kind === 'preview' ? `${PREVIEW_NAME_PREFIX}-${previewOwnName(env)}` : `relay-${env.name}`;
}

/** SSM Parameter Store path for an app's runtime configuration. */
export function parameterPath(env: Environment, ...parts: string[]): string {
  return ['', 'relay', env.name, ...parts].join('/');
}

/**
 * The secrets of an environment, as SSM SecureStrings under its path. Terraform never creates,
 * reads or stores them (so no value can reach state, plans or CI artifacts, and no plan role
 * needs to read them): tools/nx-plugin/operations/secrets/ensure-secrets.ts creates each with a random value before
 * the first apply, and consumers refer to them by these names.
 */
export const RUNTIME_SECRETS = ['chat/auth-token-secret', 'chat/cursor-secret'] as const;
export type RuntimeSecret = (typeof RUNTIME_SECRETS)[number];

export function secretParameter(env: Environment, secret: RuntimeSecret): { name: string; arn: string } {
  const name = parameterPath(env, ...secret.split('/'));
  return { name, arn: `arn:aws:ssm:${env.region}:${env.accountId}:parameter${name}` };
}

/** Where terraform keeps a stack's state: one bucket per account, one key per stack and env. */
export function stateLocation(env: Environment, stack: string) {
  return {
    bucket: `relay-tfstate-${env.accountId}-${env.region}`,
    key: `${stack}/${env.name}.tfstate`,
    region: env.region,
  };
}

/**
 * The account's log bucket (bootstrap stack): ALB and CloudFront access logs, S3 server access
 * logs and VPC flow logs of every environment in the account, previews included.
 */
export function logBucketName(env: Environment): string {
  return `relay-logs-${env.accountId}-${env.region}`;
}

/**
 * Tags the deploy pipeline gives an image: `sha-<commit>` when it is pushed, and `live-<commit>`
 * once an apply has put it into service (tags are immutable, so an image gains tags, never
 * moves them). The registry's lifecycle rules select by these prefixes (ImageRepository); the
 * workflows ask env-info.ts for a tag rather than spell one.
 */
export const IMAGE_TAG_PREFIXES = { pushed: 'sha-', live: 'live-' } as const;

/** The broadcast service's image registry (bootstrap stack): it exists before any image does. */
export function imageRepositoryName(env: Environment, service: string): string {
  return `${resourcePrefix(env)}-${service}`;
}

/** Where the deploy pipeline records the digest of the image it pushed, for plans to read. */
export function imageDigestParameter(env: Environment, service: string): string {
  return parameterPath(env, service, 'image-digest');
}

/**
 * The generator's container in the loadgen stack's task definition, which the fleet's RunTask
 * overrides name: here, not beside the construct, so the fleet reads it without loading cdktf.
 */
export const LOADGEN_CONTAINER = 'k6';

/** The k6 fleet's results bucket (loadgen stack): one prefix per task of every run, 30 days. */
export function loadgenResultsBucket(env: Environment): string {
  return `${resourcePrefix(env)}-loadgen-${env.accountId}-${env.region}`;
}

/**
 * What the fleet's orchestrator needs to launch tasks (cluster, task definition, subnets,
 * security group, bucket), as one JSON String the loadgen stack writes: the orchestrator reads
 * names it cannot guess, never another stack's state.
 */
export function loadgenLaunchParameter(env: Environment): string {
  return parameterPath(env, 'loadgen', 'launch');
}

/**
 * The broadcast service as Application Auto Scaling and ECS name it (the platform stack's
 * FargateService): what the off-hours schedule resizes, and what a fleet run wakes.
 */
export function broadcastService(env: Environment): { cluster: string; service: string; scalableTarget: string; loadBalancer: string } {
  const cluster = `${resourcePrefix(env)}-broadcast`;
  // A load balancer's name takes at most 32 characters.
  return { cluster, service: 'broadcast', scalableTarget: `service/${cluster}/broadcast`, loadBalancer: cluster.slice(0, 32) };
}

/**
 * The nightly's load-test front door (edge-<env> stack, ADR 10): its own cluster, service, ALB
 * and WAF, every name under `<prefix>-edge`, applied and destroyed by the nightly around its
 * fleet runs. The fleet finds its URL and admission set in these parameters.
 */
export function loadTestEdge(env: Environment): {
  prefix: string;
  cluster: string;
  service: string;
  scalableTarget: string;
  loadBalancer: string;
  host: string;
  regexPatternSet: string;
  urlParameter: string;
  setArnParameter: string;
} {
  if (!env.domain) throw new Error(`${env.name} has no domain: a load-test edge is served on lt.<zone>`);
  const prefix = `${resourcePrefix(env)}-edge`;
  const service = 'broadcast-edge';
  return {
    prefix,
    cluster: prefix,
    service,
    scalableTarget: `service/${prefix}/${service}`,
    loadBalancer: prefix.slice(0, 32),
    host: `lt.${env.domain.zoneName}`,
    regexPatternSet: `${prefix}-fleet-admission`,
    urlParameter: parameterPath(env, 'edge', 'url'),
    setArnParameter: parameterPath(env, 'edge', 'fleet-admission-set'),
  };
}

/**
 * Admission of the k6 fleet past the broadcast WAF's per-IP rate rule (and only that rule): a
 * request carrying this header with the run's secret is outside the rule's scope. The secret is
 * made per run, kept in this SecureString (which the fleet's tasks may read), and matched by the
 * regex pattern set the rule's scope-down names; between runs the set matches nothing.
 */
export const FLEET_ADMISSION_HEADER = 'x-relay-fleet-admission';

/** What the admission set holds between runs: a character neither whitespace nor not, which no header value matches. */
export const FLEET_ADMISSION_CLOSED = '[^\\s\\S]';

/**
 * What a fleet run loads, wakes, reserves and admits through: the env's load-test edge where it
 * has one (edge stack, ADR 10), else the platform stack's broadcast service behind its own front
 * door. `stack` is the component whose resources these are (their `service` tag).
 */
export interface LoadTestTarget {
  stack: 'edge' | 'platform';
  cluster: string;
  service: string;
  scalableTarget: string;
  loadBalancer: string;
  /** The SSM parameter holding the target's base URL. */
  urlParameter: string;
  /** Where a WAF guards the target: the rate rule's exemption set, and the parameter holding its ARN. */
  admission: { regexPatternSet: string; setArnParameter: string } | null;
}

export function loadTestTarget(env: Environment): LoadTestTarget {
  if (env.loadTestEdge) {
    const edge = loadTestEdge(env);
    return {
      stack: 'edge',
      cluster: edge.cluster,
      service: edge.service,
      scalableTarget: edge.scalableTarget,
      loadBalancer: edge.loadBalancer,
      urlParameter: edge.urlParameter,
      admission: { regexPatternSet: edge.regexPatternSet, setArnParameter: edge.setArnParameter },
    };
  }
  const platform = broadcastService(env);
  return {
    stack: 'platform',
    ...platform,
    urlParameter: parameterPath(env, 'broadcast', 'url'),
    admission:
      env.waf && env.loadgen
        ? {
            regexPatternSet: `${resourcePrefix(env)}-broadcast-fleet-admission`,
            // The set's id is AWS's: the platform stack writes its ARN here for the orchestrator.
            setArnParameter: parameterPath(env, 'broadcast', 'fleet-admission-set'),
          }
        : null,
  };
}

/** The run's admission secret (SecureString), which the orchestrator writes and the fleet's tasks read. */
export function fleetAdmissionSecret(env: Environment): string {
  return parameterPath(env, 'loadgen', 'run', 'admission');
}

/**
 * The roles the bootstrap stack creates in every account (an administrator applies it). No
 * deploy, and no role a deploy creates, may change them.
 */
export const BOOTSTRAP_ROLES = {
  deploy: 'relay-deploy',
  /** The dev account's role for previews: relay-pv-* names, previews' state and parameters only. */
  preview: 'relay-preview',
  plan: 'relay-plan',
  prPlan: 'relay-pr-plan',
  imagePush: 'relay-image-push',
  loadTest: 'relay-loadtest',
  /** Creates and destroys the nightly's load-test edge (edge stack, ADR 10), and nothing else. */
  edge: 'relay-edge',
  /** Reads the account's bill from Cost Explorer, for the weekly actual-against-estimate check. */
  costRead: 'relay-cost-read',
  apiGatewayLogs: 'relay-apigateway-cloudwatch',
} as const;

/**
 * The account's permissions boundary (bootstrap stack): the most any role created by a deploy
 * can ever do, whatever inline policy it is given.
 */
export function permissionsBoundary(env: Pick<Environment, 'kind' | 'accountId'>): { name: string; arn: string } {
  const name = env.kind === 'preview' ? 'relay-preview-boundary' : 'relay-boundary';
  return { name, arn: `arn:aws:iam::${env.accountId}:policy/${name}` };
}

/** Patterns of what a deploy role owns: resource names, SSM parameters and state objects. */
export interface DeployScopeNames {
  prefix: string;
  parameters: string[];
  stateKeys: string[];
}

/**
 * What a deploy of this environment may own. A preview's scope covers every preview (one role
 * serves them all) and nothing of dev's: relay-pv-*, /relay/dev-<name>/, chat/dev-<name>.tfstate.
 */
export function deployScope(env: Environment): DeployScopeNames {
  if (env.kind === 'preview') return previewDeployScope(env);
  const parameter = (path: string) => `arn:aws:ssm:${env.region}:${env.accountId}:parameter/relay/${path}/*`;
  // The bootstrap's own state is an administrator's: no deploy writes it.
  const keys = deployedComponents(env).flatMap((c) => [`${c}/${env.name}.tfstate`, `${c}/${env.name}.tfstate.tflock`]);
  return { prefix: resourcePrefix(env), parameters: [parameter(env.name)], stateKeys: keys };
}

/** Every preview's scope in the account of `env` (dev, or any preview of it). */
export function previewDeployScope(env: Pick<Environment, 'region' | 'accountId'>): DeployScopeNames {
  return {
    prefix: PREVIEW_NAME_PREFIX,
    parameters: [`arn:aws:ssm:${env.region}:${env.accountId}:parameter/relay/dev-*/*`],
    stateKeys: ['chat/dev-*.tfstate', 'chat/dev-*.tfstate.tflock'],
  };
}

/**
 * The components relay-deploy applies (the bootstrap stack is an administrator's); loadgen only
 * where the catalogue entry has one.
 */
export const DEPLOYED_COMPONENTS = ['platform', 'chat', 'web', 'loadgen'] as const;
export type DeployedComponent = (typeof DEPLOYED_COMPONENTS)[number];

/** The components an environment has: every one, but the k6 fleet only where the catalogue gives it one. */
export function deployedComponents(env: Pick<Environment, 'loadgen'>): DeployedComponent[] {
  return DEPLOYED_COMPONENTS.filter((c) => c !== 'loadgen' || env.loadgen !== null);
}
