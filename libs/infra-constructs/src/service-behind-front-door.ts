import type { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import type { Environment } from '@relay/platform-config';
import { HttpApiFrontDoor, type HttpApiFrontDoorProps } from './http-api-front-door';
import { LoadBalancerFrontDoor, type LoadBalancerFrontDoorProps } from './load-balancer-front-door';

export interface ServiceBehindFrontDoorProps {
  env: Environment;
  /** The cluster's and the service's resources' name (prefix-service). */
  name: string;
  serviceName: string;
  /** The task definition's container the front door forwards to (default: serviceName). */
  containerName?: string;
  vpcId: string;
  subnetIds: string[];
  containerPort: number;
  healthCheckPath: string;
  taskDefinitionArn: string;
  frontDoor: LoadBalancerFrontDoorProps | HttpApiFrontDoorProps;
  /**
   * Another owner sets the scalable target's bounds (the off-hours schedule): Terraform ignores
   * them after creating it.
   */
  boundsOwnedElsewhere: boolean;
}

export interface ServiceBehindFrontDoor {
  cluster: EcsCluster;
  service: EcsService;
  frontDoor: LoadBalancerFrontDoor | HttpApiFrontDoor;
  scalingTarget: AppautoscalingTarget;
}

/**
 * A cluster running a task definition as an ECS service behind its front door, scaled on CPU:
 * Spot outside prod. Added to `scope` itself, so the resources keep the Terraform addresses they
 * had when FargateService created them inline (no apply replaces stag's or prod's service).
 */
export function serviceBehindFrontDoor(scope: Construct, props: ServiceBehindFrontDoorProps): ServiceBehindFrontDoor {
  const { env, name, serviceName } = props;
  const short = name.slice(0, 32);
  const cluster = new EcsCluster(scope, 'cluster', {
    name,
    setting: [{ name: 'containerInsights', value: env.fargate.containerInsights ? 'enabled' : 'disabled' }],
  });
  const capacityProvider = env.fargate.spot ? 'FARGATE_SPOT' : 'FARGATE';
  new EcsClusterCapacityProviders(scope, 'capacity', {
    clusterName: cluster.name,
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [{ capacityProvider, weight: 1 }],
  });
  const taskSg = new SecurityGroup(scope, 'task-sg', { name: `${short}-task`, vpcId: props.vpcId, description: `${name} tasks` });
  new VpcSecurityGroupEgressRule(scope, 'tasks-to-aws', {
    securityGroupId: taskSg.id,
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    cidrIpv4: '0.0.0.0/0',
    description: 'AWS APIs and ECR',
  });
  const target = {
    env,
    name,
    short,
    vpcId: props.vpcId,
    subnetIds: props.subnetIds,
    taskSecurityGroupId: taskSg.id,
    containerName: props.containerName ?? serviceName,
    containerPort: props.containerPort,
    healthCheckPath: props.healthCheckPath,
  };
  const frontDoor =
    props.frontDoor.kind === 'load-balancer' ? new LoadBalancerFrontDoor(scope, target, props.frontDoor) : new HttpApiFrontDoor(scope, target, props.frontDoor);

  const service = new EcsService(scope, 'service', {
    name: serviceName,
    cluster: cluster.arn,
    taskDefinition: props.taskDefinitionArn,
    desiredCount: env.fargate.desiredCount,
    capacityProviderStrategy: [{ capacityProvider, weight: 1 }],
    // Public IPs instead of a NAT gateway: a cost decision, explained on Network.
    networkConfiguration: { subnets: props.subnetIds, securityGroups: [taskSg.id], assignPublicIp: true },
    ...frontDoor.serviceAttachment,
    deploymentCircuitBreaker: { enable: true, rollback: true },
    healthCheckGracePeriodSeconds: 30,
    propagateTags: 'SERVICE',
    // Autoscaling and the off-hours schedule own the count once the service exists.
    lifecycle: { ignoreChanges: ['desired_count'] },
  });
  const scalingTarget = new AppautoscalingTarget(scope, 'scaling', {
    serviceNamespace: 'ecs',
    scalableDimension: 'ecs:service:DesiredCount',
    resourceId: `service/${cluster.name}/${service.name}`,
    minCapacity: env.fargate.minCount,
    maxCapacity: env.fargate.maxCount,
    // Where an off-hours schedule exists it owns min/max (0/0 at night, the catalogue's bounds
    // each morning): Terraform ignores them, so a drift check at night reports no false drift
    // and an apply at night does not wake the service. A catalogue change to the bounds takes
    // effect at the next morning start (the schedule's input is Terraform's).
    ...(props.boundsOwnedElsewhere ? { lifecycle: { ignoreChanges: ['min_capacity', 'max_capacity'] } } : {}),
  });
  new AppautoscalingPolicy(scope, 'cpu-tracking', {
    name: `${name}-cpu`,
    policyType: 'TargetTrackingScaling',
    serviceNamespace: scalingTarget.serviceNamespace,
    scalableDimension: scalingTarget.scalableDimension,
    resourceId: scalingTarget.resourceId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: 60,
      predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      scaleInCooldown: 120,
      scaleOutCooldown: 30,
    },
  });
  return { cluster, service, frontDoor, scalingTarget };
}
