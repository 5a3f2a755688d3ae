import { Construct } from 'constructs';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import {
  BOOTSTRAP_ROLES,
  deployScope,
  imageDigestParameter,
  imageRepositoryName,
  logBucketName,
  permissionsBoundary,
  previewDeployScope,
  stateLocation,
  type DeployScopeNames,
  type Environment,
} from '@relay/platform-config';
import { deployStatements, previewDeployStatements, type DeployScope } from './deploy-permissions';
import { edgeStatements } from './edge-permissions';
import { fleetRunStatements } from './fleet-run-permissions';
import { policyDocument } from './iam';

const ISSUER = 'token.actions.githubusercontent.com';

export interface GithubDeployIdentityProps {
  env: Environment;
  /** owner/name of the GitHub repository. */
  repository: string;
  /**
   * GitHub Environments whose jobs may apply, with the workflow file; always from main. No pull
   * request ref is ever trusted: a pull request controls the workflow files of its own ref.
   */
  applyEnvironments: { environment: string; workflow: string }[];
  /**
   * The dev account's previews: relay-preview, for the named workflow on main (in the
   * Environment, and its sweep outside it). It reaches previews' names, state and parameters
   * only, never dev's.
   */
  previews?: { environment: string; workflow: string };
  /**
   * The nightly load test's way in (stag): read the endpoints and the token secret it signs
   * test users with, from nightly-spike.yml on main in this environment, and, with `fleet`, run
   * the env's k6 fleet (fleetRunStatements), and nothing else.
   */
  loadTest?: { environment: string; workflow: string; parameters: string[]; metricsNamespace: string; fleet: boolean };
  /**
   * The image pipeline's way in: push a service's image to this account's registry and record
   * its digest for the plans, from the named workflow on main. No Environment approval: an
   * image in a registry changes nothing until a reviewed apply runs it.
   */
  imagePush?: { workflow: string; services: string[] };
  /**
   * The nightly's load-test edge (ADR 10): relay-edge applies and destroys the edge stack
   * (edgeStatements) and nothing else, from the named workflow on main in this environment.
   */
  loadTestEdge?: { environment: string; workflow: string };
}

/** The components pull-request plans cover (the bootstrap stack is an administrator's). */
export const PR_PLANNED_COMPONENTS = ['platform', 'chat', 'web', 'loadgen'] as const;

/** The workflow that compares the bill with the estimate each week. */
export const COST_ACTUALS_WORKFLOW = 'cost-actuals.yml';

/**
 * GitHub Actions' way into one account, without long-lived keys:
 * - relay-pr-plan: for pull requests (pr.yml). A pull request controls what its own workflow
 *   runs, so this role must be safe in an attacker's hands: it reads this env's state objects
 *   (which hold no secret: secrets live only in SSM, outside Terraform) and the availability
 *   zones, and nothing else. PR plans therefore run with -refresh=false -lock=false: they show
 *   what the change would do to the recorded state; drift is the main-branch plan's business.
 * - relay-plan: read-only with explicit denies on secret values and data, for main's plans
 *   (plan-env.yml on refs/heads/main), which a pull request cannot reach;
 * - relay-deploy: applies, only from the named workflow on main inside a matching GitHub
 *   Environment (prod's has required reviewers);
 * - relay-cost-read: Cost Explorer's GetCostAndUsage and nothing else, for the weekly
 *   cost-actuals.yml on main.
 * AWS evaluates `sub` (and `aud`) of GitHub's token, so the repository's OIDC subject template
 * must include job_workflow_ref (docs/infrastructure.md, "Accounts and identity"; docs/adr/0008); the trust policies below then
 * pin both the environment and the workflow file and ref.
 */
export class GithubDeployIdentity extends Construct {
  readonly planRole: IamRole;
  readonly prPlanRole: IamRole;
  readonly applyRole: IamRole;
  readonly loadTestRole?: IamRole;
  readonly imagePushRole?: IamRole;
  readonly edgeRole?: IamRole;
  readonly previewRole?: IamRole;
  readonly costReadRole: IamRole;

