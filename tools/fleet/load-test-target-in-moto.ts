import type { AwsCli } from '@relay/emulators';
import { FLEET_ADMISSION_CLOSED, loadTestTarget, type Environment } from '@relay/platform-config';

/** The aws CLI's name of an ECS service's scalable target. */
const scalableTargetArgs = (resourceId: string) => [
  '--service-namespace',
  'ecs',
  '--scalable-dimension',
  'ecs:service:DesiredCount',
  '--resource-id',
  resourceId,
];

/**
 * What an applied target stack (the env's load-test edge, else its platform stack) leaves in an
 * account for a fleet run to wake and admit, created in moto with the aws CLI: the broadcast load
 * balancer, cluster and service, asleep (its scalable target at min = max = 0, as the off-hours
 * schedule leaves the platform's at night), and where a WAF guards it, the rate rule's exemption
 * set (matching nothing) with the parameter naming it, and the target's URL parameter.
 */
export function seedLoadTestTargetInMoto(aws: AwsCli, env: Environment, url = 'http://127.0.0.1:9'): { resourceId: string; setArn: string | null } {
  const { cluster, service, scalableTarget, loadBalancer, admission, urlParameter } = loadTestTarget(env);
  // The load balancer in front of it, in two zones as Network builds it.
  const vpc = (aws.json('ec2', 'create-vpc', '--cidr-block', '10.42.0.0/16')['Vpc'] as { VpcId: string }).VpcId;
  const subnets = ['a', 'c'].map(
    (zone, i) =>
      (
        aws.json('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', `10.42.${i * 16}.0/20`, '--availability-zone', `${env.region}${zone}`)['Subnet'] as {
          SubnetId: string;
        }
      ).SubnetId,
  );
  aws('elbv2', 'create-load-balancer', '--name', loadBalancer, '--type', 'application', '--subnets', ...subnets);
  aws('ecs', 'create-cluster', '--cluster-name', cluster);
  aws('ecs', 'register-task-definition', '--family', cluster, '--container-definitions', JSON.stringify([{ name: service, image: 'broadcast', memory: 512 }]));
  aws('ecs', 'create-service', '--cluster', cluster, '--service-name', service, '--task-definition', cluster, '--desired-count', '0');
  aws('application-autoscaling', 'register-scalable-target', ...scalableTargetArgs(scalableTarget), '--min-capacity', '0', '--max-capacity', '0');
  aws('ssm', 'put-parameter', '--cli-input-json', JSON.stringify({ Name: urlParameter, Type: 'String', Value: url, Overwrite: true }));
  if (!admission) return { resourceId: scalableTarget, setArn: null };
  const created = aws.json(
    'wafv2',
    'create-regex-pattern-set',
    '--name',
    admission.regexPatternSet,
    '--scope',
    'REGIONAL',
    '--regular-expression-list',
    JSON.stringify([{ RegexString: FLEET_ADMISSION_CLOSED }]),
  )['Summary'] as { ARN: string };
  aws('ssm', 'put-parameter', '--cli-input-json', JSON.stringify({ Name: admission.setArnParameter, Type: 'String', Value: created.ARN, Overwrite: true }));
  return { resourceId: scalableTarget, setArn: created.ARN };
}

/**
 * What destroying the target stack takes away, from moto: the load balancer, service, cluster,
 * scalable target, exemption set and parameters. Whatever is already gone is skipped.
 */
export function removeLoadTestTargetFromMoto(aws: AwsCli, env: Environment): string[] {
  const { cluster, service, scalableTarget, loadBalancer, admission, urlParameter } = loadTestTarget(env);
  const removed: string[] = [];
  const attempt = (what: string, remove: () => unknown) => {
    try {
      remove();
      removed.push(what);
    } catch {
      // Not there (a destroy after a failed apply): nothing to take away.
    }
  };
  attempt(`load balancer ${loadBalancer}`, () => {
    const [lb] = aws.json('elbv2', 'describe-load-balancers', '--names', loadBalancer)['LoadBalancers'] as { LoadBalancerArn: string }[];
    if (!lb) throw new Error('gone');
    aws('elbv2', 'delete-load-balancer', '--load-balancer-arn', lb.LoadBalancerArn);
  });
  attempt(`scalable target ${scalableTarget}`, () => aws('application-autoscaling', 'deregister-scalable-target', ...scalableTargetArgs(scalableTarget)));
  attempt(`service ${cluster}/${service}`, () => aws('ecs', 'delete-service', '--cluster', cluster, '--service', service, '--force'));
  attempt(`cluster ${cluster}`, () => aws('ecs', 'delete-cluster', '--cluster', cluster));
  if (admission) {
    attempt(`exemption set ${admission.regexPatternSet}`, () => {
      const { Parameter } = aws.json('ssm', 'get-parameter', '--name', admission.setArnParameter) as { Parameter: { Value: string } };
      const [, id = ''] = /\/([^/]+)$/.exec(Parameter.Value) ?? [];
      const { LockToken } = aws.json('wafv2', 'get-regex-pattern-set', '--name', admission.regexPatternSet, '--scope', 'REGIONAL', '--id', id) as {
        LockToken: string;
      };
      aws('wafv2', 'delete-regex-pattern-set', '--name', admission.regexPatternSet, '--scope', 'REGIONAL', '--id', id, '--lock-token', LockToken);
    });
    attempt(`parameter ${admission.setArnParameter}`, () => aws('ssm', 'delete-parameter', '--name', admission.setArnParameter));
  }
  attempt(`parameter ${urlParameter}`, () => aws('ssm', 'delete-parameter', '--name', urlParameter));
  return removed;
}
