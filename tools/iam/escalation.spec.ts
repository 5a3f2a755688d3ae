import { ROLE_FAMILIES, roleFamilyOf } from '@relay/infra-constructs';
import { BOOTSTRAP_ROLES, permissionsBoundary, resolveEnvironment, stateLocation } from '@relay/platform-config';
import { synthesizeEverything, type SynthesizedStack } from '../synthesized-stacks';
import { evaluate, type Request } from './evaluate';
import { managedPolicy, rolesOf } from './synthesized-roles';

/**
 * Blast radius of the deploy role (relay-deploy), over the synthesized bootstrap stacks: the
 * routes by which code holding its credentials (a compromised dependency in a deploy job, a
 * merged stack change) could mint something stronger than itself, each proven closed, and the
 * class property behind them: every role a deploy creates carries the account's boundary.
 * See docs/security-model.md for the routes and the tests that close them.
 */
jest.setTimeout(120_000);

const stacks = synthesizeEverything();
const ENVS = ['dev', 'stag', 'prod'] as const;
const OUTSIDE_ACCOUNT = '999999999999';
const STAR = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe.each(ENVS)('escalation routes from relay-deploy in the %s account', (envName) => {
  const env = resolveEnvironment(envName);
  const bootstrap = stacks[`bootstrap-${envName}`]!;
  const deploy = rolesOf(bootstrap)[BOOTSTRAP_ROLES.deploy]!.policies;
  const boundaryArn = permissionsBoundary(env).arn;
  const boundary = managedPolicy(bootstrap, permissionsBoundary(env).name);
  const iam = (resource: string) => `arn:aws:iam::${env.accountId}:${resource}`;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${resource}`;
  const newRole = iam(`role/relay-${envName}-x-fn`);
  const asDeploy = (action: string, resource: string, context: Request['context'] = {}) => evaluate(deploy, { action, resource, context });
  /** What a role created by a deploy, holding `*:*` inline, can do: its policy within the boundary. */
  const asMintedRole = (action: string, resource: string) => evaluate([STAR], { action, resource }, { boundary });

  /** Targets that would make a minted role an administrator, or let it outlive the deploy. */
  const escalations: [string, string][] = [
    ['iam:CreateUser', iam('user/backdoor')],
    ['iam:CreateAccessKey', iam('user/backdoor')],
    ['iam:PutRolePolicy', iam(`role/${BOOTSTRAP_ROLES.plan}`)],
    ['iam:AttachRolePolicy', iam(`role/relay-${envName}-x-fn`)],
    ['iam:DeleteRolePermissionsBoundary', iam(`role/relay-${envName}-x-fn`)],
    ['iam:CreatePolicyVersion', boundaryArn],
    ['sts:AssumeRole', iam(`role/${BOOTSTRAP_ROLES.deploy}`)],
    ['s3:GetObject', `arn:aws:s3:::${stateLocation(env, 'chat').bucket}/chat/${envName}.tfstate`],
    ['s3:PutObject', `arn:aws:s3:::${stateLocation(env, 'chat').bucket}/chat/${envName}.tfstate`],
    ['dynamodb:DeleteTable', arn('dynamodb', `table/relay-${envName}-chat-messages`)],
    ['lambda:UpdateFunctionCode', arn('lambda', `function:relay-${envName}-chat-send`)],
    ['ec2:RunInstances', arn('ec2', 'instance/*')],
    ['kms:ScheduleKeyDeletion', arn('kms', 'key/any')],
    ['dynamodb:GetItem', `arn:aws:dynamodb:${env.region}:${OUTSIDE_ACCOUNT}:table/relay-${envName}-chat-messages`],
  ];

  it('route: CreateRole without the boundary (or with another one) is denied; with it, allowed', () => {
    expect(asDeploy('iam:CreateRole', newRole)).toBe('explicit-deny');
    expect(asDeploy('iam:CreateRole', newRole, { 'iam:PermissionsBoundary': iam('policy/attacker-made') })).toBe('explicit-deny');
    expect(asDeploy('iam:CreateRole', newRole, { 'iam:PermissionsBoundary': boundaryArn })).toBe('allow');
  });

  it('route: `*:*` inline on a role without the boundary is denied, and within it buys nothing', () => {
    expect(asDeploy('iam:PutRolePolicy', newRole)).toBe('explicit-deny');
    expect(asDeploy('iam:PutRolePolicy', newRole, { 'iam:PermissionsBoundary': boundaryArn })).toBe('allow');
    for (const [action, resource] of escalations) {
      expect({ action, resource, decision: asMintedRole(action, resource) }).toEqual({ action, resource, decision: expect.not.stringMatching(/^allow$/) });
    }
    // The boundary is not vacuous: a runtime call inside it still works.
    expect(asMintedRole('dynamodb:GetItem', arn('dynamodb', `table/relay-${envName}-chat-messages`))).toBe('allow');
  });

  it('route: a trust naming an outside account buys that account no more than the boundary', () => {
    // IAM has no condition key over a trust policy's content, so CreateRole cannot be refused for
    // its trust; what the outside account gets is the minted role, which the boundary caps.
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
    };
    expect(evaluate([trust], { action: 'sts:AssumeRole', principal: { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:role/any` } })).toBe('allow');
    for (const [action, resource] of escalations)
      expect({ action, decision: asMintedRole(action, resource) }).toEqual({ action, decision: expect.not.stringMatching(/^allow$/) });
    // Nor can a deploy re-point the trust of a role outside the boundary: the bootstrap's, or any unbounded one.
    for (const role of Object.values(BOOTSTRAP_ROLES)) expect(asDeploy('iam:UpdateAssumeRolePolicy', iam(`role/${role}`))).toBe('explicit-deny');
    expect(asDeploy('iam:UpdateAssumeRolePolicy', newRole)).toBe('explicit-deny');
  });

  it('route: PutRolePolicy on the plan role (or any bootstrap role, or the OIDC provider) is explicitly denied', () => {
    for (const role of Object.values(BOOTSTRAP_ROLES)) {
      for (const action of ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DeleteRole', 'iam:UpdateRole']) {
        // Even a request that claims the boundary (the bootstrap roles have none) is denied.
        const decision = asDeploy(action, iam(`role/${role}`), { 'iam:PermissionsBoundary': boundaryArn });
        expect({ role, action, decision }).toEqual({ role, action, decision: 'explicit-deny' });
      }
    }
    for (const action of ['iam:UpdateOpenIDConnectProviderThumbprint', 'iam:DeleteOpenIDConnectProvider', 'iam:AddClientIDToOpenIDConnectProvider']) {
      expect(asDeploy(action, iam('oidc-provider/token.actions.githubusercontent.com'))).toBe('explicit-deny');
    }
  });

  it('route: deleting, replacing or editing the boundary is explicitly denied', () => {
    expect(asDeploy('iam:DeleteRolePermissionsBoundary', newRole, { 'iam:PermissionsBoundary': boundaryArn })).toBe('explicit-deny');
    expect(asDeploy('iam:PutRolePermissionsBoundary', newRole, { 'iam:PermissionsBoundary': iam('policy/attacker-made') })).toBe('explicit-deny');
    for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy']) {
      expect({ action, decision: asDeploy(action, boundaryArn) }).toEqual({ action, decision: 'explicit-deny' });
    }
  });

  it('route: PassRole to a service other than the role family’s is denied', () => {
    const pass = (role: string, service: string) => asDeploy('iam:PassRole', iam(`role/${role}`), { 'iam:PassedToService': service });
    expect(pass(`relay-${envName}-chat-send-fn`, 'lambda.amazonaws.com')).toBe('allow');
    expect(pass(`relay-${envName}-broadcast-task`, 'ecs-tasks.amazonaws.com')).toBe('allow');
    for (const [role, service] of [
      [`relay-${envName}-chat-send-fn`, 'ec2.amazonaws.com'],
      [`relay-${envName}-chat-send-fn`, 'ecs-tasks.amazonaws.com'],
      [`relay-${envName}-broadcast-task`, 'lambda.amazonaws.com'],
      [`relay-${envName}-broadcast-off-hours`, 'codebuild.amazonaws.com'],
      [`relay-${envName}-chat-send-fn`, 'cloudformation.amazonaws.com'],
      [BOOTSTRAP_ROLES.deploy, 'lambda.amazonaws.com'],
    ]) {
      expect({ role, service, decision: pass(role!, service!) }).toEqual({ role, service, decision: expect.not.stringMatching(/^allow$/) });
    }
  });
});

