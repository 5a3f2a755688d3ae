import { broadcastService, loadTestEdge, parameterPath, stateLocation, type Environment } from '@relay/platform-config';
import { ECS_CLUSTER_ACTIONS, NETWORK_AND_SCALING_DISCOVERY, SECURITY_GROUP_WRITES, taggingActions as tagging, type Statement } from './iam';

/** The `service` tag TaggingAspect gives the edge stack's resources (RelayStack's component). */
export const EDGE_COMPONENT = 'edge';

/**
 * What relay-edge may do: apply and destroy the edge stack (LoadTestEdge, ADR 10), and nothing
 * else. Its resources are named `<prefix>-edge…` where the service authorizes by name (ECS,
 * ELB, WAF, logs, SSM, state); where it authorizes by server-generated id (security groups,
 * scalable targets), by the edge's `service` tag, set at creation (aws:RequestTag) and required
 * after (aws:ResourceTag). The service it creates may run only the platform's broadcast task
 * definition, and its one DNS change is the lt. record. It creates no role and passes none.
 */
export function edgeStatements(env: Environment): Statement[] {
  const edge = loadTestEdge(env);
  const arn = (service: string, resource: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${resource}`;
  const state = stateLocation(env, EDGE_COMPONENT);
  const taggedEdge = { StringEquals: { 'aws:ResourceTag/service': EDGE_COMPONENT, 'aws:ResourceTag/env': env.name } };
  const creatingEdge = { StringEquals: { 'aws:RequestTag/service': EDGE_COMPONENT, 'aws:RequestTag/env': env.name } };
  // The platform's task definition family is named like its cluster (FargateService).
  const broadcastTasks = arn('ecs', `task-definition/${broadcastService(env).cluster}:*`);
  return [
    {
      sid: 'EdgeState',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [`arn:aws:s3:::${state.bucket}/${state.key}`, `arn:aws:s3:::${state.bucket}/${state.key}.tflock`],
    },
    { sid: 'EdgeStateLock', actions: ['s3:DeleteObject'], resources: [`arn:aws:s3:::${state.bucket}/${state.key}.tflock`] },
    { sid: 'StateKeys', actions: ['s3:ListBucket'], resources: [`arn:aws:s3:::${state.bucket}`] },
    {
      sid: 'EdgeCluster',
      actions: [...ECS_CLUSTER_ACTIONS, ...tagging('ecs')],
      resources: [arn('ecs', `cluster/${edge.cluster}`)],
    },
    {
      sid: 'EdgeServiceRunsTheBroadcastTasks',
      actions: ['ecs:CreateService', 'ecs:UpdateService'],
      resources: [arn('ecs', `service/${edge.cluster}/${edge.service}`)],
      conditions: { ArnLikeIfExists: { 'ecs:task-definition': broadcastTasks } },
    },
    {
      sid: 'EdgeService',
      actions: ['ecs:DeleteService', 'ecs:DescribeServices', ...tagging('ecs')],
      resources: [arn('ecs', `service/${edge.cluster}/${edge.service}`)],
    },
    {
      sid: 'EdgeLoadBalancer',
      actions: [
        'elasticloadbalancing:CreateLoadBalancer',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:CreateTargetGroup',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
      ],
      resources: [arn('elasticloadbalancing', `loadbalancer/app/${edge.loadBalancer}/*`), arn('elasticloadbalancing', `targetgroup/${edge.loadBalancer}/*`)],
    },
    {
      sid: 'EdgeListeners',
      actions: [
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
      ],
      resources: [arn('elasticloadbalancing', `listener/app/${edge.loadBalancer}/*/*`)],
    },
    {
      sid: 'EdgeWebAcl',
      actions: [
        'wafv2:CreateWebACL',
        'wafv2:GetWebACL',
        'wafv2:UpdateWebACL',
        'wafv2:DeleteWebACL',
        'wafv2:PutLoggingConfiguration',
        'wafv2:GetLoggingConfiguration',
        'wafv2:DeleteLoggingConfiguration',
        'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL',
        ...tagging('wafv2'),
      ],
      resources: [
        arn('wafv2', `regional/webacl/${edge.prefix}/*`),
        // AWS's managed rule groups the ACL references.
        arn('wafv2', 'regional/managedruleset/*/*'),
      ],
    },
    {
      // The admission set, and the ACL referencing it (creating an ACL is authorized on what it references).
      sid: 'EdgeAdmissionSet',
      actions: [
        'wafv2:CreateRegexPatternSet',
        'wafv2:GetRegexPatternSet',
        'wafv2:UpdateRegexPatternSet',
        'wafv2:DeleteRegexPatternSet',
        'wafv2:CreateWebACL',
        'wafv2:UpdateWebACL',
        ...tagging('wafv2'),
      ],
      resources: [arn('wafv2', `regional/regexpatternset/${edge.regexPatternSet}/*`)],
    },
    {
      sid: 'EdgeWebAclOnItsLoadBalancer',
      actions: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL', 'wafv2:GetWebACLForResource'],
      resources: [arn('elasticloadbalancing', `loadbalancer/app/${edge.loadBalancer}/*`)],
    },
    {
      sid: 'EdgeWebAclLogs',
      actions: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', ...tagging('logs')],
      resources: [arn('logs', `log-group:aws-waf-logs-${edge.prefix}`), arn('logs', `log-group:aws-waf-logs-${edge.prefix}:*`)],
    },
    {
      sid: 'EdgeParameters',
      actions: [
        'ssm:PutParameter',
        'ssm:GetParameter',
        'ssm:DeleteParameter',
        'ssm:AddTagsToResource',
        'ssm:RemoveTagsFromResource',
        'ssm:ListTagsForResource',
      ],
      resources: [arn('ssm', `parameter${parameterPath(env, EDGE_COMPONENT)}/*`)],
    },
    {
      // Security groups are known by id: the edge's are the ones it tags as its own when it creates them.
      sid: 'CreateEdgeSecurityGroups',
      actions: ['ec2:CreateSecurityGroup'],
      resources: [arn('ec2', 'security-group/*')],
      conditions: creatingEdge,
    },
    {
      sid: 'EdgeSecurityGroupsInThePlatformNetwork',
      actions: ['ec2:CreateSecurityGroup'],
      resources: [arn('ec2', 'vpc/*')],
      conditions: { StringEquals: { 'aws:ResourceAccount': env.accountId } },
    },
    {
      sid: 'TagEdgeSecurityGroupsAtCreation',
      actions: ['ec2:CreateTags'],
      resources: [arn('ec2', 'security-group/*')],
      conditions: { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup', ...creatingEdge.StringEquals } },
    },
    {
      sid: 'EdgeSecurityGroups',
      actions: [...SECURITY_GROUP_WRITES],
      resources: [arn('ec2', 'security-group/*'), arn('ec2', 'security-group-rule/*')],
      conditions: taggedEdge,
    },
    {
      sid: 'CreateEdgeScaling',
      actions: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:TagResource'],
      resources: [arn('application-autoscaling', 'scalable-target/*')],
      conditions: creatingEdge,
    },
    {
      sid: 'EdgeScaling',
      actions: [
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:DeregisterScalableTarget',
        'application-autoscaling:PutScalingPolicy',
        'application-autoscaling:DeleteScalingPolicy',
        ...tagging('application-autoscaling'),
      ],
      resources: [arn('application-autoscaling', 'scalable-target/*')],
      conditions: taggedEdge,
    },
    ...(env.domain
      ? [
          {
            sid: 'EdgeDnsRecord',
            actions: ['route53:ChangeResourceRecordSets'],
            resources: [`arn:aws:route53:::hostedzone/${env.domain.zoneId}`],
            conditions: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [edge.host] } },
          },
          {
            sid: 'ReadTheZone',
            actions: ['route53:ListResourceRecordSets', 'route53:GetHostedZone'],
            resources: [`arn:aws:route53:::hostedzone/${env.domain.zoneId}`],
          },
          { sid: 'DnsChanges', actions: ['route53:GetChange'], resources: ['arn:aws:route53:::change/*'] },
        ]
      : []),
    // The certificate the platform stack issued for the edge's name, found by domain.
    { sid: 'ReadCertificates', actions: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'], resources: [arn('acm', 'certificate/*')] },
    {
      // First load balancer and scalable target of an account create AWS's service-linked roles (the platform's came first).
      sid: 'ServiceLinkedRoles',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [`arn:aws:iam::${env.accountId}:role/aws-service-role/*`],
      conditions: {
        StringEquals: { 'iam:AWSServiceName': ['ecs.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com'] },
      },
    },
    // The platform's network, read by the edge's lookup of it.
    { sid: 'ReadTheNetwork', actions: ['ec2:DescribeVpcAttribute'], resources: [arn('ec2', 'vpc/*')] },
    {
      sid: 'ReadOnlyDiscovery',
      actions: [
        ...NETWORK_AND_SCALING_DISCOVERY,
        'sts:GetCallerIdentity',
        'ssm:DescribeParameters',
        'logs:DescribeLogGroups',
        'ecs:DescribeTaskDefinition',
        'acm:ListCertificates',
        'elasticloadbalancing:SetWebAcl',
        'logs:CreateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
      ],
      resources: ['*'],
    },
  ];
}
