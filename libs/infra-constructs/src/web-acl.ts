import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import type { Environment } from '@relay/platform-config';

export interface WebAclProps {
  env: Environment;
  name: string;
  /** CLOUDFRONT ACLs live in us-east-1 (pass that provider); REGIONAL ones beside the ALB. */
  scope: 'CLOUDFRONT' | 'REGIONAL';
  provider?: TerraformProvider;
  /** Requests per 5 minutes from one IP before it is blocked. */
  rateLimitPer5Minutes: number;
}

/** AWS managed rule groups, in evaluation order: known-bad IPs, then exploits, then the baseline. */
const MANAGED_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet'];

/**
 * AWS WAF in front of a public endpoint: a per-IP rate limit and AWS's managed rule groups
 * (known bad inputs covers Log4Shell), with sampled requests, metrics and full logs.
 */
export class WebAcl extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    const rules = [
      {
        name: 'rate-limit-per-ip',
        priority: 0,
        action: { block: {} },
        statement: { rate_based_statement: { limit: props.rateLimitPer5Minutes, aggregate_key_type: 'IP' } },
        visibilityConfig: visibility(`${props.name}-rate-limit`),
      },
      ...MANAGED_GROUPS.map((group, i) => ({
        name: group,
        priority: i + 1,
        overrideAction: { none: {} },
        statement: { managed_rule_group_statement: { name: group, vendor_name: 'AWS' } },
        visibilityConfig: visibility(`${props.name}-${group}`),
      })),
    ];
    const acl = new Wafv2WebAcl(this, 'acl', {
      name: props.name,
      scope: props.scope,
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(props.name),
      provider: props.provider,
    });
    this.arn = acl.arn;
    // WAF only logs to groups whose name starts with aws-waf-logs-.
    const logs = new CloudwatchLogGroup(this, 'logs', {
      name: `aws-waf-logs-${props.name}`,
      retentionInDays: props.env.retention.logDays,
      provider: props.provider,
    });
    new Wafv2WebAclLoggingConfiguration(this, 'logging', {
      resourceArn: acl.arn,
      logDestinationConfigs: [logs.arn],
      // Bearer tokens must not reach the logs.
      redactedFields: [{ singleHeader: { name: 'authorization' } }],
      provider: props.provider,
    });
  }
}
