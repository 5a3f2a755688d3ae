import { fleetAdmissionSecret, loadgenResultsBucket, loadTestTarget, resolveEnvironment } from '@relay/platform-config';
import { evaluate, sdkCallsOf, rolesOf } from '@relay/policy';
import { synthesizeStacks } from '@relay/emulators';

/**
 * The nightly's role (relay-loadtest) and the k6 fleet, over the synthesized stag stacks: it can
 * start the fleet's one task definition in the fleet's cluster only, pass that task definition's
 * own two roles to ECS only, watch and stop the fleet's tasks, and read and write the results
 * bucket's runs/; nothing of the broadcast service, no other role, bucket or cluster. The roles
 * it may pass are the ones the loadgen stack's task definition names.
 */
jest.setTimeout(120_000);

const stag = resolveEnvironment('stag');
const stacks = synthesizeStacks({ RELAY_ENVS: 'stag', RELAY_COMPONENTS: 'bootstrap,loadgen' });
const role = rolesOf(stacks['bootstrap-stag']!)['relay-loadtest']!;
const arn = (service: string, rest: string) => `arn:aws:${service}:${stag.region}:${stag.accountId}:${rest}`;
const cluster = arn('ecs', 'cluster/relay-stag-loadgen');
const can = (action: string, resource: string, context: Record<string, string> = {}) => evaluate(role.policies, { action, resource, context });