/** `${type.name.attr}` references in a runtime policy, resolved to the ARNs AWS would see. */
function resolveReferences(stack: SynthesizedStack, text: string, region: string, account: string): string {
  return text.replace(/\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}/g, (whole, type: string, name: string, attr: string) => {
    const c = stack.resource[type]?.[name];
    if (!c) throw new Error(`cannot resolve ${whole}`);
    const at = (service: string, rest: string) => `arn:aws:${service}:${region}:${account}:${rest}`;
    switch (`${type}.${attr}`) {
      case 'aws_dynamodb_table.arn':
        return at('dynamodb', `table/${String(c['name'])}`);
      case 'aws_dynamodb_table.stream_arn':
        return at('dynamodb', `table/${String(c['name'])}/stream/2026-01-01T00:00:00.000`);
      case 'aws_sqs_queue.arn':
        return at('sqs', String(c['name']));
      case 'aws_cloudwatch_log_group.arn':
        return at('logs', `log-group:${String(c['name'])}`);
      case 'aws_ecs_service.id': {
        // A service's id is its ARN, which names its cluster.
        const [, clusterType = '', clusterName = ''] = /^\$\{([a-z0-9_]+)\.([^.}]+)\./.exec(String(c['cluster'])) ?? [];
        return at('ecs', `service/${String(stack.resource[clusterType]?.[clusterName]?.['name'])}/${String(c['name'])}`);
      }
      case 'aws_appautoscaling_target.arn':
        return at('application-autoscaling', 'scalable-target/0123456789abcdef');
      case 'aws_apigatewayv2_api.id':
        return 'a1b2c3';
      default:
        throw new Error(`no ARN rule for ${whole} (tools/iam/escalation.spec.ts)`);
    }
  });
}

