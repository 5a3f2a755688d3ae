import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { resolveEnvironment } from '@relay/platform-config';
import { Alarms } from './alarms';
import { FargateService } from './fargate-service';
import { NodeFunction } from './node-function';
import { OffHoursSchedule } from './off-hours-schedule';
import { SecureBucket } from './secure-bucket';
import { StaticSite } from './static-site';

const dev = resolveEnvironment('dev');
const prod = resolveEnvironment('prod');

type Synth = { resource: Record<string, Record<string, Record<string, unknown>>> };
const resources = (json: string, type: string) => Object.values((JSON.parse(json) as Synth).resource[type] ?? {});

const fargate = (env = dev) =>
  Testing.synthScope((scope) => {
    new FargateService(scope, 'svc', {
      env,
      prefix: `relay-${env.name}`,
      serviceName: 'broadcast',
      vpcId: 'vpc-123',
      subnetIds: ['subnet-a', 'subnet-b'],
      containerPort: 8080,
      healthCheckPath: '/health/ready',
      imageTag: 'v1',
      taskStatements: [{ actions: ['dynamodb:PutItem'], resources: ['arn:aws:dynamodb:ap-northeast-2:111111111111:table/t'] }],
    });
  });

describe('SecureBucket', () => {
  it('blocks every public path and encrypts', () => {
    const synth = Testing.synthScope((scope) => new SecureBucket(scope, 'b', { bucketName: 'relay-test', versioned: true }));
    expect(synth).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' }, bucket_key_enabled: true }],
    });
    expect(synth).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
  });
});

describe('NodeFunction', () => {
  const zip = path.join(mkdtempSync(path.join(tmpdir(), 'relay-fn-')), 'fn.zip');
  writeFileSync(zip, Buffer.from(`504b0506${'00'.repeat(18)}`, 'hex'));

  it('runs Node 24 from the zip with bounded logs and a role only Lambda of this account can assume', () => {
    const synth = Testing.synthScope((scope) => {
      new NodeFunction(scope, 'fn', { env: dev, functionName: 'relay-dev-x', zipPath: zip, statements: [] });
    });
    expect(synth).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'relay-dev-x',
      runtime: 'nodejs24.x',
      architectures: ['arm64'],
      memory_size: dev.lambda.memoryMb,
      logging_config: expect.objectContaining({ log_format: 'JSON' }),
    });
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/aws/lambda/relay-dev-x', retention_in_days: 7 });
    const role = JSON.parse(resources(synth, 'aws_iam_role')[0]!['assume_role_policy'] as string);
    expect(role.Statement[0]).toMatchObject({ Principal: { Service: 'lambda.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': dev.accountId } } });
  });

  it('refuses a missing build artifact with a pointer to the build', () => {
    expect(() =>
      Testing.synthScope((scope) => new NodeFunction(scope, 'fn', { env: dev, functionName: 'x', zipPath: '/nope/x.zip', statements: [] })),
    ).toThrow(/build the Lambdas first/);
  });
});

describe('FargateService', () => {
  it('runs non-prod on Fargate Spot and prod on regular Fargate', () => {
    expect(fargate(dev)).toHaveResourceWithProperties(EcsService, { capacity_provider_strategy: [{ capacity_provider: 'FARGATE_SPOT', weight: 1 }] });
    expect(fargate(prod)).toHaveResourceWithProperties(EcsService, { capacity_provider_strategy: [{ capacity_provider: 'FARGATE', weight: 1 }] });
  });

  it('expires untagged images fast and keeps only the last few in non-prod', () => {
    const [policy] = resources(fargate(dev), 'aws_ecr_lifecycle_policy');
    const rules = JSON.parse(policy!['policy'] as string).rules;
    expect(rules).toEqual([
      expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'untagged', countNumber: 1, countUnit: 'days' }) }),
      expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 }) }),
    ]);
    expect(fargate(dev)).toHaveResourceWithProperties(EcrRepository, { image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true } });
  });

  it('drains for the whole Spot notice, runs as non-root read-only, and autoscales within the env bounds', () => {
    const synth = fargate(prod);
    const [task] = resources(synth, 'aws_ecs_task_definition');
    const [container] = JSON.parse(task!['container_definitions'] as string);
    expect(container).toMatchObject({ stopTimeout: 120, readonlyRootFilesystem: true, user: '1000:1000' });
    expect(synth).toHaveResourceWithProperties(AppautoscalingTarget, { min_capacity: 2, max_capacity: 20 });
    expect(resources(synth, 'aws_ecs_service')[0]).toMatchObject({ lifecycle: { ignore_changes: ['desired_count'] } });
  });
});

describe('OffHoursSchedule', () => {
  it('stops at night and starts in the morning in Seoul time', () => {
    const synth = Testing.synthScope((scope) => {
      new OffHoursSchedule(scope, 'oh', { env: dev, prefix: 'relay-dev', clusterName: 'c', serviceName: 'broadcast', serviceArn: 'arn:svc', daytimeCount: 1 });
    });
    const schedules = resources(synth, 'aws_scheduler_schedule');
    expect(schedules).toHaveLength(2);
    expect(synth).toHaveResourceWithProperties(SchedulerSchedule, { schedule_expression: 'cron(0 21 ? * MON-FRI *)', schedule_expression_timezone: 'Asia/Seoul' });
    const inputs = schedules.map((s) => JSON.parse((s['target'] as { input: string }).input).DesiredCount).sort();
    expect(inputs).toEqual([0, 1]);
  });

  it('refuses an environment without off-hours (prod)', () => {
    expect(() =>
      Testing.synthScope((scope) => new OffHoursSchedule(scope, 'oh', { env: prod, prefix: 'p', clusterName: 'c', serviceName: 's', serviceArn: 'a', daytimeCount: 1 })),
    ).toThrow(/no off-hours schedule/);
  });
});

describe('StaticSite', () => {
  it('serves a private bucket only through CloudFront with origin access control', () => {
    const synth = Testing.synthScope((scope) => new StaticSite(scope, 'site', { env: dev, prefix: 'relay-dev' }));
    expect(synth).toHaveResourceWithProperties(CloudfrontOriginAccessControl, { origin_access_control_origin_type: 's3', signing_behavior: 'always' });
    expect(synth).toHaveResourceWithProperties(CloudfrontDistribution, {
      default_cache_behavior: expect.objectContaining({ viewer_protocol_policy: 'redirect-to-https' }),
    });
    const policy = JSON.parse(resources(synth, 'aws_s3_bucket_policy')[0]!['policy'] as string);
    expect(policy.Statement[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Condition: { StringEquals: { 'AWS:SourceArn': expect.stringContaining('aws_cloudfront_distribution') } } });
  });
});

describe('Alarms', () => {
  it('alarms on function errors and throttles, table throttles, API errors and delivery lag', () => {
    const synth = Testing.synthScope((scope) => {
      new Alarms(scope, 'a', { env: prod, prefix: 'relay-prod-chat', functionNames: ['f1', 'f2'], tableNames: ['t1'], webSocketApi: { apiId: 'api', stage: 'live' }, deliveryFunctionName: 'f2' });
    });
    const metrics = resources(synth, 'aws_cloudwatch_metric_alarm').map((a) => a['metric_name']).sort();
    expect(metrics).toEqual(['Errors', 'Errors', 'ExecutionError', 'IntegrationError', 'IteratorAge', 'ReadThrottleEvents', 'Throttles', 'Throttles', 'WriteThrottleEvents']);
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, { metric_name: 'IteratorAge', threshold: 200 });
  });
});
