import type { Construct } from 'constructs';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2ApiMapping } from '@cdktf/provider-aws/lib/apigatewayv2-api-mapping';
import { Apigatewayv2DomainName } from '@cdktf/provider-aws/lib/apigatewayv2-domain-name';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { Apigatewayv2VpcLink } from '@cdktf/provider-aws/lib/apigatewayv2-vpc-link';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { EcsServiceConfig } from '@cdktf/provider-aws/lib/ecs-service';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { FrontDoor, FrontDoorTarget } from './front-door';

export interface HttpApiFrontDoorProps {
  kind: 'http-api';
  /** The env's API host and its regional certificate; without, the API's execute-api URL. */
  domain?: { name: string; certificateArn: string };
  /** The stage's throttle: what the env's users can send, not what the service could take. */
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * Added to the service's own scope: API Gateway HTTP API -> VPC link -> the tasks ECS registers in Cloud Map (SRV records, so the
 * API learns each task's IP and port). Nothing here bills by the hour: requests, registered
 * tasks and the namespace's private zone do (docs/cost.md), where an ALB costs $24 a month
 * before its first request. No WAF can attach to an HTTP API, and the fleet cannot reserve its
 * capacity: an env with WAF or a load generator takes the load balancer (the catalogue says so).
 */
export class HttpApiFrontDoor implements FrontDoor {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly alias?: { name: string; zoneId: string };
  readonly defaultUrl: string;
  readonly serviceAttachment: Pick<EcsServiceConfig, 'serviceRegistries'>;

  constructor(scope: Construct, target: FrontDoorTarget, props: HttpApiFrontDoorProps) {
    const { short, containerPort, env } = target;
    const linkSg = new SecurityGroup(scope, 'link-sg', { name: `${short}-link`, vpcId: target.vpcId, description: `${target.name} API Gateway VPC link` });
    new VpcSecurityGroupEgressRule(scope, 'link-to-tasks', {
      securityGroupId: linkSg.id,
      ipProtocol: 'tcp',
      fromPort: containerPort,
      toPort: containerPort,
      referencedSecurityGroupId: target.taskSecurityGroupId,
      description: 'forward to the service tasks',
    });
    new VpcSecurityGroupIngressRule(scope, 'tasks-from-link', {
      securityGroupId: target.taskSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: containerPort,
      toPort: containerPort,
      referencedSecurityGroupId: linkSg.id,
      description: 'requests from the API Gateway VPC link only',
    });

    const namespace = new ServiceDiscoveryPrivateDnsNamespace(scope, 'namespace', {
      name: `${target.name}.internal`,
      vpc: target.vpcId,
      description: `${target.name}: the tasks the HTTP API forwards to`,
    });
    const registry = new ServiceDiscoveryService(scope, 'registry', {
      name: target.containerName,
      dnsConfig: { namespaceId: namespace.id, routingPolicy: 'MULTIVALUE', dnsRecords: [{ type: 'SRV', ttl: 10 }] },
      // ECS reports each task's health from its container health check (FargateService adds one).
      healthCheckCustomConfig: { failureThreshold: 1 },
    });
    this.serviceAttachment = {
      serviceRegistries: { registryArn: registry.arn, containerName: target.containerName, containerPort },
    };

    const link = new Apigatewayv2VpcLink(scope, 'vpc-link', { name: short, subnetIds: target.subnetIds, securityGroupIds: [linkSg.id] });
    this.api = new Apigatewayv2Api(scope, 'api', {
      name: target.name,
      protocolType: 'HTTP',
      description: `${target.name}: the broadcast API without a load balancer`,
      // One way in: with a custom domain the execute-api URL is off.
      disableExecuteApiEndpoint: Boolean(props.domain),
    });
    const integration = new Apigatewayv2Integration(scope, 'integration', {
      apiId: this.api.id,
      integrationType: 'HTTP_PROXY',
      integrationMethod: 'ANY',
      connectionType: 'VPC_LINK',
      connectionId: link.id,
      integrationUri: registry.arn,
      payloadFormatVersion: '1.0',
      // The service's own slowest route answers well inside this; API Gateway's maximum is 30 s.
      timeoutMilliseconds: 29_000,
    });
    new Apigatewayv2Route(scope, 'route', { apiId: this.api.id, routeKey: '$default', target: `integrations/${integration.id}` });
    const accessLogs = new CloudwatchLogGroup(scope, 'access-logs', { name: `/aws/apigateway/${target.name}`, retentionInDays: env.retention.logDays });
    this.stage = new Apigatewayv2Stage(scope, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: { throttlingRateLimit: props.throttle.rateLimit, throttlingBurstLimit: props.throttle.burstLimit },
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify({
          requestId: '$context.requestId',
          requestTime: '$context.requestTimeEpoch',
          method: '$context.httpMethod',
          path: '$context.path',
          status: '$context.status',
          integrationStatus: '$context.integration.status',
          integrationLatencyMs: '$context.integration.latency',
          error: '$context.error.message',
          integrationError: '$context.integration.error',
          sourceIp: '$context.identity.sourceIp',
        }),
      },
    });
    this.defaultUrl = this.api.apiEndpoint;
    if (props.domain) {
      const domain = new Apigatewayv2DomainName(scope, 'domain', {
        domainName: props.domain.name,
        domainNameConfiguration: { certificateArn: props.domain.certificateArn, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' },
      });
      new Apigatewayv2ApiMapping(scope, 'mapping', { apiId: this.api.id, domainName: domain.id, stage: this.stage.id });
      this.alias = { name: domain.domainNameConfiguration.targetDomainName, zoneId: domain.domainNameConfiguration.hostedZoneId };
    }
  }
}