describe('every role the deployed stacks create', () => {
  // The web stacks create no role.
  const deployed = Object.entries(stacks).filter(([id, stack]) => !id.startsWith('bootstrap-') && stack.resource['aws_iam_role']);

  it.each(deployed.map(([id]) => id))('%s: carries its account’s boundary and belongs to the family its trust names', (id) => {
    const stack = stacks[id]!;
    const env = resolveEnvironment(id.slice(id.indexOf('-') + 1));
    const roles = Object.values(rolesOf(stack));
    for (const role of roles) {
      const family = roleFamilyOf(role.name);
      const services = (role.trust as { Statement: { Principal: { Service?: string } }[] }).Statement.map((s) => s.Principal.Service);
      expect({ role: role.name, boundary: role.boundary, services }).toEqual({
        role: role.name,
        boundary: permissionsBoundary(env).arn,
        services: [family ? ROLE_FAMILIES[family].service : 'a role family'],
      });
      expect(role.managed).toEqual([]);
    }
  });

  it.each(deployed.map(([id]) => id))('%s: fits inside the boundary (every statement of every runtime role)', (id) => {
    const stack = stacks[id]!;
    const env = resolveEnvironment(id.slice(id.indexOf('-') + 1));
    const account = resolveEnvironment(env.name.split('-')[0]!).accountId;
    const bootstrap = Object.entries(stacks).find(([b]) => b.startsWith('bootstrap-') && resolveEnvironment(b.slice(10)).accountId === account)![1];
    const boundary = managedPolicy(bootstrap, permissionsBoundary(env).name);
    const outside: string[] = [];
    for (const role of Object.values(rolesOf(stack))) {
      for (const policy of role.policies as { Statement: { Effect: string; Action: string[]; Resource: string[] }[] }[]) {
        for (const statement of policy.Statement.filter((s) => s.Effect === 'Allow')) {
          for (const action of statement.Action) {
            for (const raw of statement.Resource) {
              const resource = resolveReferences(stack, raw, env.region, env.accountId).replaceAll('*', 'x');
              if (evaluate([STAR], { action, resource }, { boundary }) !== 'allow') outside.push(`${role.name}: ${action} on ${resource}`);
            }
          }
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
