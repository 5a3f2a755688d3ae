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
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { TerraformProvider } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { previewName, resolveEnvironment } from '@relay/platform-config';
import { Alarms, DEAD_LETTER_MAX_AGE_SECONDS } from './alarms';
import { expiredBy, type EcrImage } from './ecr-lifecycle-model';
import { FargateService, type FargateServiceProps } from './fargate-service';
import { IdleBudget } from './idle-budget';
import { ImageRepository } from './image-repository';
import { NodeFunction } from './node-function';
import { OffHoursSchedule } from './off-hours-schedule';
import { SecureBucket } from './secure-bucket';
import { StaticSite } from './static-site';

const dev = resolveEnvironment('dev');
const prod = resolveEnvironment('prod');

type Synth = { resource: Record<string, Record<string, Record<string, unknown>>> };
const resources = (json: string, type: string) => Object.values((JSON.parse(json) as Synth).resource[type] ?? {});

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const fargate = (env = dev, certificateArn?: string, frontDoor?: FargateServiceProps['frontDoor']) =>
  Testing.synthScope((scope) => {
    new FargateService(scope, 'svc', {
      env,
      prefix: `relay-${env.name}`,
      serviceName: 'broadcast',
      vpcId: 'vpc-123',
      subnetIds: ['subnet-a', 'subnet-b'],
      containerPort: 8080,
      healthCheckPath: '/health/ready',
      image: `111111111111.dkr.ecr.ap-northeast-2.amazonaws.com/relay-dev-broadcast@${DIGEST}`,
      repositoryArn: 'arn:aws:ecr:ap-northeast-2:111111111111:repository/relay-dev-broadcast',
      frontDoor: frontDoor ?? { kind: 'load-balancer', certificateArn, accessLogs: { bucket: 'relay-logs', prefix: 'alb' } },
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
    expect(role.Statement[0]).toMatchObject({
      Principal: { Service: 'lambda.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': dev.accountId } },
    });
  });

  it('refuses a missing build artifact with a pointer to the build', () => {
    expect(() => Testing.synthScope((scope) => new NodeFunction(scope, 'fn', { env: dev, functionName: 'x', zipPath: '/nope/x.zip', statements: [] }))).toThrow(
      /build the Lambdas first/,
    );
  });
});