  constructor(scope: Construct, id: string, props: GithubDeployIdentityProps) {
    super(scope, id);
    const { env, repository } = props;
    const provider = new IamOpenidConnectProvider(this, 'github', {
      url: `https://${ISSUER}`,
      clientIdList: ['sts.amazonaws.com'],
    });
    const trust = (subjects: string[]) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: provider.arn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
              StringLike: { [`${ISSUER}:sub`]: subjects },
            },
          },
        ],
      });
    const workflowRef = (file: string, ref: string) => `job_workflow_ref:${repository}/.github/workflows/${file}@${ref}`;
    const state = stateLocation(env, 'any');

    this.prPlanRole = new IamRole(this, 'pr-plan', {
      name: BOOTSTRAP_ROLES.prPlan,
      maxSessionDuration: 3600,
      assumeRolePolicy: trust([`repo:${repository}:pull_request:${workflowRef('pr.yml', 'refs/pull/*/merge')}`]),
    });
    new IamRolePolicy(this, 'pr-plan-policy', {
      role: this.prPlanRole.id,
      name: 'read-state-only',
      policy: policyDocument([
        {
          sid: 'ReadThisEnvState',
          actions: ['s3:GetObject'],
          resources: PR_PLANNED_COMPONENTS.map((c) => `arn:aws:s3:::${state.bucket}/${stateLocation(env, c).key}`),
        },
        // The S3 backend lists workspaces (prefix env:/) at init; key names are not secret.
        { sid: 'ListStateKeys', actions: ['s3:ListBucket'], resources: [`arn:aws:s3:::${state.bucket}`] },
        // The network's availability-zones data source is read at every plan.
        { sid: 'AvailabilityZones', actions: ['ec2:DescribeAvailabilityZones'], resources: ['*'] },
      ]),
    });

    this.planRole = new IamRole(this, 'plan', {
      name: BOOTSTRAP_ROLES.plan,
      maxSessionDuration: 3600,
      // deploy.yml plans through the reusable plan-env.yml, whose path is the job's workflow ref.
      assumeRolePolicy: trust([`repo:${repository}:ref:refs/heads/main:${workflowRef('plan-env.yml', 'refs/heads/main')}`]),
    });
    new IamRolePolicyAttachment(this, 'plan-read-only', { role: this.planRole.name, policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    new IamRolePolicy(this, 'plan-state-lock', {
      role: this.planRole.id,
      name: 'state-lock',
      policy: policyDocument([
        { sid: 'ReadState', actions: ['s3:GetObject', 's3:ListBucket'], resources: [`arn:aws:s3:::${state.bucket}`, `arn:aws:s3:::${state.bucket}/*`] },
        { sid: 'HoldLock', actions: ['s3:PutObject', 's3:DeleteObject'], resources: [`arn:aws:s3:::${state.bucket}/*.tflock`] },
      ]),
    });
    // ReadOnlyAccess reads far more than a plan needs; these never serve a plan (secrets live
    // outside Terraform), so even main's plan role cannot read them.
    new IamRolePolicy(this, 'plan-deny-data', {
      role: this.planRole.id,
      name: 'no-secrets-or-data',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'NoSecretValues',
            Effect: 'Deny',
            Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParameterHistory'],
            Resource: [`arn:aws:ssm:${env.region}:${env.accountId}:parameter/relay/*/chat/*-secret`],
          },
          {
            // GetParametersByPath is authorized on the path asked for, not on the parameters it
            // returns: a deny on the secrets' names never sees /relay/prod/chat. No plan reads by
            // path (the Terraform call map has none), so it is denied everywhere.
            Sid: 'NoReadsByPath',
            Effect: 'Deny',
            Action: ['ssm:GetParametersByPath'],
            Resource: ['*'],
          },
          {
            Sid: 'NoDataOrLogEvents',
            Effect: 'Deny',
            Action: [
              'dynamodb:GetItem',
              'dynamodb:BatchGetItem',
              'dynamodb:Query',
              'dynamodb:Scan',
              'dynamodb:GetRecords',
              'logs:GetLogEvents',
              'logs:FilterLogEvents',
              'logs:StartQuery',
              'logs:GetQueryResults',
              'logs:StartLiveTail',
              'secretsmanager:GetSecretValue',
            ],
            Resource: ['*'],
          },
        ],
      }),
    });

    // The weekly cost check on main reads the bill and nothing else (cost-actuals.yml).
    this.costReadRole = new IamRole(this, 'cost-read', {
      name: BOOTSTRAP_ROLES.costRead,
      maxSessionDuration: 3600,
      assumeRolePolicy: trust([`repo:${repository}:ref:refs/heads/main:${workflowRef(COST_ACTUALS_WORKFLOW, 'refs/heads/main')}`]),
    });
    new IamRolePolicy(this, 'cost-read-policy', {
      role: this.costReadRole.id,
      name: 'read-the-bill',
      // Cost Explorer has no resource-level permissions: "*" is the only resource it takes.
      policy: policyDocument([{ sid: 'CostAndUsage', actions: ['ce:GetCostAndUsage'], resources: ['*'] }]),
    });

    this.applyRole = new IamRole(this, 'apply', {
      name: BOOTSTRAP_ROLES.deploy,
      maxSessionDuration: 3600,
      assumeRolePolicy: trust([
        ...props.applyEnvironments.map(
          ({ environment, workflow }) => `repo:${repository}:environment:${environment}:${workflowRef(workflow, 'refs/heads/main')}`,
        ),
      ]),
    });
    if (props.loadTest) {
      const { environment, workflow, parameters, metricsNamespace, fleet } = props.loadTest;
      this.loadTestRole = new IamRole(this, 'loadtest', {
        name: BOOTSTRAP_ROLES.loadTest,
        maxSessionDuration: 3600,
        assumeRolePolicy: trust([`repo:${repository}:environment:${environment}:${workflowRef(workflow, 'refs/heads/main')}`]),
      });
      new IamRolePolicy(this, 'loadtest-policy', {
        role: this.loadTestRole.id,
        name: 'run-and-report',
        policy: policyDocument([
          {
            sid: 'RunParameters',
            actions: ['ssm:GetParameter'],
            resources: parameters.map((p) => `arn:aws:ssm:${env.region}:${env.accountId}:parameter${p}`),
          },
          {
            // The nightly result goes beside delivery's metrics; "*"-only, scoped by namespace.
            sid: 'PublishResult',
            actions: ['cloudwatch:PutMetricData'],
            resources: ['*'],
            conditions: { StringEquals: { 'cloudwatch:namespace': metricsNamespace } },
          },
          // The env's k6 fleet, where the catalogue gives it one (loadgen stack).
          ...(fleet ? fleetRunStatements(env) : []),
        ]),
      });
    }
    if (props.loadTestEdge) {
      const { environment, workflow } = props.loadTestEdge;
      this.edgeRole = new IamRole(this, 'edge', {
        name: BOOTSTRAP_ROLES.edge,
        maxSessionDuration: 3600,
        assumeRolePolicy: trust([`repo:${repository}:environment:${environment}:${workflowRef(workflow, 'refs/heads/main')}`]),
      });
      new IamRolePolicy(this, 'edge-policy', { role: this.edgeRole.id, name: 'apply-the-load-test-edge', policy: policyDocument(edgeStatements(env)) });
    }
    if (props.imagePush) {
      const { workflow, services } = props.imagePush;
      this.imagePushRole = new IamRole(this, 'image-push', {
        name: BOOTSTRAP_ROLES.imagePush,
        maxSessionDuration: 3600,
        assumeRolePolicy: trust([`repo:${repository}:ref:refs/heads/main:${workflowRef(workflow, 'refs/heads/main')}`]),
      });
      new IamRolePolicy(this, 'image-push-policy', {
        role: this.imagePushRole.id,
        name: 'push-and-record',
        policy: policyDocument([
          { sid: 'RegistryLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
          {
            sid: 'PushImages',
            actions: [
              'ecr:BatchCheckLayerAvailability',
              'ecr:InitiateLayerUpload',
              'ecr:UploadLayerPart',
              'ecr:CompleteLayerUpload',
              'ecr:PutImage',
              'ecr:BatchGetImage',
              'ecr:DescribeImages',
            ],
            resources: services.map((service) => `arn:aws:ecr:${env.region}:${env.accountId}:repository/${imageRepositoryName(env, service)}`),
          },
          {
            sid: 'RecordDigest',
            actions: ['ssm:PutParameter', 'ssm:GetParameter'],
            resources: services.map((service) => `arn:aws:ssm:${env.region}:${env.accountId}:parameter${imageDigestParameter(env, service)}`),
          },
        ]),
      });
    }
    // What a deploy role of this account may touch: names, state, parameters and tags of one
    // scope (the env's own, or every preview's), with that scope's boundary.
    const scopeFor = (names: DeployScopeNames, envTags: string[], boundaryArn: string, hostedZoneId?: string): DeployScope => ({
      accountId: env.accountId,
      region: env.region,
      prefix: names.prefix,
      stateBucket: state.bucket,
      stateKeys: names.stateKeys,
      envTags,
      logBucket: logBucketName(env),
      hostedZoneId,
      boundaryArn,
      parameterScopes: names.parameters,
      bootstrapRoles: Object.values(BOOTSTRAP_ROLES),
    });
    new IamRolePolicy(this, 'apply-policy', {
      role: this.applyRole.id,
      name: 'deploy-relay-stacks',
      policy: policyDocument(
        deployStatements({
          ...scopeFor(deployScope(env), [env.name], permissionsBoundary(env).arn, env.domain?.zoneId),
          httpApiFrontDoor: env.apiFrontDoor === 'http-api',
        }),
      ),
    });

    if (props.previews) {
      const { environment, workflow } = props.previews;
      this.previewRole = new IamRole(this, 'preview', {
        name: BOOTSTRAP_ROLES.preview,
        maxSessionDuration: 3600,
        assumeRolePolicy: trust([
          `repo:${repository}:environment:${environment}:${workflowRef(workflow, 'refs/heads/main')}`,
          // The hourly sweep: main's code, no pull request's, so outside the reviewer gate.
          `repo:${repository}:ref:refs/heads/main:${workflowRef(workflow, 'refs/heads/main')}`,
        ]),
      });
      const previewBoundary = permissionsBoundary({ kind: 'preview', accountId: env.accountId }).arn;
      new IamRolePolicy(this, 'preview-policy', {
        role: this.previewRole.id,
        name: 'deploy-previews',
        policy: policyDocument(previewDeployStatements(scopeFor(previewDeployScope(env), [`${env.name}-*`], previewBoundary))),
      });
    }
  }
}
