import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { LOADGEN_CONTAINER, parameterPath, type Environment } from '@relay/platform-config';
import { loadgenName } from './fleet-run-permissions';
import { ecsTaskRole } from './ecs-role';
import { serviceRoleName } from './role-families';
import { SecureBucket } from './secure-bucket';

/** Days a run's results stay in the bucket; the nightly's 14-night trend reads fewer. */
export const LOADGEN_RESULTS_DAYS = 30;
/** Open files per task: one per socket, and a 4 vCPU task holds tens of thousands of sockets. */
const OPEN_FILES = 1_048_576;

export interface LoadGeneratorProps {
  env: Environment & { loadgen: NonNullable<Environment['loadgen']> };
  vpcId: string;
  subnetIds: string[];
  /** The k6 image by digest (repository@sha256:…), from the bootstrap stack's registry. */
  image: string;
  repositoryArn: string;
  resultsBucket: string;
  /** S3 server access logs of the results bucket: the account's log bucket and a prefix. */
  accessLogs: { bucket: string; prefix: string };
}

/**
 * The in-region k6 fleet, idle until a run: a cluster with no service (nothing runs between
 * runs, so nothing is paid), one task definition the orchestrator starts N times with
 * `--execution-segment`, a results bucket and a log group.
 *
 * No inbound path exists: the task security group has no ingress rule and the tasks listen on
 * nothing. Outbound is HTTPS only (the target's API and WebSocket endpoints, ECR, SSM and logs),
 * through public IPs on public subnets: no NAT gateway (~$43/month per AZ idle in Seoul) or
 * interface endpoints (~$10/month each per AZ) are kept up for a fleet that runs minutes a night.
 *
 * The task role reads only the run's parameters under /relay/<env>/loadgen/run/. It has no
 * S3 access at all: the orchestrator hands each task a presigned POST for its own prefix of its
 * own run (runs/<run>/tasks/<i>/) and a presigned GET for the run's inputs, so a task can write
 * nowhere else, and cannot read another run's (or another task's) results.
 */
export class LoadGenerator extends Construct {
  readonly cluster: EcsCluster;
  readonly taskDefinition: EcsTaskDefinition;
  readonly securityGroup: SecurityGroup;
  readonly results: SecureBucket;
  readonly taskRole: IamRole;
  readonly executionRole: IamRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: LoadGeneratorProps) {
    super(scope, id);
    const { env } = props;
    const name = loadgenName(env);

    this.cluster = new EcsCluster(this, 'cluster', {
      name,
      // Tasks sample their own CPU, memory and network from the task metadata endpoint into the
      // run's results; Container Insights would bill per metric for what the report already has.
      setting: [{ name: 'containerInsights', value: 'disabled' }],
    });
    // On-Demand only: a Spot reclaim would end one segment of the test and bias the result.
    new EcsClusterCapacityProviders(this, 'capacity', {
      clusterName: this.cluster.name,
      capacityProviders: ['FARGATE'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    });
    this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/ecs/${name}`, retentionInDays: env.retention.logDays });

    this.results = new SecureBucket(this, 'results', {
      bucketName: props.resultsBucket,
      versioned: false,
      forceDestroy: env.kind !== 'prod',
      accessLogs: props.accessLogs,
    });
    new S3BucketLifecycleConfiguration(this, 'results-lifecycle', {
      bucket: this.results.bucket.id,
      rule: [
        {
          id: 'runs-expire',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: LOADGEN_RESULTS_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });

    this.executionRole = ecsTaskRole(this, 'execution', serviceRoleName(name, 'ecs-execution'), env, [
      { sid: 'PullToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      { sid: 'PullImage', actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], resources: [props.repositoryArn] },
      { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${this.logGroup.arn}:*`] },
    ]);
    const runParameters = `arn:aws:ssm:${env.region}:${env.accountId}:parameter${parameterPath(env, 'loadgen', 'run')}/*`;
    this.taskRole = ecsTaskRole(this, 'task', serviceRoleName(name, 'ecs-task'), env, [
      { sid: 'RunParameters', actions: ['ssm:GetParameter'], resources: [runParameters] },
    ]);

    this.securityGroup = new SecurityGroup(this, 'task-sg', {
      name: `${name}-task`,
      vpcId: props.vpcId,
      description: `${name} generators: no inbound, HTTPS out`,
    });
    new VpcSecurityGroupEgressRule(this, 'tasks-to-target', {
      securityGroupId: this.securityGroup.id,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
      description: 'the target (HTTPS and WSS), ECR, SSM, CloudWatch Logs and S3',
    });

    const container = {
      name: LOADGEN_CONTAINER,
      image: props.image,
      essential: true,
      environment: [
        { name: 'AWS_REGION', value: env.region },
        { name: 'RELAY_ENV', value: env.name },
      ],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': this.logGroup.name, 'awslogs-region': env.region, 'awslogs-stream-prefix': LOADGEN_CONTAINER },
      },
      ulimits: [{ name: 'nofile', softLimit: OPEN_FILES, hardLimit: OPEN_FILES }],
      // The image is read-only; k6 writes its summary and samples to the task's own scratch volume.
      readonlyRootFilesystem: true,
      mountPoints: [{ sourceVolume: 'results', containerPath: '/results', readOnly: false }],
      user: '1000:1000',
      linuxParameters: { initProcessEnabled: true },
    };
    this.taskDefinition = new EcsTaskDefinition(this, 'task', {
      family: name,
      cpu: String(env.loadgen.cpu),
      memory: String(env.loadgen.memoryMb),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      // Built natively on the ARM runner like the broadcast image; Graviton is ~20% cheaper per vCPU-hour.
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' },
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      volume: [{ name: 'results' }],
      containerDefinitions: JSON.stringify([container]),
    });
  }
}