describe('FargateService', () => {
  it('runs non-prod on Fargate Spot and prod on regular Fargate', () => {
    expect(fargate(dev)).toHaveResourceWithProperties(EcsService, { capacity_provider_strategy: [{ capacity_provider: 'FARGATE_SPOT', weight: 1 }] });
    expect(fargate(prod)).toHaveResourceWithProperties(EcsService, { capacity_provider_strategy: [{ capacity_provider: 'FARGATE', weight: 1 }] });
  });

  it('runs the image by digest, never by a movable tag', () => {
    const [task] = resources(fargate(dev), 'aws_ecs_task_definition');
    const [container] = JSON.parse(task!['container_definitions'] as string);
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('answers HTTPS with a TLS 1.2+ policy and redirects port 80 when it has a certificate, and logs access', () => {
    const synth = fargate(prod, 'arn:aws:acm:ap-northeast-2:333333333333:certificate/x');
    const listeners = resources(synth, 'aws_lb_listener');
    expect(listeners).toHaveLength(2);
    expect(synth).toHaveResourceWithProperties(LbListener, { port: 443, protocol: 'HTTPS', ssl_policy: expect.stringMatching(/^ELBSecurityPolicy-TLS13-1-2/) });
    expect(synth).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: 'HTTP',
      default_action: [expect.objectContaining({ type: 'redirect', redirect: expect.objectContaining({ protocol: 'HTTPS', status_code: 'HTTP_301' }) })],
    });
    expect(resources(synth, 'aws_lb')[0]).toMatchObject({ access_logs: { bucket: 'relay-logs', prefix: 'alb', enabled: true } });
  });

  it('describes every security group rule, for whoever reads the console at 3 a.m.', () => {
    const rules = [
      ...resources(fargate(prod, 'arn:cert'), 'aws_vpc_security_group_ingress_rule'),
      ...resources(fargate(prod, 'arn:cert'), 'aws_vpc_security_group_egress_rule'),
    ];
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const rule of rules) expect(rule['description']).toEqual(expect.stringMatching(/\w{4,}/));
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

describe('FargateService behind an HTTP API (no load balancer)', () => {
  const certificateArn = 'arn:aws:acm:ap-northeast-2:111111111111:certificate/x';
  const synth = fargate(dev, undefined, {
    kind: 'http-api',
    domain: { name: 'api.dev.relay-chat.example', certificateArn },
    throttle: { rateLimit: 100, burstLimit: 200 },
  });
  const one = (type: string) => {
    const all = resources(synth, type);
    expect(all).toHaveLength(1);
    return all[0] as Record<string, unknown>;
  };

  it('has nothing billed by the hour: no load balancer, no listener, no target group', () => {
    for (const type of ['aws_lb', 'aws_lb_listener', 'aws_lb_target_group']) expect(resources(synth, type)).toHaveLength(0);
  });

  it('forwards every route through the VPC link to the tasks ECS registers in Cloud Map, with their port', () => {
    const registry = one('aws_service_discovery_service');
    expect(registry['dns_config']).toMatchObject({ routing_policy: 'MULTIVALUE', dns_records: [{ type: 'SRV', ttl: 10 }] });
    expect(one('aws_service_discovery_private_dns_namespace')).toMatchObject({ vpc: 'vpc-123' });
    const integration = one('aws_apigatewayv2_integration');
    expect(integration).toMatchObject({ integration_type: 'HTTP_PROXY', connection_type: 'VPC_LINK' });
    expect(String(integration['integration_uri'])).toMatch(/^\$\{aws_service_discovery_service\.[\w-]+\.arn\}$/);
    expect(String(integration['connection_id'])).toMatch(/^\$\{aws_apigatewayv2_vpc_link\.[\w-]+\.id\}$/);
    expect(one('aws_apigatewayv2_route')).toMatchObject({ route_key: '$default' });
    expect(one('aws_apigatewayv2_api')).toMatchObject({ protocol_type: 'HTTP', disable_execute_api_endpoint: true });
    expect(one('aws_apigatewayv2_stage')).toMatchObject({
      name: '$default',
      auto_deploy: true,
      default_route_settings: { throttling_rate_limit: 100, throttling_burst_limit: 200 },
    });
    const service = one('aws_ecs_service');
    expect(service['service_registries']).toMatchObject({ container_name: 'broadcast', container_port: 8080 });
    expect(service['load_balancer']).toBeUndefined();
  });

  it('lets the tasks be reached from the VPC link only, and has ECS judge their health itself', () => {
    const ingress = resources(synth, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toHaveLength(1);
    expect(String(ingress[0]!['referenced_security_group_id'])).toMatch(/link-sg/);
    const [container] = JSON.parse(one('aws_ecs_task_definition')['container_definitions'] as string);
    expect(container.healthCheck.command.join(' ')).toContain('http://127.0.0.1:8080/health/ready');
  });

  it("serves the env's API host over TLS 1.2 with its certificate", () => {
    expect(one('aws_apigatewayv2_domain_name')).toMatchObject({
      domain_name: 'api.dev.relay-chat.example',
      domain_name_configuration: { certificate_arn: certificateArn, endpoint_type: 'REGIONAL', security_policy: 'TLS_1_2' },
    });
    expect(resources(synth, 'aws_apigatewayv2_api_mapping')).toHaveLength(1);
  });

  it("keeps a load balancer's Terraform addresses where they were before front doors existed (no replacement on apply)", () => {
    const addresses = (JSON.parse(fargate(prod, 'arn:cert')) as Synth).resource;
    for (const [type, id] of [
      ['aws_lb', 'alb'],
      ['aws_lb_target_group', 'targets'],
      ['aws_lb_listener', 'listener'],
      ['aws_security_group', 'alb-sg'],
    ] as const) {
      expect(Object.keys(addresses[type] ?? {})).toContainEqual(expect.stringMatching(new RegExp(`^svc_${id}_[0-9A-F]{8}$`)));
    }
  });
});

describe('IdleBudget', () => {
  it("budgets the account monthly at the catalogue's idle figure and alerts the topic on actual and forecast spend", () => {
    const [budget] = resources(
      Testing.synthScope((scope) => new IdleBudget(scope, 'b', { env: dev, prefix: 'relay-dev', alarmTopicArn: 'arn:aws:sns:ap-northeast-2:111111111111:t' })),
      'aws_budgets_budget',
    );
    expect(budget).toMatchObject({ name: 'relay-dev-monthly', budget_type: 'COST', limit_amount: '10.00', limit_unit: 'USD', time_unit: 'MONTHLY' });
    expect(budget!['notification']).toEqual(
      ['ACTUAL', 'FORECASTED'].map((type) =>
        expect.objectContaining({
          notification_type: type,
          threshold: 100,
          threshold_type: 'PERCENTAGE',
          subscriber_sns_topic_arns: ['arn:aws:sns:ap-northeast-2:111111111111:t'],
        }),
      ),
    );
  });

  it("adds the fleet's planned runs to the idle figure where the env has a fleet (stag: the nightly spikes)", () => {
    const stag = resolveEnvironment('stag');
    expect(stag.loadgen!.plannedMonthlyUsd).toBeGreaterThan(0);
    const [budget] = resources(
      Testing.synthScope(
        (scope) => new IdleBudget(scope, 'b', { env: stag, prefix: 'relay-stag', alarmTopicArn: 'arn:aws:sns:ap-northeast-2:222222222222:t' }),
      ),
      'aws_budgets_budget',
    );
    expect(budget!['limit_amount']).toBe((stag.budget.idleMonthlyUsd + stag.loadgen!.plannedMonthlyUsd).toFixed(2));
  });

  it("is not made for a preview, whose cost is the dev account's budget", () => {
    const preview = resolveEnvironment(previewName('budget'));
    expect(() => Testing.synthScope((scope) => new IdleBudget(scope, 'b', { env: preview, prefix: 'relay-pv', alarmTopicArn: 'arn:t' }))).toThrow(
      /dev account's budget/,
    );
  });
});

describe('ImageRepository', () => {
  const policyOf = (env = dev) => {
    const synth = Testing.synthScope((scope) => new ImageRepository(scope, 'images', { env, service: 'broadcast' }));
    expect(synth).toHaveResourceWithProperties(EcrRepository, {
      name: `relay-${env.name}-broadcast`,
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
    });
    return resources(synth, 'aws_ecr_lifecycle_policy')[0]!['policy'] as string;
  };
  // 30 commits pushed over 30 days; the one running was pushed 25 days ago, and the latest
  // three deploys were pushed but rejected at review (prod lags behind).
  const history: EcrImage[] = Array.from({ length: 30 }, (_, i) => ({
    digest: `d${i}`,
    tags: [`sha-c${i}`, ...(i === 25 ? ['live-c25'] : [])],
    pushedDaysAgo: i,
  }));
  const untagged: EcrImage = { digest: 'layer-cache', tags: [], pushedDaysAgo: 3 };

  it('never expires the image a service runs, however many newer images were pushed', () => {
    const expired = expiredBy(policyOf(dev), [...history, untagged]);
    expect(expired.has('d25')).toBe(false);
    expect(expired.has('layer-cache')).toBe(true);
    // Pushed but never deployed: only the newest five stay in dev.
    expect([...expired].filter((d) => d !== 'layer-cache').sort()).toEqual(
      history
        .filter((i) => i.pushedDaysAgo >= 5 && i.digest !== 'd25')
        .map((i) => i.digest)
        .sort(),
    );
  });

  it('is what the old "keep the last N of any tag" rule got wrong', () => {
    const old = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 } }] });
    expect(expiredBy(old, history).has('d25')).toBe(true);
  });
});

