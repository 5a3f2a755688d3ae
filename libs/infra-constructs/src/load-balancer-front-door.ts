import type { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import type { EcsServiceConfig } from '@cdktf/provider-aws/lib/ecs-service';
import type { FrontDoor, FrontDoorTarget } from './front-door';

export interface LoadBalancerFrontDoorProps {
  kind: 'load-balancer';
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

/**
 * An internet-facing ALB forwarding to the service's tasks by IP, added to the service's own
 * scope: what stag and prod serve the API with (WAF attaches to it; the nightly fleet reserves
 * its capacity). It bills every hour.
 */
export class LoadBalancerFrontDoor implements FrontDoor {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly alias: { name: string; zoneId: string };
  readonly defaultUrl: string;
  readonly serviceAttachment: Pick<EcsServiceConfig, 'loadBalancer' | 'dependsOn'>;

  constructor(scope: Construct, target: FrontDoorTarget, props: LoadBalancerFrontDoorProps) {
    const { short, containerPort } = target;
    const albSg = new SecurityGroup(scope, 'alb-sg', { name: `${short}-alb`, vpcId: target.vpcId, description: `${target.name} load balancer` });
    const listenPort = props.certificateArn ? 443 : 80;
    for (const port of props.certificateArn ? [80, 443] : [80]) {
      new VpcSecurityGroupIngressRule(scope, `alb-in-${port}`, {
        securityGroupId: albSg.id,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
        description: port === 443 || !props.certificateArn ? 'public API clients' : 'public clients, answered with a redirect to HTTPS',
      });
    }
    new VpcSecurityGroupEgressRule(scope, 'alb-to-tasks', {
      securityGroupId: albSg.id,
      ipProtocol: 'tcp',
      fromPort: containerPort,
      toPort: containerPort,
      referencedSecurityGroupId: target.taskSecurityGroupId,
      description: 'forward to the service tasks',
    });
    new VpcSecurityGroupIngressRule(scope, 'tasks-from-alb', {
      securityGroupId: target.taskSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: containerPort,
      toPort: containerPort,
      referencedSecurityGroupId: albSg.id,
      description: 'requests from the load balancer only',
    });

    this.loadBalancer = new Lb(scope, 'alb', {
      name: short,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [albSg.id],
      subnets: target.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: target.env.kind === 'prod',
      accessLogs: { bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix, enabled: true },
      ...(props.capacityReservedByLoadTests ? { lifecycle: { ignoreChanges: ['minimum_load_balancer_capacity'] } } : {}),
    });
    if (props.webAclArn) new Wafv2WebAclAssociation(scope, 'waf', { resourceArn: this.loadBalancer.arn, webAclArn: props.webAclArn });
    this.targetGroup = new LbTargetGroup(scope, 'targets', {
      name: short,
      port: containerPort,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: target.vpcId,
      deregistrationDelay: '30',
      healthCheck: { path: target.healthCheckPath, matcher: '200', interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
    });
    new LbListener(scope, 'listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: listenPort,
      protocol: props.certificateArn ? 'HTTPS' : 'HTTP',
      certificateArn: props.certificateArn,
      sslPolicy: props.certificateArn ? 'ELBSecurityPolicy-TLS13-1-2-2021-06' : undefined,
      defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
    });
    if (props.certificateArn) {
      new LbListener(scope, 'redirect-http', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
      });
    }
    this.alias = { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId };
    this.defaultUrl = `http://${this.loadBalancer.dnsName}`;
    this.serviceAttachment = {
      loadBalancer: [{ targetGroupArn: this.targetGroup.arn, containerName: target.containerName, containerPort }],
      dependsOn: [this.targetGroup],
    };
  }
}
