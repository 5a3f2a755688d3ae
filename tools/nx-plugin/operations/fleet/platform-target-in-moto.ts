import { broadcastService, FLEET_ADMISSION_CLOSED, fleetAdmission, type Environment } from '@relay/platform-config';

/**
 * What an applied platform stack leaves in an account for a fleet run to wake and admit, created
 * in moto with the aws CLI: the broadcast load balancer, cluster and service, asleep (its scalable target at
 * min = max = 0, as the off-hours schedule leaves it at night), and where the env has a WAF and a
 * fleet, the rate rule's exemption set (matching nothing) with the parameter naming it.
 */
export function seedPlatformTargetInMoto(aws: (...args: string[]) => string, env: Environment): { resourceId: string; setArn: string | null } {
  const json = (...args: string[]) => JSON.parse(aws(...args) || 'null') as Record<string, unknown>;
  const { cluster, service, scalableTarget, loadBalancer } = broadcastService(env);
  // The load balancer in front of it, in two zones as Network builds it.
  const vpc = (json('ec2', 'create-vpc', '--cidr-block', '10.42.0.0/16')['Vpc'] as { VpcId: string }).VpcId;
  const subnets = ['a', 'c'].map(
    (zone, i) =>
      (
        json('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', `10.42.${i * 16}.0/20`, '--availability-zone', `${env.region}${zone}`)['Subnet'] as {
          SubnetId: string;
        }
      ).SubnetId,
  );
  aws('elbv2', 'create-load-balancer', '--name', loadBalancer, '--type', 'application', '--subnets', ...subnets);
  aws('ecs', 'create-cluster', '--cluster-name', cluster);
  aws('ecs', 'register-task-definition', '--family', cluster, '--container-definitions', JSON.stringify([{ name: service, image: 'broadcast', memory: 512 }]));
  aws('ecs', 'create-service', '--cluster', cluster, '--service-name', service, '--task-definition', cluster, '--desired-count', '0');
  aws(
    'application-autoscaling',
    'register-scalable-target',
    '--service-namespace',
    'ecs',
    '--scalable-dimension',
    'ecs:service:DesiredCount',
    '--resource-id',
    scalableTarget,
    '--min-capacity',
    '0',
    '--max-capacity',
    '0',
  );
  if (!env.waf || !env.loadgen) return { resourceId: scalableTarget, setArn: null };
  const names = fleetAdmission(env);
  const created = json(
    'wafv2',
    'create-regex-pattern-set',
    '--name',
    names.regexPatternSet,
    '--scope',
    'REGIONAL',
    '--regular-expression-list',
    JSON.stringify([{ RegexString: FLEET_ADMISSION_CLOSED }]),
  )['Summary'] as { ARN: string };
  aws('ssm', 'put-parameter', '--cli-input-json', JSON.stringify({ Name: names.setArnParameter, Type: 'String', Value: created.ARN, Overwrite: true }));
  return { resourceId: scalableTarget, setArn: created.ARN };
}
