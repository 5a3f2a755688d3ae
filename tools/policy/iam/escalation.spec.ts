import { ROLE_FAMILIES, roleFamilyOf } from '@relay/infra-constructs';
import {
  BOOTSTRAP_ROLES,
  CATALOGUE,
  deployScope,
  parameterPath,
  permissionsBoundary,
  resolveEnvironment,
  resourcePrefix,
  stateLocation,
  type Environment,
} from '@relay/platform-config';
import { synthesizeEverything, type SynthesizedStack } from '@relay/emulators';
import { evaluate, globMatch, type Request } from './evaluate';
import { managedPolicy, rolesOf } from './synthesized-roles';

/**
 * Blast radius of the deploy roles (relay-deploy of each account, relay-preview of the dev
 * account), over the synthesized bootstrap stacks: the routes by which code holding their
 * credentials (a compromised dependency in a deploy job, a merged stack change) could mint
 * something stronger than itself or reach another environment, each proven closed, and the
 * class property behind them: every role a deploy creates carries its scope's boundary.
 * See docs/security-model.md for the routes and the tests that close them.
 */
jest.setTimeout(120_000);

const stacks = synthesizeEverything();
/** Each base environment, and a preview (whose deploy role is relay-preview). */
const ENVS = ['dev', 'stag', 'prod', 'dev-erin'] as const;
const OUTSIDE_ACCOUNT = '999999999999';
const STAR = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The bootstrap stack of the account an environment lives in. */
const bootstrapOf = (env: Environment) =>
  Object.entries(stacks).find(([id]) => id.startsWith('bootstrap-') && resolveEnvironment(id.slice('bootstrap-'.length)).accountId === env.accountId)![1];

