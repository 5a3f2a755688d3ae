import { Aspects, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { permissionsBoundary, type Environment } from '@relay/platform-config';
import { PermissionsBoundaryAspect } from './boundary-aspect';
import { PolicyAspect } from './policy-aspect';
import { StateBackend, type RoleMode } from './state-backend';
import { TaggingAspect } from './tagging-aspect';

export interface RelayStackProps {
  env: Environment;
  /** Component name, e.g. chat: used in tags and the state key. */
  component: string;
  backend?: 's3' | 'local';
  role?: RoleMode;
  /** Which role `deploy` mode assumes, where it is not the env's deploy role. */
  deployRoleArn?: string;
}

/**
 * The Terraform CLI every stack needs: the S3 backend's native lock file (use_lockfile) arrived
 * in 1.10. CI installs ~1.13 (.github/actions/setup); a 2.x would be a deliberate upgrade.
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.10.0, < 2.0.0';

/** Base for every Relay stack: one environment and its account, tagged, policy-checked and bounded. */
export class RelayStack extends TerraformStack {
  readonly env: Environment;
  readonly state: StateBackend;

  constructor(scope: Construct, id: string, props: RelayStackProps) {
    super(scope, id);
    this.env = props.env;
    this.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
    this.state = new StateBackend(this, 'state', {
      env: props.env,
      component: props.component,
      kind: props.backend,
      role: props.role,
      deployRoleArn: props.deployRoleArn,
    });
    Aspects.of(this).add(
      new TaggingAspect({
        env: props.env.name,
        service: props.component,
        owner: props.env.owner,
        'cost-center': props.env.costCenter,
        'managed-by': 'cdktf',
        // Cost allocation tags: Cost Explorer groups an account's bill by them (cost:actuals).
        'relay:env': props.env.name,
        'relay:stack': id,
        ...(props.env.ttlHours !== undefined ? { ttl: `${props.env.ttlHours}h` } : {}),
      }),
    );
    Aspects.of(this).add(new PolicyAspect());
    // The bootstrap stack (an administrator's) creates the boundary and the roles that deploy
    // with it; every other stack is applied by relay-deploy, whose roles must carry it.
    if (props.component !== 'bootstrap') Aspects.of(this).add(new PermissionsBoundaryAspect(permissionsBoundary(props.env).arn));
  }
}
