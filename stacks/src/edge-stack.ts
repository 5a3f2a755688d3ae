import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { LoadTestEdge, RelayStack, RuntimeParameters, type RoleMode } from '@relay/infra-constructs';
import { BOOTSTRAP_ROLES, type Environment } from '@relay/platform-config';
import { API_REQUESTS_PER_IP, BROADCAST_CONTAINER } from './platform-stack';

/**
 * edge-<env>: the nightly fleet's front door (ADR 10), prod's shape in front of the platform's
 * current task definition. The nightly applies it before its fleet runs and destroys it after;
 * deploy.yml never applies it. Its URL and admission set reach the fleet through SSM.
 */
export class EdgeStack extends RelayStack {
  constructor(scope: Construct, id: string, props: { env: Environment; role?: RoleMode }) {
    // relay-deploy never applies it: the nightly's relay-edge role does, and may do nothing else.
    const deployRoleArn = `arn:aws:iam::${props.env.accountId}:role/${BOOTSTRAP_ROLES.edge}`;
    super(scope, id, { env: props.env, component: 'edge', role: props.role, deployRoleArn });
    const edge = new LoadTestEdge(this, 'edge', {
      env: props.env,
      container: BROADCAST_CONTAINER,
      rateLimitPer5Minutes: API_REQUESTS_PER_IP,
    });
    new RuntimeParameters(this, 'config', { env: props.env, values: { 'edge/url': edge.url, 'edge/fleet-admission-set': edge.admissionSetArn } });
    new TerraformOutput(this, 'edge_url', { value: edge.url });
  }
}