describe.each(ENVS)('escalation routes from the deploy role of %s', (envName) => {
  const env = resolveEnvironment(envName);
  const bootstrap = bootstrapOf(env);
  const deploy = rolesOf(bootstrap)[env.deployRoleArn.split('/').pop()!]!.policies;
  const boundaryArn = permissionsBoundary(env).arn;
  const boundary = managedPolicy(bootstrap, permissionsBoundary(env).name);
  const prefix = resourcePrefix(env);
  const iam = (resource: string) => `arn:aws:iam::${env.accountId}:${resource}`;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${resource}`;
  const newRole = iam(`role/${prefix}-x-fn`);
  const asDeploy = (action: string, resource: string, context: Request['context'] = {}) => evaluate(deploy, { action, resource, context });
  /** What a role created by a deploy, holding `*:*` inline, can do: its policy within the boundary. */
  const asMintedRole = (action: string, resource: string) => evaluate([STAR], { action, resource }, { boundary });

  /** Targets that would make a minted role an administrator, or let it outlive the deploy. */
  const escalations: [string, string][] = [
    ['iam:CreateUser', iam('user/backdoor')],
    ['iam:CreateAccessKey', iam('user/backdoor')],
    ['iam:PutRolePolicy', iam(`role/${BOOTSTRAP_ROLES.plan}`)],
    ['iam:AttachRolePolicy', newRole],
    ['iam:DeleteRolePermissionsBoundary', newRole],
    ['iam:CreatePolicyVersion', boundaryArn],
    ['sts:AssumeRole', iam(`role/${BOOTSTRAP_ROLES.deploy}`)],
    ['s3:GetObject', `arn:aws:s3:::${stateLocation(env, 'chat').bucket}/${stateLocation(env, 'chat').key}`],
    ['s3:PutObject', `arn:aws:s3:::${stateLocation(env, 'chat').bucket}/${stateLocation(env, 'chat').key}`],
    ['dynamodb:DeleteTable', arn('dynamodb', `table/${prefix}-chat-messages`)],
    ['lambda:UpdateFunctionCode', arn('lambda', `function:${prefix}-chat-send`)],
    ['ec2:RunInstances', arn('ec2', 'instance/*')],
    ['kms:ScheduleKeyDeletion', arn('kms', 'key/any')],
    ['dynamodb:GetItem', `arn:aws:dynamodb:${env.region}:${OUTSIDE_ACCOUNT}:table/${prefix}-chat-messages`],
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
    expect(asMintedRole('dynamodb:GetItem', arn('dynamodb', `table/${prefix}-chat-messages`))).toBe('allow');
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
    expect(pass(`${prefix}-chat-send-fn`, 'lambda.amazonaws.com')).toBe('allow');
    // Previews run the chat stack only: their role passes Lambda roles and nothing else.
    if (env.kind !== 'preview') expect(pass(`${prefix}-broadcast-task`, 'ecs-tasks.amazonaws.com')).toBe('allow');
    for (const [role, service] of [
      [`${prefix}-chat-send-fn`, 'ec2.amazonaws.com'],
      [`${prefix}-chat-send-fn`, 'ecs-tasks.amazonaws.com'],
      [`${prefix}-broadcast-task`, 'lambda.amazonaws.com'],
      [`${prefix}-broadcast-off-hours`, 'codebuild.amazonaws.com'],
      [`${prefix}-chat-send-fn`, 'cloudformation.amazonaws.com'],
      [BOOTSTRAP_ROLES.deploy, 'lambda.amazonaws.com'],
    ]) {
      expect({ role, service, decision: pass(role!, service!) }).toEqual({ role, service, decision: expect.not.stringMatching(/^allow$/) });
    }
  });

  // Neighbours in the same account (dev and its previews); stag and prod have none.
  const others = [...Object.keys(CATALOGUE), 'dev-alice']
    .map((name) => resolveEnvironment(name))
    .filter((other) => other.accountId === env.accountId && other.name !== env.name && !(env.kind === 'preview' && other.kind === 'preview'));
  if (others.length > 0) {
    it('reaches nothing of another environment or preview in its account', () => {
      for (const other of others) {
        const p = resourcePrefix(other);
        const state = stateLocation(other, 'chat');
        for (const [action, resource, context] of [
          ['lambda:UpdateFunctionCode', arn('lambda', `function:${p}-chat-send`), {}],
          ['dynamodb:DeleteTable', arn('dynamodb', `table/${p}-chat-messages`), {}],
          ['sqs:DeleteQueue', arn('sqs', `${p}-chat-delivery-chunks`), {}],
          ['iam:PutRolePolicy', iam(`role/${p}-chat-send-fn`), { 'iam:PermissionsBoundary': permissionsBoundary(other).arn }],
          ['iam:PassRole', iam(`role/${p}-chat-send-fn`), { 'iam:PassedToService': 'lambda.amazonaws.com' }],
          ['ssm:GetParameter', arn('ssm', `parameter${parameterPath(other, 'chat', 'auth-token-secret')}`), {}],
          ['ssm:PutParameter', arn('ssm', `parameter${parameterPath(other, 'chat', 'ws-url')}`), {}],
          ['s3:PutObject', `arn:aws:s3:::${state.bucket}/${state.key}`, {}],
          ['s3:GetObject', `arn:aws:s3:::${state.bucket}/bootstrap/${other.name}.tfstate`, {}],
        ] as [string, string, Request['context']][]) {
          expect({ other: other.name, action, resource, decision: asDeploy(action, resource, context) }).toEqual({
            other: other.name,
            action,
            resource,
            decision: expect.not.stringMatching(/^allow$/),
          });
        }
      }
    });
  }
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
        throw new Error(`no ARN rule for ${whole} (tools/policy/iam/escalation.spec.ts)`);
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

describe('deploy scopes are disjoint over the naming function', () => {
  // Every catalogue environment against previews, both ways: one's patterns match none of the
  // other's names (resources, parameters, state objects).
  const previews = ['alice', 'dev', 'prod', 'stag', 'pv', 'a1', 'x0123456789abcde'].map((n) => resolveEnvironment(`dev-${n}`));
  const names = (env: Environment) => [
    `${resourcePrefix(env)}-chat-messages`,
    `arn:aws:ssm:${env.region}:${env.accountId}:parameter${parameterPath(env, 'chat', 'auth-token-secret')}`,
    stateLocation(env, 'chat').key,
    `${stateLocation(env, 'chat').key}.tflock`,
  ];
  const patterns = (env: Environment) => [`${deployScope(env).prefix}-*`, ...deployScope(env).parameters, ...deployScope(env).stateKeys];
  const bases = Object.keys(CATALOGUE).map((name) => resolveEnvironment(name));

  it.each(bases.map((b) => b.name))('%s and every preview', (base) => {
    const env = resolveEnvironment(base);
    for (const preview of previews) {
      for (const [from, to] of [
        [env, preview],
        [preview, env],
      ] as const) {
        const reached = names(to).filter((name) => patterns(from).some((pattern) => globMatch(pattern, name)));
        expect({ from: from.name, to: to.name, reached }).toEqual({ from: from.name, to: to.name, reached: [] });
      }
    }
  });

  it('and between base environments', () => {
    for (const a of bases) {
      for (const b of bases.filter((x) => x !== a)) {
        expect({ a: a.name, b: b.name, reached: names(b).filter((n) => patterns(a).some((p) => globMatch(p, n))) }).toEqual({
          a: a.name,
          b: b.name,
          reached: [],
        });
      }
    }
  });
});
