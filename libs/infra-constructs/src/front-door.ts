import type { EcsServiceConfig } from '@cdktf/provider-aws/lib/ecs-service';
import type { Environment } from '@relay/platform-config';

/** What a front door needs to know of the service it serves. */
export interface FrontDoorTarget {
  env: Environment;
  /** The service's full name (prefix-service) and its 32-character form for AWS names that cap there. */
  name: string;
  short: string;
  vpcId: string;
  subnetIds: string[];
  taskSecurityGroupId: string;
  containerName: string;
  containerPort: number;
  healthCheckPath: string;
}

/**
 * How requests reach the service's tasks: an ALB (LoadBalancerFrontDoor) or an HTTP API through
 * a VPC link (HttpApiFrontDoor). The catalogue's apiFrontDoor picks one per env.
 */
export interface FrontDoor {
  /** The public name to alias the env's API host to (Route 53 alias target), where it has a domain. */
  readonly alias?: { name: string; zoneId: string };
  /** The URL when the env has no domain of its own. */
  readonly defaultUrl: string;
  /** What the ECS service declares so its tasks are found: target group or service registry. */
  readonly serviceAttachment: Pick<EcsServiceConfig, 'loadBalancer' | 'serviceRegistries' | 'dependsOn'>;
}
