import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { chatTableNames, followsTable } from '@relay/runtime-contract';
import {
  Alarms,
  DesignedTable,
  DnsValidatedCertificate,
  FargateService,
  imageByDigest,
  LoadBalancerFrontDoor,
  LOG_PREFIXES,
  Network,
  OffHoursSchedule,
  RelayStack,
  RuntimeParameters,
  WebAcl,
  type RoleMode,
} from '@relay/infra-constructs';
import {
  DEPLOYED_TOKEN_CLAIMS,
  FLEET_ADMISSION_HEADER,
  loadTestTarget,
  imageRepositoryName,
  loadTestEdge,
  logBucketName,
  resourcePrefix,
  secretParameter,
  type Environment,
} from '@relay/platform-config';

export const BROADCAST_PORT = 8080;

/** The broadcast task definition's one container, which the load-test edge's service runs too. */
export const BROADCAST_CONTAINER = { name: 'broadcast', port: BROADCAST_PORT, healthCheckPath: '/health/ready' } as const;

/** The Terraform variable the deploy pipeline fills with the pushed image's digest. */
export const IMAGE_DIGEST_VARIABLE = 'broadcast_image_digest';

/**
 * Where an HTTP API serves the broadcast API (dev, and stag by day): people and their scripts,
 * not fans; load tests run against stag's load-test edge, never this front door.
 */
const HTTP_API_THROTTLE = { rateLimit: 100, burstLimit: 200 };

/** Requests per 5 minutes one IP may send the broadcast API before WAF blocks it. */
export const API_REQUESTS_PER_IP = 2_000;

/**
 * platform-<env>: network, and the Fargate broadcast service behind its front door (an HTTPS
 * load balancer, or in dev and stag an HTTP API),
 * with its off-hours schedule and alarms. It reaches the chat tables, the image registry and
 * the log bucket by their deterministic names, never through a reference to another stack.
 */
