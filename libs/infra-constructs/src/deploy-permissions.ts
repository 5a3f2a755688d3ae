import { ECS_CLUSTER_ACTIONS, NETWORK_AND_SCALING_DISCOVERY, SECURITY_GROUP_WRITES, taggingActions as tagging, type Statement } from './iam';
import { ROLE_FAMILIES } from './role-families';

export interface DeployScope {
  accountId: string;
  region: string;
  /** Resource name prefix the role may manage, e.g. relay-stag. */
  prefix: string;
  stateBucket: string;
  /** The account's log bucket: CloudFront's logging config writes an ACL grant on it. */
  logBucket: string;
  /** The environment's public hosted zone, if it has a domain. */
  hostedZoneId?: string;
  /**
   * The env serves its API through an HTTP API (catalogue apiFrontDoor): only then may its deploy
   * make VPC links, custom domains, Cloud Map namespaces and the private zones behind them.
   */
  httpApiFrontDoor?: boolean;
  /** The account's permissions boundary: every role the deploy role creates or edits carries it. */
  boundaryArn: string;
  /** SSM parameter ARNs (patterns) the environment's stacks own. */
  parameterScopes: string[];
  /** State object keys (patterns) the role may read and write, locks included. */
  stateKeys: string[];
  /**
   * Values (patterns) of the `env` tag the role's resources carry (TaggingAspect): the only scope
   * for resources whose ids are server-generated, such as KMS keys.
   */
  envTags: string[];
  /** Names of the bootstrap stack's roles, which no deploy may touch. */
  bootstrapRoles: string[];
}

/** IAM writes that could give a role more than its boundary allows, or take the boundary away. */
const ROLE_WRITES_THAT_NEED_THE_BOUNDARY = [
  'iam:CreateRole',
  'iam:PutRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:DeleteRole',
  'iam:PutRolePermissionsBoundary',
];

/**
 * What no deploy may do, whatever its Allows say (AWS's delegated-administration pattern): the
 * deploy role can create and edit roles only inside the account's boundary, never remove or
 * edit the boundary, and never touch the bootstrap's roles or the GitHub OIDC provider.
 */
