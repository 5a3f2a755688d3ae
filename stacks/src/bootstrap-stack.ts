import type { Construct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import {
  assumeRolePolicy,
  boundaryStatements,
  GithubDeployIdentity,
  ImageRepository,
  LogBucket,
  LOG_PREFIXES,
  policyDocument,
  RelayStack,
  StateBucket,
  type RoleMode,
} from '@relay/infra-constructs';
import { LOADTEST_METRICS } from '@relay/runtime-contract';
import {
  BOOTSTRAP_ROLES,
  loadTestTarget,
  deployScope,
  GITHUB_REPOSITORY,
  parameterPath,
  permissionsBoundary,
  previewDeployScope,
  type Environment,
} from '@relay/platform-config';

/**
 * bootstrap-<env>: what every other stack of an account needs first: the state bucket, the
 * log bucket, the broadcast (and k6 fleet) image registries (the pipeline pushes before a service's first
 * apply), the permissions boundary every deployed role carries, the GitHub OIDC provider with
 * the plan, deploy and image-push roles, and API
 * Gateway's permission to write logs (account-wide settings, so they live here, once). An
 * administrator applies it.
 * A new account's first apply runs on local state (the bucket does not exist yet) with an
 * administrator's credentials; tools/nx-plugin/scripts/bootstrap-account.ts then moves the state into the
 * bucket, where it stays (the default backend is s3).
 */
export class BootstrapStack extends RelayStack {
  constructor(scope: Construct, id: string, props: { env: Environment; backend?: 's3' | 'local'; role?: RoleMode }) {
    super(scope, id, { env: props.env, component: 'bootstrap', backend: props.backend ?? 's3', role: props.role });
    const logs = new LogBucket(this, 'logs', { env: props.env });
    new StateBucket(this, 'state-bucket', { env: props.env, accessLogs: { bucket: logs.bucketRef, prefix: `${LOG_PREFIXES.s3}/state/` } });
    new ImageRepository(this, 'broadcast-images', { env: props.env, service: 'broadcast' });
    // The k6 fleet's image, where the catalogue gives the env a fleet (loadgen stack).
    if (props.env.loadgen) new ImageRepository(this, 'loadgen-images', { env: props.env, service: 'loadgen' });
    new IamPolicy(this, 'permissions-boundary', {
      name: permissionsBoundary(props.env).name,
      description: 'The most any role created by a Relay deploy can do',
      policy: policyDocument(boundaryStatements(props.env, deployScope(props.env))),
    });
    if (props.env.kind === 'dev') {
      new IamPolicy(this, 'preview-permissions-boundary', {
        name: permissionsBoundary({ kind: 'preview', accountId: props.env.accountId }).name,
        description: 'The most any role created by a Relay preview deploy can do',
        policy: policyDocument(boundaryStatements(props.env, previewDeployScope(props.env))),
      });
    }
    new GithubDeployIdentity(this, 'github', {
      env: props.env,
      repository: GITHUB_REPOSITORY,
      applyEnvironments: [{ environment: props.env.name, workflow: 'deploy.yml' }],
      // Previews live in the dev account, with a role of their own. Only main's
      // preview-deploy.yml holds it: the pull request's preview.yml builds without AWS access.
      previews: props.env.kind === 'dev' ? { environment: 'preview', workflow: 'preview-deploy.yml' } : undefined,
      imagePush: { workflow: 'deploy.yml', services: props.env.loadgen ? ['broadcast', 'loadgen'] : ['broadcast'] },
      // The nightly spike runs against stag only.
      loadTest:
        props.env.kind === 'stag'
          ? {
              environment: 'stag',
              workflow: 'nightly-spike.yml',
              parameters: [
                ...['chat/ws-url', 'chat/auth-token-secret'].map((k) => parameterPath(props.env, ...k.split('/'))),
                loadTestTarget(props.env).urlParameter,
              ],
              metricsNamespace: LOADTEST_METRICS.namespace,
              fleet: props.env.loadgen !== null,
            }
          : undefined,
      loadTestEdge: props.env.loadTestEdge ? { environment: props.env.name, workflow: 'nightly-spike.yml' } : undefined,
    });
    const logsRole = new IamRole(this, 'apigateway-logs', {
      name: BOOTSTRAP_ROLES.apiGatewayLogs,
      assumeRolePolicy: assumeRolePolicy('apigateway.amazonaws.com', { StringEquals: { 'aws:SourceAccount': props.env.accountId } }),
    });
    new IamRolePolicyAttachment(this, 'apigateway-logs-policy', {
      role: logsRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    });
    new ApiGatewayAccount(this, 'apigateway-account', { cloudwatchRoleArn: logsRole.arn });
  }
}