export class PlatformStack extends RelayStack {
  constructor(scope: Construct, id: string, props: { env: Environment; role?: RoleMode }) {
    super(scope, id, { env: props.env, component: 'platform', role: props.role });
    const { env } = props;
    const prefix = resourcePrefix(env);
    const { image } = imageByDigest(this, IMAGE_DIGEST_VARIABLE, env, 'broadcast');
    const repositoryName = imageRepositoryName(env, 'broadcast');
    const logBucket = logBucketName(env);
    const network = new Network(this, 'network', {
      prefix,
      region: env.region,
      flowLogBucketArn: `arn:aws:s3:::${logBucket}`,
      flowLogPrefix: `${LOG_PREFIXES.flowLogs}/${prefix}`,
    });
    const tables = chatTableNames(`${prefix}-chat`);
    const tableArn = (name: string) => `arn:aws:dynamodb:${env.region}:${env.accountId}:table/${name}`;
    const followsName = `${prefix}-broadcast-follows`;
    const follows = new DesignedTable(this, 'follows', { design: followsTable, name: followsName, env });
    const certificate = env.domain
      ? new DnsValidatedCertificate(this, 'api-certificate', { zoneId: env.domain.zoneId, domainName: env.domain.apiHost })
      : undefined;
    // The load-test edge's name, certified here once: the edge stack is created every night and
    // finds it by domain, where a certificate of its own would wait on DNS validation each time.
    if (env.loadTestEdge && env.domain) {
      new DnsValidatedCertificate(this, 'load-test-certificate', { zoneId: env.domain.zoneId, domainName: loadTestEdge(env).host });
    }
    // Only where a k6 fleet runs against this front door (not the env's load-test edge): a spike
    // comes from a few tasks' IPs.
    const target = loadTestTarget(env);
    const admission = target.stack === 'platform' ? target.admission : null;
    // A regional WAF attaches to a load balancer; an HTTP API takes none.
    const waf =
      env.waf && env.apiFrontDoor === 'load-balancer'
        ? new WebAcl(this, 'waf', {
            env,
            name: `${prefix}-broadcast`,
            scope: 'REGIONAL',
            rateLimitPer5Minutes: API_REQUESTS_PER_IP,
            ...(admission ? { rateLimitExemption: { header: FLEET_ADMISSION_HEADER, setName: admission.regexPatternSet } } : {}),
          })
        : undefined;

    const broadcast = new FargateService(this, 'broadcast', {
      env,
      prefix,
      serviceName: BROADCAST_CONTAINER.name,
      vpcId: network.vpc.id,
      subnetIds: network.publicSubnetIds,
      containerPort: BROADCAST_PORT,
      healthCheckPath: BROADCAST_CONTAINER.healthCheckPath,
      image,
      repositoryArn: `arn:aws:ecr:${env.region}:${env.accountId}:repository/${repositoryName}`,
      frontDoor:
        env.apiFrontDoor === 'load-balancer'
          ? {
              kind: 'load-balancer',
              certificateArn: certificate?.arn,
              accessLogs: { bucket: logBucket, prefix: `${LOG_PREFIXES.alb}` },
              webAclArn: waf?.arn,
              capacityReservedByLoadTests: Boolean(env.loadgen),
            }
          : {
              kind: 'http-api',
              domain: env.domain && certificate ? { name: env.domain.apiHost, certificateArn: certificate.arn } : undefined,
              throttle: HTTP_API_THROTTLE,
            },
      environment: {
        PORT: String(BROADCAST_PORT),
        AWS_REGION: env.region,
        CHAT_CONNECTIONS_TABLE: tables.connections,
        CHAT_MEMBERSHIPS_TABLE: tables.memberships,
        CHAT_ROOMS_TABLE: tables.rooms,
        CHAT_MESSAGES_TABLE: tables.messages,
        FOLLOWS_TABLE: followsName,
        AUTH_ISSUER: DEPLOYED_TOKEN_CLAIMS.issuer,
        AUTH_AUDIENCE: DEPLOYED_TOKEN_CLAIMS.audience,
      },
      secrets: { AUTH_TOKEN_SECRET: secretParameter(env, 'chat/auth-token-secret').arn, CURSOR_SECRET: secretParameter(env, 'chat/cursor-secret').arn },
      taskStatements: [
        { sid: 'RoomCounterAndClaims', actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:GetItem'], resources: [tableArn(tables.rooms)] },
        { sid: 'Messages', actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DescribeTable'], resources: [tableArn(tables.messages)] },
        { sid: 'Follows', actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'], resources: [follows.table.arn] },
      ],
    });
    const { frontDoor } = broadcast;
    let broadcastUrl = frontDoor.defaultUrl;
    if (env.domain) {
      broadcastUrl = `https://${env.domain.apiHost}`;
      const alias = frontDoor.alias;
      if (!alias) throw new Error(`${env.name}: the API front door has no name to alias ${env.domain.apiHost} to`);
      for (const type of ['A', 'AAAA']) {
        new Route53Record(this, `api-alias-${type}`, {
          zoneId: env.domain.zoneId,
          name: env.domain.apiHost,
          type,
          alias: { name: alias.name, zoneId: alias.zoneId, evaluateTargetHealth: true },
        });
      }
    }
    const offHours = env.offHours
      ? new OffHoursSchedule(this, 'off-hours', {
          env,
          prefix: `${prefix}-broadcast`,
          scalableTarget: broadcast.scalingTarget,
          serviceArn: broadcast.service.id,
          daytime: { minCapacity: env.fargate.minCount, maxCapacity: env.fargate.maxCount },
        })
      : undefined;
    new Alarms(this, 'alarms', {
      env,
      prefix: `${prefix}-platform`,
      ...(frontDoor instanceof LoadBalancerFrontDoor
        ? { loadBalancer: { arnSuffix: frontDoor.loadBalancer.arnSuffix, targetGroupArnSuffix: frontDoor.targetGroup.arnSuffix } }
        : { httpApi: { apiId: frontDoor.api.id } }),
      ecsService: env.fargate.containerInsights ? { clusterName: broadcast.cluster.name, serviceName: broadcast.service.name } : undefined,
      deadLetterQueues: offHours
        ? [{ name: offHours.deadLetterQueueName, holds: 'off-hours resizes the scheduler gave up on', runbook: 'the-off-hours-schedule-failed' }]
        : [],
      tableNames: [followsName],
    });
    new RuntimeParameters(this, 'config', {
      env,
      values: { 'broadcast/url': broadcastUrl, ...(waf?.exemptionSetArn ? { 'broadcast/fleet-admission-set': waf.exemptionSetArn } : {}) },
    });
    new TerraformOutput(this, 'broadcast_url', { value: broadcastUrl });
    new TerraformOutput(this, 'broadcast_image', { value: image });
  }
}
