import { Construct } from 'constructs';
import { DataAwsAcmCertificate } from '@cdktf/provider-aws/lib/data-aws-acm-certificate';
import { DataAwsEcsTaskDefinition } from '@cdktf/provider-aws/lib/data-aws-ecs-task-definition';
import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { broadcastService, FLEET_ADMISSION_HEADER, loadTestEdge, logBucketName, resourcePrefix, type Environment } from '@relay/platform-config';
import { LOG_PREFIXES } from './log-bucket';
import { serviceBehindFrontDoor } from './service-behind-front-door';
import { WebAcl } from './web-acl';

export interface LoadTestEdgeProps {
  env: Environment;
  /** The platform's broadcast container: its name and port in the task definition, and its readiness path. */
  container: { name: string; port: number; healthCheckPath: string };
  /** The per-IP rate rule prod's WAF applies, which the fleet is admitted past. */
  rateLimitPer5Minutes: number;
}

/**
 * The nightly fleet's front door (ADR 10): what prod serves the broadcast API with (an HTTPS
 * ALB behind a regional WAF with the fleet's admission set), in front of a service of its own
 * that runs the platform's current task definition, in the platform's network. Everything is
 * named `<env prefix>-edge…`; the platform stack's parts are found by name (its VPC and subnets
 * by their Name tags, the task definition by family, the certificate for lt.<zone> by domain),
 * never through another stack's state, so this stack can be created and destroyed every night
 * without touching the platform's.
 */
export class LoadTestEdge extends Construct {
  readonly url: string;
  readonly admissionSetArn: string;

  constructor(scope: Construct, id: string, props: LoadTestEdgeProps) {
    super(scope, id);
    const { env } = props;
    const names = loadTestEdge(env);
    const platformPrefix = resourcePrefix(env);
    const vpc = new DataAwsVpc(this, 'vpc', { filter: [{ name: 'tag:Name', values: [platformPrefix] }] });
    const subnets = new DataAwsSubnets(this, 'subnets', {
      filter: [
        { name: 'vpc-id', values: [vpc.id] },
        { name: 'tag:Name', values: [`${platformPrefix}-public-*`] },
      ],
    });
    // The family's latest ACTIVE revision: what the platform's service was last deployed with.
    const task = new DataAwsEcsTaskDefinition(this, 'task', { taskDefinition: broadcastService(env).cluster });
    const certificate = new DataAwsAcmCertificate(this, 'certificate', { domain: names.host, statuses: ['ISSUED'], mostRecent: true });
    const waf = new WebAcl(this, 'web-acl', {
      env,
      name: names.prefix,
      scope: 'REGIONAL',
      rateLimitPer5Minutes: props.rateLimitPer5Minutes,
      rateLimitExemption: { header: FLEET_ADMISSION_HEADER, setName: names.regexPatternSet },
    });
    const { frontDoor } = serviceBehindFrontDoor(this, {
      env,
      name: names.prefix,
      serviceName: names.service,
      containerName: props.container.name,
      vpcId: vpc.id,
      subnetIds: subnets.ids,
      containerPort: props.container.port,
      healthCheckPath: props.container.healthCheckPath,
      taskDefinitionArn: task.arn,
      frontDoor: {
        kind: 'load-balancer',
        certificateArn: certificate.arn,
        accessLogs: { bucket: logBucketName(env), prefix: LOG_PREFIXES.alb },
        webAclArn: waf.arn,
        capacityReservedByLoadTests: true,
      },
      // Nothing else sizes it: the fleet's wake raises it for a run, and the destroy ends it.
      boundsOwnedElsewhere: false,
    });
    const alias = frontDoor.alias;
    if (!env.domain || !alias) throw new Error(`${env.name}: a load-test edge needs a domain and a load balancer to alias ${names.host} to`);
    for (const type of ['A', 'AAAA']) {
      new Route53Record(this, `alias-${type}`, {
        zoneId: env.domain.zoneId,
        name: names.host,
        type,
        alias: { name: alias.name, zoneId: alias.zoneId, evaluateTargetHealth: true },
      });
    }
    this.url = `https://${names.host}`;
    if (!waf.exemptionSetArn) throw new Error('the edge WAF has no admission set');
    this.admissionSetArn = waf.exemptionSetArn;
  }
}