describe('OffHoursSchedule', () => {
  const target = {
    arn: 'arn:aws:application-autoscaling:ap-northeast-2:111111111111:scalable-target/abc',
    resourceId: 'service/c/broadcast',
    serviceNamespace: 'ecs',
    scalableDimension: 'ecs:service:DesiredCount',
  };
  const schedule = (env = dev) =>
    Testing.synthScope((scope) => {
      new OffHoursSchedule(scope, 'oh', {
        env,
        prefix: 'relay-dev-broadcast',
        scalableTarget: target,
        serviceArn: 'arn:aws:ecs:ap-northeast-2:111111111111:service/c/broadcast',
        daytime: { minCapacity: 0, maxCapacity: 2 },
      });
    });

  it('resizes the scalable target (not the service, which autoscaling would undo) in Seoul time', () => {
    const synth = schedule();
    const schedules = resources(synth, 'aws_scheduler_schedule');
    expect(schedules).toHaveLength(2);
    expect(synth).toHaveResourceWithProperties(SchedulerSchedule, {
      schedule_expression: 'cron(0 21 ? * MON-FRI *)',
      schedule_expression_timezone: 'Asia/Seoul',
    });
    const targets = schedules.map((s) => s['target'] as { arn: string; input: string });
    for (const t of targets) expect(t.arn).toBe('arn:aws:scheduler:::aws-sdk:applicationautoscaling:registerScalableTarget');
    const bounds = targets.map((t) => JSON.parse(t.input) as Record<string, unknown>).map((i) => [i['MinCapacity'], i['MaxCapacity'], i['ResourceId']]);
    expect(bounds).toEqual(
      expect.arrayContaining([
        [0, 0, 'service/c/broadcast'],
        [0, 2, 'service/c/broadcast'],
      ]),
    );
  });

  it('retries a missed stop or start and then keeps it in a dead-letter queue', () => {
    for (const s of resources(schedule(), 'aws_scheduler_schedule')) {
      expect(s['target']).toMatchObject({
        retry_policy: { maximum_retry_attempts: expect.any(Number), maximum_event_age_in_seconds: expect.any(Number) },
        dead_letter_config: { arn: expect.stringContaining('aws_sqs_queue') },
      });
    }
    const policy = JSON.parse(resources(schedule(), 'aws_iam_role_policy')[0]!['policy'] as string);
    expect(policy.Statement.map((s: { Action: string[]; Resource: string[] }) => [s.Action, s.Resource])).toEqual([
      [['application-autoscaling:RegisterScalableTarget'], [target.arn]],
      [['ecs:DescribeServices', 'ecs:UpdateService'], ['arn:aws:ecs:ap-northeast-2:111111111111:service/c/broadcast']],
      [['sqs:SendMessage'], [expect.stringContaining('aws_sqs_queue')]],
    ]);
  });

  it('refuses an environment without off-hours (prod)', () => {
    expect(() => schedule(prod)).toThrow(/no off-hours schedule/);
  });
});

