import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2RegexPatternSet } from '@cdktf/provider-aws/lib/wafv2-regex-pattern-set';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { FLEET_ADMISSION_CLOSED, type Environment } from '@relay/platform-config';

export interface WebAclProps {
  env: Environment;
  name: string;
  /** CLOUDFRONT ACLs live in us-east-1 (pass that provider); REGIONAL ones beside the ALB. */
  scope: 'CLOUDFRONT' | 'REGIONAL';
  provider?: TerraformProvider;
  /** Requests per 5 minutes from one IP before it is blocked. */
  rateLimitPer5Minutes: number;
  /**
   * Lets a load test's traffic past the rate rule, and only that rule: requests whose `header`
   * matches the regex pattern set `setName` are outside the rule's scope. The set holds a
   * per-run secret while a fleet runs (the orchestrator writes it) and nothing that can match
   * otherwise.
   */
  rateLimitExemption?: { header: string; setName: string };
}

/** AWS managed rule groups, in evaluation order: known-bad IPs, then exploits, then the baseline. */
const MANAGED_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet'];

/**
 * AWS WAF in front of a public endpoint: a per-IP rate limit and AWS's managed rule groups
 * (known bad inputs covers Log4Shell), with sampled requests, metrics and full logs.
 */
export class WebAcl extends Construct {
  readonly arn: string;
  readonly exemptionSetArn: string | undefined;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    const exemption = props.rateLimitExemption;
    const exempted = exemption
      ? new Wafv2RegexPatternSet(this, 'rate-limit-exemption', {
          name: exemption.setName,
          scope: props.scope,
          description: 'Load-test admission past the per-IP rate rule: a per-run secret while a fleet runs, else nothing',
          // Terraform writes the closed pattern once; the fleet's orchestrator owns the contents after.
          regularExpression: [{ regexString: FLEET_ADMISSION_CLOSED }],
          lifecycle: { ignoreChanges: ['regular_expression'] },
          provider: props.provider,
        })
      : undefined;
    const rateStatement = {
      limit: props.rateLimitPer5Minutes,
      aggregate_key_type: 'IP',
      ...(exemption && exempted
        ? {
            scope_down_statement: {
              not_statement: {
                statement: {
                  regex_pattern_set_reference_statement: {
                    arn: exempted.arn,
                    field_to_match: { single_header: { name: exemption.header } },
                    text_transformation: [{ priority: 0, type: 'NONE' }],
                  },
                },
              },
            },
          }
        : {}),
    };
    this.exemptionSetArn = exempted?.arn;
    const rules = [
      {
        name: 'rate-limit-per-ip',
        priority: 0,
        action: { block: {} },
        statement: { rate_based_statement: rateStatement },
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
      // Bearer tokens and a run's admission secret must not reach the logs.
      redactedFields: ['authorization', ...(exemption ? [exemption.header] : [])].map((name) => ({ singleHeader: { name } })),
      provider: props.provider,
    });
  }
}