export function deployGuardrails(s: DeployScope): Statement[] {
  const iamArn = (resource: string) => `arn:aws:iam::${s.accountId}:${resource}`;
  return [
    {
      sid: 'NoRoleOutsideTheBoundary',
      effect: 'Deny',
      actions: ROLE_WRITES_THAT_NEED_THE_BOUNDARY,
      resources: ['*'],
      conditions: { ArnNotEquals: { 'iam:PermissionsBoundary': s.boundaryArn } },
    },
    { sid: 'NoBoundaryRemoval', effect: 'Deny', actions: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'], resources: ['*'] },
    {
      sid: 'NoBoundaryPolicyChange',
      effect: 'Deny',
      actions: ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:TagPolicy', 'iam:UntagPolicy'],
      resources: [s.boundaryArn],
    },
    {
      sid: 'NoBootstrapIdentityChange',
      effect: 'Deny',
      actions: ['iam:*'],
      resources: [...s.bootstrapRoles.map((name) => iamArn(`role/${name}`)), iamArn('oidc-provider/*')],
    },
    // Users, groups and access keys are never Relay's: no long-lived identity can come from a deploy.
    {
      sid: 'NoUsersOrKeys',
      effect: 'Deny',
      actions: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:AddUserToGroup'],
      resources: ['*'],
    },
  ];
}

const crud = (service: string, verbs: string[], nouns: string[]) => verbs.flatMap((v) => nouns.map((n) => `${service}:${v}${n}`));

/**
 * What terraform may do when it applies Relay's stacks in one account: every action spelled out,
 * on resources named with the environment's prefix wherever the service can scope by name.
 * Describe/List calls that AWS only authorises on "*" are listed in RESOURCE_STAR_ACTIONS.
 */
/** What the chat stack of a preview needs of deployStatements (previews have no platform or web stack). */
const PREVIEW_STATEMENT_IDS = new Set([
  'StateReadWrite',
  'StateKeys',
  'DynamoDbTables',
  'LambdaFunctions',
  'LambdaEventSourceMappings',
  'CreateEventSourceMappingsForOwnFunctions',
  'ApiGateway',
  'BoundedRoleWrites',
  'OwnRoleReadsAndTags',
  'PassRoleLambda',
  'Logs',
  'QueuesTopicsAlarms',
  'CreateTaggedKeys',
  'OwnKeys',
  'OwnKeyAliases',
  'KeyAliasDiscovery',
  'RuntimeParameters',
]);

/**
 * relay-preview's statements: the chat stack's share of deployStatements on the previews'
 * scope (relay-pv-*), with the same guardrails, and the few "*"-only reads a chat plan makes.
 */
export function previewDeployStatements(s: DeployScope): Statement[] {
  const all = deployStatements(s);
  return [
    ...all.filter((st) => st.effect === 'Deny' || PREVIEW_STATEMENT_IDS.has(st.sid ?? '')),
    {
      sid: 'ReadOnlyDiscovery',
      actions: [
        'sts:GetCallerIdentity',
        'logs:DescribeLogGroups',
        'ssm:DescribeParameters',
        'servicequotas:ListServiceQuotas',
        'servicequotas:ListAWSDefaultServiceQuotas',
      ],
      resources: ['*'],
    },
    {
      // Closing a preview removes what destroy leaves (tools/nx-plugin/operations/preview/cleanup.ts):
      // GetParametersByPath is authorized on the path itself, /relay/dev-<name>.
      sid: 'CloseLeftovers',
      actions: ['ssm:GetParametersByPath', 'ssm:DeleteParameters'],
      resources: [...s.parameterScopes, ...s.parameterScopes.map((p) => p.replace(/\/\*$/, ''))],
    },
  ];
}

export function deployStatements(s: DeployScope): Statement[] {
  const arn = (service: string, resource: string, region = s.region) => `arn:aws:${service}:${region}:${s.accountId}:${resource}`;
  return [
    {
      sid: 'StateReadWrite',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: s.stateKeys.map((key) => `arn:aws:s3:::${s.stateBucket}/${key}`),
    },
    // The S3 backend lists workspaces (prefix env:/) at init; key names are not secret.
    { sid: 'StateKeys', actions: ['s3:ListBucket'], resources: [`arn:aws:s3:::${s.stateBucket}`] },
    {
      sid: 'DynamoDbTables',
      actions: [
        ...crud('dynamodb', ['Create', 'Delete', 'Describe', 'Update'], ['Table']),
        'dynamodb:DescribeTimeToLive',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:DescribeStream',
        'dynamodb:TagResource',
        'dynamodb:UntagResource',
        'dynamodb:ListTagsOfResource',
      ],
      resources: [arn('dynamodb', `table/${s.prefix}-*`)],
    },
    {
      sid: 'LambdaFunctions',
      actions: [
        ...crud('lambda', ['Create', 'Delete', 'Get'], ['Function']),
        'lambda:GetFunctionConfiguration',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:ListVersionsByFunction',
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:PutFunctionConcurrency',
        'lambda:DeleteFunctionConcurrency',
        'lambda:GetFunctionConcurrency',
        'lambda:AddPermission',
        'lambda:RemovePermission',
        'lambda:GetPolicy',
        'lambda:TagResource',
        'lambda:UntagResource',
        'lambda:ListTags',
        'lambda:GetRuntimeManagementConfig',
        'lambda:GetFunctionRecursionConfig',
      ],
      resources: [arn('lambda', `function:${s.prefix}-*`)],
    },
    {
      sid: 'LambdaEventSourceMappings',
      actions: crud('lambda', ['Get', 'Update', 'Delete'], ['EventSourceMapping']),
      resources: [arn('lambda', 'event-source-mapping:*')],
    },
    {
      // CreateEventSourceMapping is authorized on "*" only; its condition key scopes it to our functions.
      sid: 'CreateEventSourceMappingsForOwnFunctions',
      actions: ['lambda:CreateEventSourceMapping'],
      resources: ['*'],
      conditions: { ArnLike: { 'lambda:FunctionArn': arn('lambda', `function:${s.prefix}-*`) } },
    },
    {
      sid: 'ApiGateway',
      actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
      resources: [`arn:aws:apigateway:${s.region}::/apis`, `arn:aws:apigateway:${s.region}::/apis/*`, `arn:aws:apigateway:${s.region}::/tags/*`],
    },
    ...(s.httpApiFrontDoor ? httpApiFrontDoorStatements(s) : []),
    {
      // The env's AWS Budget (chat stack, IdleBudget): global, so its ARN has no region.
      sid: 'Budgets',
      actions: ['budgets:ModifyBudget', 'budgets:ViewBudget', 'budgets:TagResource', 'budgets:UntagResource', 'budgets:ListTagsForResource'],
      resources: [`arn:aws:budgets::${s.accountId}:budget/${s.prefix}-*`],
    },
    {
      // Creating and changing roles only with the boundary on them (deployGuardrails denies the
      // rest); the stacks' PermissionsBoundaryAspect puts it on every role. No managed policy
      // is ever attached: roles get inline policies only.
      sid: 'BoundedRoleWrites',
      actions: ROLE_WRITES_THAT_NEED_THE_BOUNDARY.filter((a) => a !== 'iam:AttachRolePolicy' && a !== 'iam:DetachRolePolicy'),
      resources: [`arn:aws:iam::${s.accountId}:role/${s.prefix}-*`],
      conditions: { ArnEquals: { 'iam:PermissionsBoundary': s.boundaryArn } },
    },
    {
      sid: 'OwnRoleReadsAndTags',
      actions: [
        'iam:GetRole',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:GetRolePolicy',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfilesForRole',
      ],
      resources: [`arn:aws:iam::${s.accountId}:role/${s.prefix}-*`],
    },
    // Each role family may be handed only to the service it is for.
    ...Object.entries(ROLE_FAMILIES).map(([family, { suffix, service }]) => ({
      sid: `PassRole${family.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`,
      actions: ['iam:PassRole'],
      resources: [`arn:aws:iam::${s.accountId}:role/${s.prefix}-*${suffix}`],
      conditions: { StringEquals: { 'iam:PassedToService': service } },
    })),
    {
      sid: 'Logs',
      actions: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', ...tagging('logs')],
      resources: [
        arn('logs', `log-group:/aws/lambda/${s.prefix}-*`),
        arn('logs', `log-group:/aws/apigateway/${s.prefix}-*`),
        arn('logs', `log-group:/ecs/${s.prefix}-*`),
        // WAF log groups; CloudFront's web ACL logs in us-east-1.
        arn('logs', `log-group:aws-waf-logs-${s.prefix}-*`),
        arn('logs', `log-group:aws-waf-logs-${s.prefix}-*`, 'us-east-1'),
        arn('logs', 'log-group::log-stream:'),
      ],
    },
    {
      // Vended log delivery (WAF to CloudWatch Logs, VPC flow logs to S3) is authorized on "*" only.
      sid: 'LogDelivery',
      actions: ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies'],
      resources: ['*'],
    },
    {
      sid: 'QueuesTopicsAlarms',
      actions: [
        'sqs:CreateQueue',
        'sqs:DeleteQueue',
        'sqs:GetQueueAttributes',
        'sqs:SetQueueAttributes',
        'sqs:TagQueue',
        'sqs:UntagQueue',
        'sqs:ListQueueTags',
        'sns:CreateTopic',
        'sns:DeleteTopic',
        'sns:GetTopicAttributes',
        'sns:SetTopicAttributes',
        'sns:Subscribe',
        'sns:Unsubscribe',
        'sns:GetSubscriptionAttributes',
        'sns:SetSubscriptionAttributes',
        'sns:ListSubscriptionsByTopic',
        ...tagging('sns'),
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:DescribeAlarms',
        ...tagging('cloudwatch'),
        'cloudwatch:PutDashboard',
        'cloudwatch:GetDashboard',
        'cloudwatch:DeleteDashboards',
      ],
      resources: [
        arn('sqs', `${s.prefix}-*`),
        arn('sns', `${s.prefix}-*`),
        arn('cloudwatch', `alarm:${s.prefix}-*`),
        // Dashboards are global: no region in their ARN.
        `arn:aws:cloudwatch::${s.accountId}:dashboard/${s.prefix}-*`,
      ],
    },
    {
      // Key ids are server-generated: a deploy creates and manages only keys tagged with its own env.
      sid: 'CreateTaggedKeys',
      actions: ['kms:CreateKey'],
      resources: ['*'],
      conditions: { StringLike: { 'aws:RequestTag/env': s.envTags } },
    },
    {
      sid: 'OwnKeys',
      actions: [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:PutKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:EnableKeyRotation',
        'kms:ListResourceTags',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:UpdateKeyDescription',
        'kms:ScheduleKeyDeletion',
        'kms:CreateAlias',
        'kms:UpdateAlias',
        'kms:DeleteAlias',
      ],
      resources: [arn('kms', 'key/*')],
      conditions: { StringLike: { 'aws:ResourceTag/env': s.envTags } },
    },
    // An alias call is authorized on the alias and on its key (OwnKeys).
    { sid: 'OwnKeyAliases', actions: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'], resources: [arn('kms', `alias/${s.prefix}-*`)] },
    { sid: 'KeyAliasDiscovery', actions: ['kms:ListAliases'], resources: ['*'] },
    {
      sid: 'RuntimeParameters',
      actions: [
        'ssm:PutParameter',
        'ssm:GetParameter',
        'ssm:GetParameters',
        'ssm:DeleteParameter',
        'ssm:AddTagsToResource',
        'ssm:RemoveTagsFromResource',
        'ssm:ListTagsForResource',
      ],
      // The dev account also holds previews, whose parameters live under /relay/dev-<name>/.
      resources: s.parameterScopes,
    },
    {
      sid: 'WebBuckets',
      actions: [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:ListBucket',
        ...crud(
          's3',
          ['Get', 'Put'],
          [
            'BucketPolicy',
            'BucketPublicAccessBlock',
            'EncryptionConfiguration',
            'BucketVersioning',
            'BucketOwnershipControls',
            'BucketTagging',
            'LifecycleConfiguration',
            'BucketLogging',
          ],
        ),
        's3:DeleteBucketPolicy',
        's3:GetBucketAcl',
        's3:GetBucketCORS',
        's3:GetBucketWebsite',
        's3:GetBucketLogging',
        's3:GetReplicationConfiguration',
        's3:GetBucketRequestPayment',
        's3:GetBucketObjectLockConfiguration',
        's3:GetAccelerateConfiguration',
      ],
      resources: [`arn:aws:s3:::${s.prefix}-*`],
    },
    {
      // CloudFront standard logging adds its log-delivery grant to the log bucket's ACL.
      sid: 'CloudFrontLogGrant',
      actions: ['s3:GetBucketAcl', 's3:PutBucketAcl'],
      resources: [`arn:aws:s3:::${s.logBucket}`],
    },
    {
      sid: 'WebContent',
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      resources: [`arn:aws:s3:::${s.prefix}-web-*/*`],
    },
    {
      sid: 'CloudFrontInvalidation',
      actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
      resources: [`arn:aws:cloudfront::${s.accountId}:distribution/*`],
    },
    {
      sid: 'CloudFront',
      actions: [
        ...crud('cloudfront', ['Update', 'Delete', 'Get'], ['Distribution', 'OriginAccessControl', 'ResponseHeadersPolicy']),
        'cloudfront:GetDistributionConfig',
        'cloudfront:TagResource',
        'cloudfront:UntagResource',
        'cloudfront:ListTagsForResource',
      ],
      resources: [
        `arn:aws:cloudfront::${s.accountId}:distribution/*`,
        `arn:aws:cloudfront::${s.accountId}:origin-access-control/*`,
        `arn:aws:cloudfront::${s.accountId}:response-headers-policy/*`,
      ],
    },
    {
      // Certificate ids are server-generated: the account (both regions used) is the scope.
      sid: 'Certificates',
      actions: [
        'acm:DescribeCertificate',
        'acm:ListTagsForCertificate',
        'acm:AddTagsToCertificate',
        'acm:RemoveTagsFromCertificate',
        'acm:DeleteCertificate',
        'acm:UpdateCertificateOptions',
      ],
      resources: [arn('acm', 'certificate/*'), arn('acm', 'certificate/*', 'us-east-1')],
    },
    ...(s.hostedZoneId
      ? [
          {
            // Validation and alias records, in this environment's zone only.
            sid: 'DnsRecords',
            actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:GetHostedZone'],
            resources: [`arn:aws:route53:::hostedzone/${s.hostedZoneId}`],
          },
          { sid: 'DnsChanges', actions: ['route53:GetChange'], resources: ['arn:aws:route53:::change/*'] },
        ]
      : []),
    {
      sid: 'WebAcls',
      actions: [
        'wafv2:CreateWebACL',
        'wafv2:GetWebACL',
        'wafv2:UpdateWebACL',
        'wafv2:DeleteWebACL',
        'wafv2:TagResource',
        'wafv2:UntagResource',
        'wafv2:ListTagsForResource',
        'wafv2:PutLoggingConfiguration',
        'wafv2:GetLoggingConfiguration',
        'wafv2:DeleteLoggingConfiguration',
        'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL',
        'wafv2:GetWebACLForResource',
      ],
      resources: [
        arn('wafv2', `regional/webacl/${s.prefix}-*/*`),
        arn('wafv2', `global/webacl/${s.prefix}-*/*`, 'us-east-1'),
        // AWS's managed rule groups the ACLs reference.
        arn('wafv2', 'regional/managedruleset/*/*'),
        arn('wafv2', 'global/managedruleset/*/*', 'us-east-1'),
      ],
    },
    {
      // The rate rule's load-test exemption (WebAcl rateLimitExemption): the set itself, and
      // the ACL referencing it (creating or updating an ACL is authorized on what it references).
      sid: 'WebAclExemptionSets',
      actions: [
        'wafv2:CreateRegexPatternSet',
        'wafv2:GetRegexPatternSet',
        'wafv2:UpdateRegexPatternSet',
        'wafv2:DeleteRegexPatternSet',
        'wafv2:TagResource',
        'wafv2:UntagResource',
        'wafv2:ListTagsForResource',
        'wafv2:CreateWebACL',
        'wafv2:UpdateWebACL',
      ],
      resources: [arn('wafv2', `regional/regexpatternset/${s.prefix}-*/*`)],
    },
    {
      sid: 'WebAclOnLoadBalancers',
      actions: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL', 'wafv2:GetWebACLForResource'],
      resources: [arn('elasticloadbalancing', `loadbalancer/app/${s.prefix}-*/*`)],
    },
    {
      // The image registry belongs to the bootstrap stack: the deploy role only runs images.
      sid: 'Cluster',
      actions: [
        ...ECS_CLUSTER_ACTIONS,
        'ecs:CreateService',
        'ecs:UpdateService',
        'ecs:DeleteService',
        'ecs:DescribeServices',
        'ecs:TagResource',
        'ecs:UntagResource',
        'ecs:ListTagsForResource',
      ],
      resources: [arn('ecs', `cluster/${s.prefix}-*`), arn('ecs', `service/${s.prefix}-*/*`)],
    },
    {
      sid: 'TaskDefinitions',
      actions: ['ecs:RegisterTaskDefinition', 'ecs:TagResource', 'ecs:UntagResource', 'ecs:ListTagsForResource'],
      resources: [arn('ecs', `task-definition/${s.prefix}-*:*`)],
    },
    {
      // After an apply, the image it put into service gains its live-<commit> tag (the
      // registry's lifecycle never expires those). Pushing is the image-push role's job.
      sid: 'TagDeployedImages',
      actions: ['ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:PutImage'],
      resources: [arn('ecr', `repository/${s.prefix}-*`)],
    },
    {
      // First ECS cluster, load balancer and scalable target of an account create AWS's service-linked roles.
      sid: 'ServiceLinkedRoles',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [`arn:aws:iam::${s.accountId}:role/aws-service-role/*`],
      conditions: {
        StringEquals: { 'iam:AWSServiceName': ['ecs.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com'] },
      },
    },
    {
      sid: 'LoadBalancing',
      actions: [
        ...crud('elasticloadbalancing', ['Create', 'Delete'], ['LoadBalancer', 'TargetGroup']),
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
      ],
      resources: [arn('elasticloadbalancing', `loadbalancer/app/${s.prefix}-*/*`), arn('elasticloadbalancing', `targetgroup/${s.prefix}-*/*`)],
    },
    {
      // A listener is created on its load balancer (authorized there), then managed as a listener.
      sid: 'CreateListeners',
      actions: ['elasticloadbalancing:CreateListener'],
      resources: [arn('elasticloadbalancing', `loadbalancer/app/${s.prefix}-*/*`)],
    },
    {
      sid: 'Listeners',
      actions: [
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
      ],
      resources: [arn('elasticloadbalancing', `listener/app/${s.prefix}-*/*/*`)],
    },
    {
      sid: 'Network',
      actions: [
        'ec2:CreateVpc',
        'ec2:DeleteVpc',
        'ec2:ModifyVpcAttribute',
        'ec2:CreateSubnet',
        'ec2:DeleteSubnet',
        'ec2:ModifySubnetAttribute',
        'ec2:CreateInternetGateway',
        'ec2:DeleteInternetGateway',
        'ec2:AttachInternetGateway',
        'ec2:DetachInternetGateway',
        'ec2:CreateRouteTable',
        'ec2:DeleteRouteTable',
        'ec2:CreateRoute',
        'ec2:DeleteRoute',
        'ec2:AssociateRouteTable',
        'ec2:DisassociateRouteTable',
        'ec2:CreateSecurityGroup',
        ...SECURITY_GROUP_WRITES,
        'ec2:DescribeVpcAttribute',
        'ec2:CreateFlowLogs',
        'ec2:DeleteFlowLogs',
      ],
      resources: [
        arn('ec2', 'vpc/*'),
        arn('ec2', 'subnet/*'),
        arn('ec2', 'internet-gateway/*'),
        arn('ec2', 'route-table/*'),
        arn('ec2', 'security-group/*'),
        arn('ec2', 'security-group-rule/*'),
        arn('ec2', 'vpc-flow-log/*'),
      ],
      conditions: { StringEquals: { 'aws:ResourceAccount': s.accountId } },
    },
    {
      sid: 'SchedulesAndScaling',
      actions: [
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:CreateScheduleGroup',
        'scheduler:DeleteScheduleGroup',
        'scheduler:GetScheduleGroup',
        ...tagging('scheduler'),
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:DeregisterScalableTarget',
        'application-autoscaling:PutScalingPolicy',
        'application-autoscaling:DeleteScalingPolicy',
        ...tagging('application-autoscaling'),
      ],
      resources: [
        arn('scheduler', `schedule/${s.prefix}-*/*`),
        arn('scheduler', `schedule-group/${s.prefix}-*`),
        arn('application-autoscaling', 'scalable-target/*'),
      ],
    },
    {
      sid: 'ReadOnlyDiscovery',
      actions: [
        ...NETWORK_AND_SCALING_DISCOVERY,
        'ssm:DescribeParameters',
        'sts:GetCallerIdentity',
        'ec2:DescribeNetworkAcls',
        'logs:DescribeLogGroups',
        'ecs:DescribeTaskDefinition',
        'ecs:DeregisterTaskDefinition',
        'ecr:GetAuthorizationToken',
        // Creating these has no resource ARN before it exists: AWS authorizes them only on "*".
        'cloudfront:CreateDistribution',
        'cloudfront:CreateOriginAccessControl',
        'cloudfront:CreateResponseHeadersPolicy',
        'acm:RequestCertificate',
        'ec2:DescribeFlowLogs',
        'elasticloadbalancing:SetWebAcl',
        // The runner's quota preflight before an apply (tools/nx-plugin/operations/terraform/quotas.ts).
        'servicequotas:ListServiceQuotas',
        'servicequotas:ListAWSDefaultServiceQuotas',
      ],
      resources: ['*'],
    },
    ...deployGuardrails(s),
  ];
}

/** What an HTTP API front door (libs/infra-constructs/src/http-api-front-door.ts) needs besides the API itself. */
function httpApiFrontDoorStatements(s: DeployScope): Statement[] {
  const apigw = (path: string) => `arn:aws:apigateway:${s.region}::${path}`;
  const cloudMap = (type: string) => `arn:aws:servicediscovery:${s.region}:${s.accountId}:${type}/*`;
  return [
    {
      sid: 'VpcLinksAndDomains',
      actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
      resources: [apigw('/vpclinks'), apigw('/vpclinks/*'), apigw('/domainnames'), apigw('/domainnames/*')],
    },
    {
      // The VPC link's network interfaces are API Gateway's, made with its service-linked role.
      sid: 'ApiGatewayServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [`arn:aws:iam::${s.accountId}:role/aws-service-role/ops.apigateway.amazonaws.com/*`],
      conditions: { StringEquals: { 'iam:AWSServiceName': 'ops.apigateway.amazonaws.com' } },
    },
    {
      // Namespace and service ids are server-generated: a deploy makes and manages only those tagged with its env.
      sid: 'CreateTaggedNamespaces',
      actions: ['servicediscovery:CreatePrivateDnsNamespace'],
      resources: ['*'],
      conditions: { StringLike: { 'aws:RequestTag/env': s.envTags } },
    },
    {
      // CreateService is authorized on the new service (here) and on its namespace (below).
      sid: 'CreateTaggedServices',
      actions: ['servicediscovery:CreateService'],
      resources: [cloudMap('service')],
      conditions: { StringLike: { 'aws:RequestTag/env': s.envTags } },
    },
    {
      sid: 'OwnNamespacesAndServices',
      actions: [
        'servicediscovery:CreateService',
        'servicediscovery:GetNamespace',
        'servicediscovery:GetOperation',
        'servicediscovery:UpdatePrivateDnsNamespace',
        'servicediscovery:DeleteNamespace',
        'servicediscovery:GetService',
        'servicediscovery:UpdateService',
        'servicediscovery:DeleteService',
      ],
      resources: [cloudMap('namespace'), cloudMap('service')],
      conditions: { StringLike: { 'aws:ResourceTag/env': s.envTags } },
    },
    {
      sid: 'NamespaceTags',
      actions: ['servicediscovery:ListTagsForResource', 'servicediscovery:TagResource', 'servicediscovery:UntagResource'],
      resources: ['*'],
    },
    {
      // Cloud Map makes and removes a namespace's private zone with the caller's permissions.
      // Only zones made with a VPC (private ones) can be created this way.
      sid: 'CloudMapPrivateZones',
      actions: ['route53:CreateHostedZone'],
      resources: ['*'],
      conditions: { Null: { 'route53:VPCs': 'false' } },
    },
    { sid: 'CloudMapZoneLookups', actions: ['route53:ListHostedZonesByName', 'ec2:DescribeRegions'], resources: ['*'] },
    { sid: 'CloudMapZones', actions: ['route53:GetHostedZone', 'route53:DeleteHostedZone'], resources: ['arn:aws:route53:::hostedzone/*'] },
    ...(s.hostedZoneId
      ? [
          // The env's public zone was made by a person (docs/first-apply.md) and outlives every deploy.
          {
            sid: 'KeepThePublicZone',
            effect: 'Deny' as const,
            actions: ['route53:DeleteHostedZone'],
            resources: [`arn:aws:route53:::hostedzone/${s.hostedZoneId}`],
          },
        ]
      : []),
  ];
}
