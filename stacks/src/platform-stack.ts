import type { Construct } from 'constructs';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { followsTable } from '@relay/broadcast-service';
import { chatTableNames } from '@relay/chat-store';
import { Alarms, DesignedTable, FargateService, Network, OffHoursSchedule, RelayStack, RuntimeParameters, type RoleMode } from '@relay/infra-constructs';
import { resourcePrefix, secretParameter, type Environment } from '@relay/platform-config';

export const BROADCAST_PORT = 8080;

/**
 * platform-<env>: network, and the Fargate broadcast service with its registry and
 * off-hours schedule. It reaches the chat tables by their deterministic names, never through
 * a reference to another stack.
 */
export class PlatformStack extends RelayStack {
  constructor(scope: Construct, id: string, props: { env: Environment; role?: RoleMode }) {
    super(scope, id, { env: props.env, component: 'platform', role: props.role });
    const { env } = props;
    const prefix = resourcePrefix(env);
    const imageTag = new TerraformVariable(this, 'broadcast_image_tag', {
      type: 'string',
      default: 'bootstrap',
      description: 'Immutable tag of the broadcast image in ECR, set by the deploy pipeline',
    });
    const network = new Network(this, 'network', { prefix });
    const tables = chatTableNames(`${prefix}-chat`);
    const tableArn = (name: string) => `arn:aws:dynamodb:${env.region}:${env.accountId}:table/${name}`;
    const followsName = `${prefix}-broadcast-follows`;
    const follows = new DesignedTable(this, 'follows', { design: followsTable, name: followsName, env });

    const broadcast = new FargateService(this, 'broadcast', {
      env,
      prefix,
      serviceName: 'broadcast',
      vpcId: network.vpc.id,
      subnetIds: network.publicSubnetIds,
      containerPort: BROADCAST_PORT,
      healthCheckPath: '/health/ready',
      imageTag: imageTag.stringValue,
      environment: {
        PORT: String(BROADCAST_PORT),
        AWS_REGION: env.region,
        CHAT_CONNECTIONS_TABLE: tables.connections,
        CHAT_MEMBERSHIPS_TABLE: tables.memberships,
        CHAT_ROOMS_TABLE: tables.rooms,
        CHAT_MESSAGES_TABLE: tables.messages,
        FOLLOWS_TABLE: followsName,
        AUTH_ISSUER: 'relay',
        AUTH_AUDIENCE: 'relay-chat',
      },
      secrets: { AUTH_TOKEN_SECRET: secretParameter(env, 'chat/auth-token-secret').arn, CURSOR_SECRET: secretParameter(env, 'chat/cursor-secret').arn },
      taskStatements: [
        { sid: 'RoomCounterAndClaims', actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:GetItem'], resources: [tableArn(tables.rooms)] },
        { sid: 'Messages', actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DescribeTable'], resources: [tableArn(tables.messages)] },
        { sid: 'Follows', actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'], resources: [follows.table.arn] },
      ],
    });
    if (env.offHours) {
      new OffHoursSchedule(this, 'off-hours', {
        env,
        prefix,
        clusterName: broadcast.cluster.name,
        serviceName: broadcast.service.name,
        serviceArn: broadcast.service.id,
        daytimeCount: env.fargate.desiredCount,
      });
    }
    new Alarms(this, 'alarms', {
      env,
      prefix: `${prefix}-platform`,
      functionNames: [],
      tableNames: [],
      loadBalancerArnSuffix: broadcast.loadBalancer.arnSuffix,
    });
    new RuntimeParameters(this, 'config', { env, values: { 'broadcast/url': `http://${broadcast.loadBalancer.dnsName}` } });
    new TerraformOutput(this, 'broadcast_url', { value: `http://${broadcast.loadBalancer.dnsName}` });
    new TerraformOutput(this, 'broadcast_repository', { value: broadcast.repository.repositoryUrl });
  }
}
