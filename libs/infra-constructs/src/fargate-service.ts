import { Construct } from 'constructs';
import type { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import type { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import type { Environment } from '@relay/platform-config';
import { serviceRoleName } from './role-families';
import { ecsTaskRole } from './ecs-role';
import type { Statement } from './iam';
import type { HttpApiFrontDoor, HttpApiFrontDoorProps } from './http-api-front-door';
import type { LoadBalancerFrontDoor, LoadBalancerFrontDoorProps } from './load-balancer-front-door';
import { serviceBehindFrontDoor } from './service-behind-front-door';

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

    const running = serviceBehindFrontDoor(this, {
      env,
      name,
      serviceName,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      containerPort: props.containerPort,
      healthCheckPath: props.healthCheckPath,
      taskDefinitionArn: task.arn,
      frontDoor: props.frontDoor,
      boundsOwnedElsewhere: env.offHours !== null,
    });
    this.cluster = running.cluster;
    this.service = running.service;
    this.frontDoor = running.frontDoor;
    this.scalingTarget = running.scalingTarget;
  }
}