const logs = { bucketName: 'relay-logs', bucketDomainName: 'relay-logs.s3.amazonaws.com', cloudfrontPrefix: 'cloudfront', s3Prefix: 's3' };
const site = (domain = false) =>
  Testing.synthScope((scope) => {
    const edge = new AwsProvider(scope, 'edge', { region: 'us-east-1', alias: 'us_east_1' }) as TerraformProvider;
    new StaticSite(scope, 'site', {
      env: dev,
      prefix: 'relay-dev',
      logs,
      domain: domain ? { zoneId: 'Z0100000000DEV', host: 'app.dev.relay-chat.example', certificateProvider: edge } : undefined,
    });
  });

describe('StaticSite', () => {
  it('serves its own name with a us-east-1 certificate and a TLS policy that takes effect', () => {
    const [cdn] = resources(site(true), 'aws_cloudfront_distribution');
    expect(cdn).toMatchObject({
      aliases: ['app.dev.relay-chat.example'],
      viewer_certificate: {
        acm_certificate_arn: expect.stringContaining('aws_acm_certificate_validation'),
        ssl_support_method: 'sni-only',
        minimum_protocol_version: 'TLSv1.2_2021',
      },
      logging_config: { bucket: 'relay-logs.s3.amazonaws.com', prefix: 'cloudfront/relay-dev-web/', include_cookies: false },
    });
    const [certificate] = resources(site(true), 'aws_acm_certificate');
    expect(certificate).toMatchObject({ domain_name: 'app.dev.relay-chat.example', validation_method: 'DNS', provider: 'aws.us_east_1' });
    expect(
      resources(site(true), 'aws_route53_record')
        .map((r) => r['type'])
        .sort(),
    ).toEqual(['${each.value.resource_record_type}', 'A', 'AAAA']);
  });

  it('without a domain keeps the default certificate with the only protocol setting it honours (no permanent diff)', () => {
    const [cdn] = resources(site(false), 'aws_cloudfront_distribution');
    expect(cdn!['viewer_certificate']).toEqual({ cloudfront_default_certificate: true, minimum_protocol_version: 'TLSv1' });
  });

  it('serves a private bucket only through CloudFront with origin access control', () => {
    const synth = site();
    expect(synth).toHaveResourceWithProperties(CloudfrontOriginAccessControl, { origin_access_control_origin_type: 's3', signing_behavior: 'always' });
    expect(synth).toHaveResourceWithProperties(CloudfrontDistribution, {
      default_cache_behavior: expect.objectContaining({ viewer_protocol_policy: 'redirect-to-https' }),
    });
    const policy = JSON.parse(resources(synth, 'aws_s3_bucket_policy')[0]!['policy'] as string);
    expect(policy.Statement[0]).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: { StringEquals: { 'AWS:SourceArn': expect.stringContaining('aws_cloudfront_distribution') } },
    });
  });
});

