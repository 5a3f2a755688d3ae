import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { LOG_PREFIXES, RelayStack, RuntimeParameters, StaticSite, WebAcl, type RoleMode } from '@relay/infra-constructs';
import { logBucketName, resourcePrefix, type Environment } from '@relay/platform-config';

/** CloudFront reads certificates and web ACLs from us-east-1 only. */
const CLOUDFRONT_REGION = 'us-east-1';

/** Requests per 5 minutes one IP may send the web client before WAF blocks it. */
const WEB_REQUESTS_PER_IP = 5_000;

/** web-<env>: the static web client behind CloudFront, on the environment's own name. */
export class WebStack extends RelayStack {
  constructor(scope: Construct, id: string, props: { env: Environment; role?: RoleMode }) {
    super(scope, id, { env: props.env, component: 'web', role: props.role });
    const { env } = props;
    const prefix = resourcePrefix(env);
    const edge = this.state.providerIn(CLOUDFRONT_REGION);
    const logBucket = logBucketName(env);
    const waf = env.waf
      ? new WebAcl(this, 'waf', { env, name: `${prefix}-web`, scope: 'CLOUDFRONT', provider: edge, rateLimitPer5Minutes: WEB_REQUESTS_PER_IP })
      : undefined;
    const site = new StaticSite(this, 'site', {
      env,
      prefix,
      domain: env.domain ? { zoneId: env.domain.zoneId, host: env.domain.webHost, certificateProvider: edge } : undefined,
      logs: { bucketName: logBucket, bucketDomainName: `${logBucket}.s3.amazonaws.com`, cloudfrontPrefix: LOG_PREFIXES.cloudfront, s3Prefix: LOG_PREFIXES.s3 },
      webAclArn: waf?.arn,
    });
    new RuntimeParameters(this, 'config', {
      env,
      values: { 'web/bucket': site.bucketName, 'web/distribution-id': site.distribution.id },
    });
    new TerraformOutput(this, 'web_url', { value: site.url });
  }
}
