import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import type { Environment } from '@relay/platform-config';
import { serviceRoleName } from './role-families';
import { ecsTaskRole } from './ecs-role';
import type { Statement } from './iam';
import { HttpApiFrontDoor, type HttpApiFrontDoorProps } from './http-api-front-door';
import { LoadBalancerFrontDoor, type LoadBalancerFrontDoorProps } from './load-balancer-front-door';

export interface FargateServiceProps {
  env: Environment;
  prefix: string;
  serviceName: string;
  vpcId: string;
  subnetIds: string[];
  containerPort: number;
  healthCheckPath: string;
  /** The image by digest (repository@sha256:…), from the bootstrap stack's registry. */
  image: string;
  repositoryArn: string;
  environment?: Record<string, string>;
  /** Container env vars filled from SSM parameters: name to parameter ARN. */
  secrets?: Record<string, string>;
  /** What the running service may do (its task role). */
  taskStatements: Statement[];
  /** How requests reach the tasks: an ALB, or an HTTP API through a VPC link. */
  frontDoor: LoadBalancerFrontDoorProps | HttpApiFrontDoorProps;
}

/** ECS on Fargate behind its front door: Spot outside prod, the image pinned by digest. */
export class FargateService extends Construct {
  readonly cluster: EcsCluster;
  readonly service: EcsService;
  readonly frontDoor: LoadBalancerFrontDoor | HttpApiFrontDoor;
  readonly scalingTarget: AppautoscalingTarget;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { env, prefix, serviceName } = props;
    const name = `${prefix}-${serviceName}`;
    const short = name.slice(0, 32);

    this.cluster = new EcsCluster(this, 'cluster', {
      name,
      setting: [{ name: 'containerInsights', value: env.fargate.containerInsights ? 'enabled' : 'disabled' }],
    });
    const capacityProvider = env.fargate.spot ? 'FARGATE_SPOT' : 'FARGATE';
    new EcsClusterCapacityProviders(this, 'capacity', {
      clusterName: this.cluster.name,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider, weight: 1 }],
    });
    const logs = new CloudwatchLogGroup(this, 'logs', { name: `/ecs/${name}`, retentionInDays: env.retention.logDays });

    const secretArns = Object.values(props.secrets ?? {});
    const executionRole = ecsTaskRole(this, 'execution', serviceRoleName(short, 'ecs-execution'), env, [
      { sid: 'PullToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      { sid: 'PullImage', actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], resources: [props.repositoryArn] },
      { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logs.arn}:*`] },
      ...(secretArns.length ? [{ sid: 'Secrets', actions: ['ssm:GetParameters'], resources: secretArns }] : []),
    ]);
    const taskRole = ecsTaskRole(this, 'task', serviceRoleName(short, 'ecs-task'), env, props.taskStatements);

    const container = {
      name: serviceName,
      image: props.image,
      essential: true,
      portMappings: [{ containerPort: props.containerPort, protocol: 'tcp' }],
      environment: Object.entries(props.environment ?? {}).map(([n, value]) => ({ name: n, value })),
      secrets: Object.entries(props.secrets ?? {}).map(([n, valueFrom]) => ({ name: n, valueFrom })),
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': logs.name, 'awslogs-region': env.region, 'awslogs-stream-prefix': serviceName },
      },
      // Fargate Spot gives two minutes' notice; let the app drain for all of it.
      stopTimeout: 120,
      readonlyRootFilesystem: true,
      user: '1000:1000',
      linuxParameters: { initProcessEnabled: true },
      // Behind Cloud Map nothing else probes the task: ECS marks it unhealthy from this, so the
      // HTTP API stops being handed its address. The image's own Node asks the service.
      ...(props.frontDoor.kind === 'http-api'
        ? {
            healthCheck: {
              command: [
                'CMD',
                'node',
                '-e',
                `fetch('http://127.0.0.1:${props.containerPort}${props.healthCheckPath}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
              ],
              interval: 15,
              timeout: 5,
              retries: 3,
              startPeriod: 30,
            },
          }
        : {}),
    };
    const task = new EcsTaskDefinition(this, 'task', {
      family: name,
      cpu: String(env.fargate.cpu),
      memory: String(env.fargate.memoryMb),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      containerDefinitions: JSON.stringify([container]),
    });

    const taskSg = new SecurityGroup(this, 'task-sg', { name: `${short}-task`, vpcId: props.vpcId, description: `${name} tasks` });
    new VpcSecurityGroupEgressRule(this, 'tasks-to-aws', {
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
      containerName: serviceName,
      containerPort: props.containerPort,
      healthCheckPath: props.healthCheckPath,
    };
    // Its resources are this construct's own, as the ALB's always were: their Terraform
    // addresses do not move, so no apply replaces stag's or prod's load balancer.
    this.frontDoor =
      props.frontDoor.kind === 'load-balancer' ? new LoadBalancerFrontDoor(this, target, props.frontDoor) : new HttpApiFrontDoor(this, target, props.frontDoor);

    this.service = new EcsService(this, 'service', {
      name: serviceName,
      cluster: this.cluster.arn,
      taskDefinition: task.arn,
      desiredCount: env.fargate.desiredCount,
      capacityProviderStrategy: [{ capacityProvider, weight: 1 }],
      // Public IPs instead of a NAT gateway: a cost decision, explained on Network.
      networkConfiguration: { subnets: props.subnetIds, securityGroups: [taskSg.id], assignPublicIp: true },
      ...this.frontDoor.serviceAttachment,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 30,
      propagateTags: 'SERVICE',
      // Autoscaling and the off-hours schedule own the count once the service exists.
      lifecycle: { ignoreChanges: ['desired_count'] },
    });
    const scaling = (this.scalingTarget = new AppautoscalingTarget(this, 'scaling', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${this.cluster.name}/${this.service.name}`,
      minCapacity: env.fargate.minCount,
      maxCapacity: env.fargate.maxCount,
      // Where an off-hours schedule exists it owns min/max (0/0 at night, the catalogue's bounds
      // each morning): Terraform ignores them, so a drift check at night reports no false drift
      // and an apply at night does not wake the service. A catalogue change to the bounds takes
      // effect at the next morning start (the schedule's input is Terraform's).
      ...(env.offHours ? { lifecycle: { ignoreChanges: ['min_capacity', 'max_capacity'] } } : {}),
    }));
    new AppautoscalingPolicy(this, 'cpu-tracking', {
      name: `${name}-cpu`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: scaling.serviceNamespace,
      scalableDimension: scaling.scalableDimension,
      resourceId: scaling.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 60,
        predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        scaleInCooldown: 120,
        scaleOutCooldown: 30,
      },
    });
  }
}