describe('Alarms', () => {
  it('alarms on Lambda errors, throttles and near-timeouts, table throttles, API errors, lag, dead letters, the ALB and missing tasks', () => {
    const synth = Testing.synthScope((scope) => {
      new Alarms(scope, 'a', {
        env: prod,
        prefix: 'relay-prod-chat',
        functions: [
          { name: 'f1', timeoutSeconds: 10 },
          { name: 'f2', timeoutSeconds: 60 },
        ],
        tableNames: ['t1'],
        webSocketApi: { apiId: 'api', stage: 'live' },
        deliveryFunctionName: 'f2',
        deadLetterQueues: [{ name: 'q1', holds: 'chunks', runbook: 'dead-lettered-chunks' }],
        loadBalancer: { arnSuffix: 'app/x/1', targetGroupArnSuffix: 'targetgroup/x/2' },
        ecsService: { clusterName: 'c', serviceName: 's' },
      });
    });
    const alarms = resources(synth, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => a['metric_name'] ?? 'math').sort()).toEqual([
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'Duration',
      'Duration',
      'Errors',
      'Errors',
      'ExecutionError',
      'HTTPCode_ELB_5XX_Count',
      'HTTPCode_Target_5XX_Count',
      'IntegrationError',
      'IteratorAge',
      'ReadThrottleEvents',
      'Throttles',
      'Throttles',
      'UnHealthyHostCount',
      'WriteThrottleEvents',
      'math',
    ]);
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, { metric_name: 'IteratorAge', threshold: 200 });
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, { metric_name: 'Duration', threshold: 48_000, dimensions: { FunctionName: 'f2' } });
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: 'ApproximateNumberOfMessagesVisible',
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
    });
    // A dead letter nobody redrove within the hour alarms apart from "not empty".
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: 'ApproximateAgeOfOldestMessage',
      threshold: DEAD_LETTER_MAX_AGE_SECONDS,
      dimensions: { QueueName: 'q1' },
    });
    const math = alarms.find((a) => a['metric_query'])!;
    expect(math['metric_query']).toEqual(expect.arrayContaining([expect.objectContaining({ expression: 'desired - running' })]));
    for (const alarm of alarms) expect(alarm['alarm_actions']).toEqual([expect.stringContaining('aws_sns_topic')]);
  });

  const chatAlarmsIn = (env: typeof dev) =>
    resources(
      Testing.synthScope((scope) => {
        new Alarms(scope, 'a', {
          env,
          prefix: `relay-${env.name}-chat`,
          functions: [
            { name: 'f1', timeoutSeconds: 10 },
            { name: 'f2', timeoutSeconds: 60 },
            { name: 'f3', timeoutSeconds: 60 },
          ],
          tableNames: ['t1', 't2'],
          webSocketApi: { apiId: 'api', stage: 'live' },
          deliveryFunctionName: 'f2',
          deadLetterQueues: ['q1', 'q2'].map((name) => ({ name, holds: 'chunks', runbook: 'dead-lettered-chunks' as const })),
        });
      }),
      'aws_cloudwatch_metric_alarm',
    );

  it("watches dev's whole account with a few alarms: every function's errors and throttles at once, lost work and delivery lag", () => {
    expect(dev.monitoring.alarms).toBe('account-wide');
    const alarms = chatAlarmsIn(dev);
    expect(alarms.map((a) => `${String(a['metric_name'])} ${JSON.stringify(a['dimensions'] ?? {})}`).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible {"QueueName":"q1"}',
      'ApproximateNumberOfMessagesVisible {"QueueName":"q2"}',
      'Errors {}',
      'IteratorAge {"FunctionName":"f2"}',
      'Throttles {}',
    ]);
    // Per resource the same chat is 3 per function, 2 per table, 2 per queue, 2 for the API and the lag.
    expect(chatAlarmsIn(prod)).toHaveLength(3 * 3 + 2 * 2 + 2 * 2 + 2 + 1);
  });

  it('is not made for an env that has no alarms of its own (a preview)', () => {
    const preview = resolveEnvironment(previewName('alarms'));
    expect(() => chatAlarmsIn(preview)).toThrow(/monitoring.alarms none/);
  });
});
