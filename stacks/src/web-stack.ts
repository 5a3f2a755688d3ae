import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { RelayStack, RuntimeParameters, StaticSite, type RoleMode } from '@relay/infra-constructs';
import { resourcePrefix, type Environment } from '@relay/platform-config';

/** web-<env>: the static web client behind CloudFront. */
export class WebStack extends RelayStack {
  constructor(scope: Construct, id: string, props: { env: Environment; role?: RoleMode }) {
    super(scope, id, { env: props.env, component: 'web', role: props.role });
    const site = new StaticSite(this, 'site', { env: props.env, prefix: resourcePrefix(props.env) });
    new RuntimeParameters(this, 'config', {
      env: props.env,
      values: { 'web/bucket': site.bucketName, 'web/distribution-id': site.distribution.id },
    });
    new TerraformOutput(this, 'web_url', { value: `https://${site.distribution.domainName}` });
  }
}