describe('relay-loadtest and the k6 fleet (stag)', () => {
  it("starts only the fleet's task definition, only in the fleet's cluster", () => {
    expect(can('ecs:RunTask', arn('ecs', 'task-definition/relay-stag-loadgen:7'), { 'ecs:cluster': cluster })).toBe('allow');
    expect(can('ecs:RunTask', arn('ecs', 'task-definition/relay-stag-loadgen:7'), { 'ecs:cluster': arn('ecs', 'cluster/relay-stag-broadcast') })).toBe(
      'implicit-deny',
    );
    expect(can('ecs:RunTask', arn('ecs', 'task-definition/relay-stag-broadcast:3'), { 'ecs:cluster': cluster })).toBe('implicit-deny');
    expect(can('ecs:StartTask', arn('ecs', 'task-definition/relay-stag-loadgen:7'), { 'ecs:cluster': cluster })).toBe('implicit-deny');
    expect(can('ecs:RegisterTaskDefinition', '*')).toBe('implicit-deny');
    expect(can('ecs:DescribeTasks', arn('ecs', 'task/relay-stag-loadgen/abc'))).toBe('allow');
    expect(can('ecs:StopTask', arn('ecs', 'task/relay-stag-loadgen/abc'))).toBe('allow');
    expect(can('ecs:StopTask', arn('ecs', 'task/relay-stag-broadcast/abc'))).toBe('implicit-deny');
  });

  it("scales only stag's load-test target (its edge's service), through its scalable target's bounds, and cannot deploy to it", () => {
    const target = arn('application-autoscaling', 'scalable-target/0123456789abcdef0123456789abcdef');
    const edgeTarget = {
      'application-autoscaling:service-namespace': 'ecs',
      'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
      'aws:ResourceTag/env': 'stag',
      'aws:ResourceTag/service': 'edge',
    };
    expect(loadTestTarget(stag).stack).toBe('edge');
    expect(can('application-autoscaling:RegisterScalableTarget', target, edgeTarget)).toBe('allow');
    // Another stack's target (the platform's own service, a table's, a preview's), or another dimension: no.
    for (const other of ['platform', 'chat'])
      expect([other, can('application-autoscaling:RegisterScalableTarget', target, { ...edgeTarget, 'aws:ResourceTag/service': other })]).toEqual([
        other,
        'implicit-deny',
      ]);
    expect(can('application-autoscaling:RegisterScalableTarget', target, { ...edgeTarget, 'application-autoscaling:service-namespace': 'dynamodb' })).toBe(
      'implicit-deny',
    );
    expect(can('application-autoscaling:DeregisterScalableTarget', target, edgeTarget)).toBe('implicit-deny');
    expect(can('application-autoscaling:PutScalingPolicy', target, edgeTarget)).toBe('implicit-deny');
    const service = arn('ecs', 'service/relay-stag-edge/broadcast-edge');
    expect(can('ecs:UpdateService', service)).toBe('allow');
    expect(can('ecs:UpdateService', service, { 'ecs:task-definition': arn('ecs', 'task-definition/relay-stag-broadcast:9') })).toBe('implicit-deny');
    expect(can('ecs:UpdateService', arn('ecs', 'service/relay-stag-broadcast/broadcast'))).toBe('implicit-deny');
    expect(can('ecs:UpdateService', arn('ecs', 'service/relay-stag-loadgen/other'))).toBe('implicit-deny');
    expect(can('ecs:DescribeServices', service)).toBe('allow');
    // Its load balancer's capacity reservation, and nothing else of that load balancer.
    const alb = arn('elasticloadbalancing', 'loadbalancer/app/relay-stag-edge/50dc6c495c0c9188');
    expect(can('elasticloadbalancing:ModifyCapacityReservation', alb)).toBe('allow');
    expect(can('elasticloadbalancing:ModifyCapacityReservation', arn('elasticloadbalancing', 'loadbalancer/app/relay-stag-other/50dc6c495c0c9188'))).toBe(
      'implicit-deny',
    );
    expect(can('elasticloadbalancing:ModifyLoadBalancerAttributes', alb)).toBe('implicit-deny');
    expect(can('elasticloadbalancing:DeleteLoadBalancer', alb)).toBe('implicit-deny');
  });

  it("admits the fleet past the WAF rate rule through its one exemption set and the run's secret, nothing else of WAF", () => {
    const names = { ...loadTestTarget(stag).admission!, parameter: fleetAdmissionSecret(stag) };
    const set = arn('wafv2', `regional/regexpatternset/${names.regexPatternSet}/a1b2c3`);
    expect(can('wafv2:UpdateRegexPatternSet', set)).toBe('allow');
    expect(can('wafv2:GetRegexPatternSet', set)).toBe('allow');
    expect(can('wafv2:UpdateRegexPatternSet', arn('wafv2', 'regional/regexpatternset/relay-stag-other/a1b2c3'))).toBe('implicit-deny');
    expect(can('wafv2:UpdateWebACL', arn('wafv2', 'regional/webacl/relay-stag-edge/a1b2c3'))).toBe('implicit-deny');
    expect(can('wafv2:UpdateRegexPatternSet', arn('wafv2', 'regional/regexpatternset/relay-stag-broadcast-fleet-admission/a1b2c3'))).toBe('implicit-deny');
    expect(can('wafv2:UpdateIPSet', arn('wafv2', 'regional/ipset/relay-stag-any/a1b2c3'))).toBe('implicit-deny');
    expect(can('ssm:PutParameter', arn('ssm', `parameter${names.parameter}`))).toBe('allow');
    expect(can('ssm:DeleteParameter', arn('ssm', `parameter${names.parameter}`))).toBe('allow');
    expect(can('ssm:GetParameter', arn('ssm', `parameter${names.setArnParameter}`))).toBe('allow');
    expect(can('ssm:PutParameter', arn('ssm', 'parameter/relay/stag/chat/auth-token-secret'))).toBe('implicit-deny');
    expect(can('ssm:PutParameter', arn('ssm', 'parameter/relay/stag/loadgen/run/other'))).toBe('implicit-deny');
  });

  it("passes only the fleet task definition's own roles, and only to ECS tasks", () => {
    const [task] = Object.values(stacks['loadgen-stag']!.resource['aws_ecs_task_definition']!);
    const roleIds = [task!['task_role_arn'], task!['execution_role_arn']].map((ref) => /aws_iam_role\.([^.]+)\.arn/.exec(String(ref))?.[1]);
    const names = roleIds.map((id) => String(stacks['loadgen-stag']!.resource['aws_iam_role']![id!]!['name']));
    expect(names).toEqual(['relay-stag-loadgen-task', 'relay-stag-loadgen-exec']);
    for (const name of names) {
      const roleArn = `arn:aws:iam::${stag.accountId}:role/${name}`;
      expect(can('iam:PassRole', roleArn, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })).toBe('allow');
      expect(can('iam:PassRole', roleArn, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('implicit-deny');
    }
    for (const other of ['relay-stag-broadcast-task', 'relay-deploy', 'relay-loadtest', 'relay-stag-chat-send-fn']) {
      expect([other, can('iam:PassRole', `arn:aws:iam::${stag.accountId}:role/${other}`, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })]).toEqual([
        other,
        'implicit-deny',
      ]);
    }
  });

  it("reads and writes only the results bucket's runs/", () => {
    const bucket = loadgenResultsBucket(stag);
    expect(can('s3:PutObject', `arn:aws:s3:::${bucket}/runs/r1/start.json`)).toBe('allow');
    expect(can('s3:GetObject', `arn:aws:s3:::${bucket}/runs/r1/tasks/0/summary.json`)).toBe('allow');
    expect(can('s3:ListBucket', `arn:aws:s3:::${bucket}`, { 's3:prefix': 'runs/r1/' })).toBe('allow');
    expect(can('s3:ListBucket', `arn:aws:s3:::${bucket}`, { 's3:prefix': '' })).toBe('implicit-deny');
    expect(can('s3:DeleteObject', `arn:aws:s3:::${bucket}/runs/r1/start.json`)).toBe('implicit-deny');
    expect(can('s3:DeleteObject', `arn:aws:s3:::${bucket}/runs/history/r1.json`)).toBe('implicit-deny');
    expect(can('s3:DeleteObject', `arn:aws:s3:::${bucket}/runs/in-flight/stag.json`)).toBe('allow');
    expect(can('s3:PutObject', `arn:aws:s3:::${bucket}/elsewhere`)).toBe('implicit-deny');
    expect(can('s3:PutBucketPolicy', `arn:aws:s3:::${bucket}`)).toBe('implicit-deny');
    expect(can('s3:GetObject', `arn:aws:s3:::relay-tfstate-${stag.accountId}-${stag.region}/chat/stag.tfstate`)).toBe('implicit-deny');
    expect(can('ssm:GetParameter', arn('ssm', 'parameter/relay/stag/loadgen/launch'))).toBe('allow');
    // The URL it loads is the load-test edge's, not the platform's daytime front door.
    expect(can('ssm:GetParameter', arn('ssm', `parameter${loadTestTarget(stag).urlParameter}`))).toBe('allow');
    expect(can('ssm:GetParameter', arn('ssm', 'parameter/relay/stag/broadcast/url'))).toBe('implicit-deny');
    expect(can('ssm:PutParameter', arn('ssm', 'parameter/relay/stag/loadgen/launch'))).toBe('implicit-deny');
  });

  it("allows every AWS call the orchestrator's code makes (derived from its source)", () => {
    const granted = new Set(
      (role.policies as { Statement: { Effect: string; Action: string[] }[] }[]).flatMap((p) =>
        p.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action),
      ),
    );
    const calls = Object.values(
      sdkCallsOf(
        ['remote-fleet.ts', 'preflight.ts', 'wake.ts', 'admission.ts', 'load-balancer-reservation.ts', 'in-flight.ts'].map((file) => `tools/fleet/${file}`),
      ),
    ).flat();
    expect(calls).toEqual(
      expect.arrayContaining([
        'ecs:RunTask',
        'ecs:DescribeTasks',
        'ecs:StopTask',
        's3:PutObject',
        'servicequotas:ListServiceQuotas',
        'application-autoscaling:RegisterScalableTarget',
        'wafv2:UpdateRegexPatternSet',
        'elasticloadbalancing:ModifyCapacityReservation',
        's3:DeleteObject',
      ]),
    );
    expect(calls.filter((action) => !granted.has(action))).toEqual([]);
  });

  it('exists only where the catalogue gives the env a fleet', () => {
    const prod = rolesOf(synthesizeStacks({ RELAY_ENVS: 'prod', RELAY_COMPONENTS: 'bootstrap' })['bootstrap-prod']!);
    expect(prod['relay-loadtest']).toBeUndefined();
  });
});
