import { loadTestEdge, resolveEnvironment, stateLocation } from '@relay/platform-config';
import { evaluate, sdkCallsOf, bootstrapRolePolicies, stackCalls } from '@relay/policy';
import { synthesizeStacks } from '@relay/emulators';

/**
 * relay-edge (ADR 10) over the synthesized stag stacks: it can apply, refresh and destroy every
 * resource of the load-test edge and read what the edge looks up, and it can change nothing of
 * stag's other stacks. Terraform's calls come from tools/policy/iam/terraform-actions.ts.
 */
jest.setTimeout(120_000);

const stag = resolveEnvironment('stag');
const stacks = synthesizeStacks({ RELAY_ENVS: 'stag' });
const policies = bootstrapRolePolicies(stacks, stag, 'relay-edge');
const decide = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
  evaluate(policies, { action, resource, context: { 'aws:ResourceAccount': stag.accountId, ...context } });
const arn = (service: string, rest: string) => `arn:aws:${service}:${stag.region}:${stag.accountId}:${rest}`;

/**
 * Calls on another stack's resources that relay-edge is allowed because they change nothing of
 * that stack: reads, and one half of a call whose other half it is refused.
 */
const HARMLESS: { action: string; resource: RegExp; why: string }[] = [
  {
    action: 'ec2:CreateSecurityGroup',
    resource: /:vpc\//,
    why: "a group is created in a VPC and as a new group; the new group's half requires the edge's tags",
  },
  {
    action: 'wafv2:CreateWebACL',
    resource: /\/managedruleset\//,
    why: "an ACL that references AWS's rule groups is created on both; the ACL's half is the edge's name only",
  },
  { action: 'wafv2:UpdateWebACL', resource: /\/managedruleset\//, why: 'likewise for an update' },
  {
    action: 'iam:CreateServiceLinkedRole',
    resource: /:role\/aws-service-role\//,
    why: "AWS's own roles for ECS, ELB and scaling, which the platform's first apply already made",
  },
  { action: 'route53:GetChange', resource: /:change\//, why: "a change batch's status" },
];
const harmless = (action: string, resource: string) =>
  resource === '*' || /:(Describe|List|Get)[A-Za-z]*$/.test(action) || HARMLESS.some((h) => h.action === action && h.resource.test(resource));

describe('relay-edge (stag)', () => {
  it('can apply, refresh and destroy every resource of the edge stack, and read what it looks up', () => {
    const calls = stackCalls(stacks['edge-stag']!, stag);
    expect(new Set(calls.filter((c) => c.address.startsWith('data.')).map((c) => c.address.split('.')[1]))).toEqual(
      new Set(['aws_vpc', 'aws_subnets', 'aws_ecs_task_definition', 'aws_acm_certificate']),
    );
    const denied = calls
      .map(({ address, phase, call }) => ({ address, phase, call, decision: decide(call.action, call.resource, call.context) }))
      .filter((c) => c.decision !== 'allow')
      .map(({ address, phase, call, decision }) => `${address} ${phase}: ${call.action} on ${call.resource} (${decision})`);
    expect([...new Set(denied)]).toEqual([]);
    const state = stateLocation(stag, 'edge');
    for (const key of [state.key, `${state.key}.tflock`]) expect(decide('s3:PutObject', `arn:aws:s3:::${state.bucket}/${key}`)).toBe('allow');
    expect(decide('s3:DeleteObject', `arn:aws:s3:::${state.bucket}/${state.key}.tflock`)).toBe('allow');
  });

  it.each(['platform-stag', 'chat-stag', 'web-stag', 'loadgen-stag', 'bootstrap-stag'])('can create, change or destroy nothing of %s', (id) => {
    const stack = stacks[id]!;
    const types = id.startsWith('bootstrap-') ? Object.keys(stack.resource).filter((t) => !/^aws_(api_gateway_account|iam_)/.test(t)) : undefined;
    const calls = stackCalls(types ? { ...stack, resource: Object.fromEntries(types.map((t) => [t, stack.resource[t]!])), data: {} } : stack, stag);
    const allowed = calls
      .filter(({ phase }) => phase !== 'read')
      .filter(({ call }) => !harmless(call.action, call.resource) && decide(call.action, call.resource, call.context) === 'allow')
      .map(({ address, phase, call }) => `${address} ${phase}: ${call.action} on ${call.resource}`);
    expect([...new Set(allowed)]).toEqual([]);
    expect(calls.length).toBeGreaterThan(0);
  });

  it("runs only the platform's broadcast task definition, changes only the lt. record, and touches no other state", () => {
    const service = arn('ecs', `service/${loadTestEdge(stag).cluster}/${loadTestEdge(stag).service}`);
    expect(decide('ecs:CreateService', service, { 'ecs:task-definition': arn('ecs', 'task-definition/relay-stag-broadcast:12') })).toBe('allow');
    expect(decide('ecs:CreateService', service, { 'ecs:task-definition': arn('ecs', 'task-definition/relay-stag-loadgen:3') })).toBe('implicit-deny');
    expect(decide('ecs:UpdateService', service, { 'ecs:task-definition': arn('ecs', 'task-definition/relay-stag-loadgen:3') })).toBe('implicit-deny');
    expect(decide('ecs:CreateService', arn('ecs', 'service/relay-stag-broadcast/broadcast-edge'))).toBe('implicit-deny');
    const zone = `arn:aws:route53:::hostedzone/${stag.domain!.zoneId}`;
    const names = (...n: string[]) => ({ 'route53:ChangeResourceRecordSetsNormalizedRecordNames': n });
    expect(decide('route53:ChangeResourceRecordSets', zone, names(loadTestEdge(stag).host))).toBe('allow');
    expect(decide('route53:ChangeResourceRecordSets', zone, names(stag.domain!.apiHost))).toBe('implicit-deny');
    expect(decide('route53:ChangeResourceRecordSets', zone, names(loadTestEdge(stag).host, stag.domain!.webHost))).toBe('implicit-deny');
    const bucket = stateLocation(stag, 'platform').bucket;
    for (const component of ['platform', 'chat', 'web', 'loadgen', 'bootstrap']) {
      const key = stateLocation(stag, component).key;
      expect([component, decide('s3:GetObject', `arn:aws:s3:::${bucket}/${key}`)]).toEqual([component, 'implicit-deny']);
      expect([component, decide('s3:PutObject', `arn:aws:s3:::${bucket}/${key}.tflock`)]).toEqual([component, 'implicit-deny']);
    }
    // A security group or scalable target of the platform's (its tags say so) is not the edge's.
    const platformTags = { 'aws:ResourceTag/service': 'platform', 'aws:ResourceTag/env': 'stag' };
    expect(decide('ec2:DeleteSecurityGroup', arn('ec2', 'security-group/sg-1'), platformTags)).toBe('implicit-deny');
    expect(decide('application-autoscaling:DeregisterScalableTarget', arn('application-autoscaling', 'scalable-target/x'), platformTags)).toBe('implicit-deny');
    expect(decide('ec2:CreateSecurityGroup', arn('ec2', 'security-group/sg-1'), { 'aws:RequestTag/service': 'platform', 'aws:RequestTag/env': 'stag' })).toBe(
      'implicit-deny',
    );
    for (const action of ['iam:CreateRole', 'iam:PassRole', 'iam:PutRolePolicy'])
      expect([action, decide(action, 'arn:aws:iam::222222222222:role/relay-stag-x')]).toEqual([action, 'implicit-deny']);
  });

  it("lets drift.yml's plan role read whether the edge is up (edge-left-up.ts), and nothing of it to change", () => {
    const plan = bootstrapRolePolicies(stacks, stag, 'relay-plan');
    const state = stateLocation(stag, 'edge');
    const calls = Object.values(sdkCallsOf(['tools/nx-plugin/scripts/edge-left-up.ts'])).flat();
    expect(calls).toEqual(['s3:GetObject']);
    for (const action of calls) expect(evaluate(plan, { action, resource: `arn:aws:s3:::${state.bucket}/${state.key}` })).toBe('allow');
    expect(evaluate(plan, { action: 's3:PutObject', resource: `arn:aws:s3:::${state.bucket}/${state.key}` })).toBe('implicit-deny');
  });
});
