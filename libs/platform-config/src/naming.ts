import type { Environment } from './schema';

/** Every resource name starts with this, which is what isolates previews from each other. */
export function resourcePrefix(env: Environment): string {
  return `relay-${env.name}`;
}

/** SSM Parameter Store path for an app's runtime configuration. */
export function parameterPath(env: Environment, ...parts: string[]): string {
  return ['', 'relay', env.name, ...parts].join('/');
}

/**
 * The secrets of an environment, as SSM SecureStrings under its path. Terraform never creates,
 * reads or stores them (so no value can reach state, plans or CI artifacts, and no plan role
 * needs to read them): tools/scripts/ensure-secrets.ts creates each with a random value before
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

/** The broadcast service's image registry (bootstrap stack): it exists before any image does. */
export function imageRepositoryName(env: Environment, service: string): string {
  return `${resourcePrefix(env)}-${service}`;
}

/** Where the deploy pipeline records the digest of the image it pushed, for plans to read. */
export function imageDigestParameter(env: Environment, service: string): string {
  return parameterPath(env, service, 'image-digest');
}

/**
 * The roles the bootstrap stack creates in every account (an administrator applies it). No
 * deploy, and no role a deploy creates, may change them.
 */
export const BOOTSTRAP_ROLES = {
  deploy: 'relay-deploy',
  plan: 'relay-plan',
  prPlan: 'relay-pr-plan',
  imagePush: 'relay-image-push',
  loadTest: 'relay-loadtest',
  apiGatewayLogs: 'relay-apigateway-cloudwatch',
} as const;

/**
 * The account's permissions boundary (bootstrap stack): the most any role created by a deploy
 * can ever do, whatever inline policy it is given.
 */
export function permissionsBoundary(env: Environment): { name: string; arn: string } {
  const name = 'relay-boundary';
  return { name, arn: `arn:aws:iam::${env.accountId}:policy/${name}` };
}

/** The SSM paths an environment's stacks own; the dev account's also hold its previews' (/relay/dev-<name>/). */
export function parameterScopes(env: Environment): string[] {
  const own = `arn:aws:ssm:${env.region}:${env.accountId}:parameter/relay/${env.name}/*`;
  return env.name === 'dev' ? [own, `arn:aws:ssm:${env.region}:${env.accountId}:parameter/relay/dev-*/*`] : [own];
}
