import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import type { Environment } from '@relay/platform-config';
import { serviceRoleName } from './role-families';
import { ecsTaskRole } from './ecs-role';
import type { Statement } from './iam';

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
  /** With a certificate the ALB listens on 443 and redirects 80; without, plain HTTP on 80. */
  certificateArn?: string;
  /** ALB access logs: the account's log bucket and this service's prefix in it. */
  accessLogs: { bucket: string; prefix: string };
  /**
   * The ALB's LCU reservation is a load test's to set and reset (the k6 fleet's orchestrator
   * reserves capacity for a spike and releases it after): Terraform leaves it alone.
   */
  capacityReservedByLoadTests?: boolean;
  /** A REGIONAL WAF web ACL in front of the load balancer. */
  webAclArn?: string;
}

/** ECS on Fargate behind an ALB: Spot outside prod, the image pinned by digest. */
export class FargateService extends Construct {
  readonly cluster: EcsCluster;
  readonly service: EcsService;
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly scalingTarget: AppautoscalingTarget;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { env, prefix, serviceName } = props;
    const name = `${prefix}-${serviceName}`;
    const short = name.slice(0, 32);
    const production = env.kind === 'prod';

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

    const albSg = new SecurityGroup(this, 'alb-sg', { name: `${short}-alb`, vpcId: props.vpcId, description: `${name} load balancer` });
    const taskSg = new SecurityGroup(this, 'task-sg', { name: `${short}-task`, vpcId: props.vpcId, description: `${name} tasks` });
    const listenPort = props.certificateArn ? 443 : 80;
    for (const port of props.certificateArn ? [80, 443] : [80]) {
      new VpcSecurityGroupIngressRule(this, `alb-in-${port}`, {
        securityGroupId: albSg.id,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
        description: port === 443 || !props.certificateArn ? 'public API clients' : 'public clients, answered with a redirect to HTTPS',
      });
    }
    new VpcSecurityGroupEgressRule(this, 'alb-to-tasks', {
      securityGroupId: albSg.id,
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      referencedSecurityGroupId: taskSg.id,
      description: 'forward to the service tasks',
    });
    new VpcSecurityGroupIngressRule(this, 'tasks-from-alb', {
      securityGroupId: taskSg.id,
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      referencedSecurityGroupId: albSg.id,
      description: 'requests from the load balancer only',
    });
    new VpcSecurityGroupEgressRule(this, 'tasks-to-aws', {
      securityGroupId: taskSg.id,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
      description: 'AWS APIs and ECR',
    });

    this.loadBalancer = new Lb(this, 'alb', {
      name: short,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [albSg.id],
      subnets: props.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: production,
      accessLogs: { bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix, enabled: true },
      ...(props.capacityReservedByLoadTests ? { lifecycle: { ignoreChanges: ['minimum_load_balancer_capacity'] } } : {}),
    });
    if (props.webAclArn) new Wafv2WebAclAssociation(this, 'waf', { resourceArn: this.loadBalancer.arn, webAclArn: props.webAclArn });
    const targets = new LbTargetGroup(this, 'targets', {
      name: short,
      port: props.containerPort,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: props.vpcId,
      deregistrationDelay: '30',
      healthCheck: { path: props.healthCheckPath, matcher: '200', interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
    });
    this.targetGroup = targets;
    new LbListener(this, 'listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: listenPort,
      protocol: props.certificateArn ? 'HTTPS' : 'HTTP',
      certificateArn: props.certificateArn,
      sslPolicy: props.certificateArn ? 'ELBSecurityPolicy-TLS13-1-2-2021-06' : undefined,
      defaultAction: [{ type: 'forward', targetGroupArn: targets.arn }],
    });
    if (props.certificateArn) {
      new LbListener(this, 'redirect-http', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
      });
    }

    this.service = new EcsService(this, 'service', {
      name: serviceName,
      cluster: this.cluster.arn,
      taskDefinition: task.arn,
      desiredCount: env.fargate.desiredCount,
      capacityProviderStrategy: [{ capacityProvider, weight: 1 }],
      // Public IPs instead of a NAT gateway: a cost decision, explained on Network.
      networkConfiguration: { subnets: props.subnetIds, securityGroups: [taskSg.id], assignPublicIp: true },
      loadBalancer: [{ targetGroupArn: targets.arn, containerName: serviceName, containerPort: props.containerPort }],
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 30,
      propagateTags: 'SERVICE',
      // Autoscaling and the off-hours schedule own the count once the service exists.
      lifecycle: { ignoreChanges: ['desired_count'] },
      dependsOn: [targets],
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
