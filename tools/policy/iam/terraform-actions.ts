/**
 * What Terraform (hashicorp/aws 6.x) calls to create, read (refresh), update and delete each
 * resource type the deploy role applies, as the provider's resource documentation and
 * implementation describe them. One reviewed file: a resource type in the synthesized JSON
 * without an entry here fails tools/policy/iam/deploy-role.spec.ts, and every action is checked to
 * exist in AWS's service authorization data.
 *
 * `resource` builds the ARN a call is authorized against from the resource's own configuration
 * (names are literal in Relay's stacks; server-generated ids are stood in for).
 */
export interface ResourceContext {
  region: string;
  account: string;
  /** The configuration of a resource referenced as ${type.name.attribute}. */
  config(reference: unknown): Record<string, unknown>;
}

export interface ApiCall {
  action: string;
  /** The ARN the call is authorized against; "*" for calls AWS authorizes only on "*". */
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface ResourceCalls {
  create: ApiCall[];
  read: ApiCall[];
  update: ApiCall[];
  delete: ApiCall[];
}

type Builder = (config: Record<string, unknown>, ctx: ResourceContext) => ResourceCalls;

const on = (resource: string, ...actions: string[]): ApiCall[] => actions.map((action) => ({ action, resource }));
const star = (...actions: string[]): ApiCall[] => on('*', ...actions);
const str = (value: unknown) => String(value);
const STANDIN_ID = 'stand-in-0123456789';

const roleArn = (ctx: ResourceContext, reference: unknown) => `arn:aws:iam::${ctx.account}:role/${str(ctx.config(reference)['name'])}`;
/** iam:PassRole as AWS authorizes it: on the role, naming the service that receives it. */
const passRole = (ctx: ResourceContext, service: string, ...references: unknown[]): ApiCall[] =>
  references.filter(Boolean).map((r) => ({ action: 'iam:PassRole', resource: roleArn(ctx, r), context: { 'iam:PassedToService': service } }));
/** IAM role writes carry the role's permissions boundary (iam:PermissionsBoundary) in their request context. */
const withBoundary = (calls: ApiCall[], boundary: unknown): ApiCall[] =>
  boundary === undefined ? calls : calls.map((call) => ({ ...call, context: { ...call.context, 'iam:PermissionsBoundary': str(boundary) } }));
const serviceLinkedRole = (ctx: ResourceContext, service: string): ApiCall => ({
  action: 'iam:CreateServiceLinkedRole',
  resource: `arn:aws:iam::${ctx.account}:role/aws-service-role/${service}/stand-in`,
  context: { 'iam:AWSServiceName': service },
});

/** The request context of a call on a resource whose deploy grant is scoped by its env tag (keys, Cloud Map). */
const envTagOf = (config: Record<string, unknown>) => ({ 'aws:ResourceTag/env': str((config['tags'] as Record<string, unknown> | undefined)?.['env']) });

/**
 * The tags a resource carries (TaggingAspect) as IAM sees them: on its creation as the request's
 * (aws:RequestTag), on every later call as the resource's own (aws:ResourceTag).
 */
const tagContext = (config: Record<string, unknown>, as: 'Request' | 'Resource'): Record<string, string> =>
  Object.fromEntries(Object.entries((config['tags'] as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [`aws:${as}Tag/${k}`, str(v)]));
const withContext = (calls: ApiCall[], context: Record<string, string | string[]>): ApiCall[] =>
  calls.map((call) => ({ ...call, context: { ...call.context, ...context } }));

const apigw = (ctx: ResourceContext, path: string) => `arn:aws:apigateway:${ctx.region}::${path}`;
/** The API's id is server-generated: every child of the one API in a stack stands in with this. */
const STANDIN_API = 'a1b2c3';
const apiChild =
  (kind: string): Builder =>
  (_config, ctx) => {
    const base = `/apis/${STANDIN_API}/${kind}`;
    return {
      create: on(apigw(ctx, base), 'apigateway:POST'),
      read: on(apigw(ctx, `${base}/${STANDIN_ID}`), 'apigateway:GET'),
      update: on(apigw(ctx, `${base}/${STANDIN_ID}`), 'apigateway:PATCH'),
      delete: on(apigw(ctx, `${base}/${STANDIN_ID}`), 'apigateway:DELETE'),
    };
  };

const bucketOf = (config: Record<string, unknown>, ctx: ResourceContext) => `arn:aws:s3:::${str(ctx.config(config['bucket'])['bucket'])}`;
const bucketSetting =
  (put: string, get: string, remove?: string): Builder =>
  (config, ctx) => {
    const bucket = bucketOf(config, ctx);
    return { create: on(bucket, put, get), read: on(bucket, get), update: on(bucket, put), delete: remove ? on(bucket, remove) : on(bucket, put) };
  };

const ec2 = (ctx: ResourceContext, type: string) => `arn:aws:ec2:${ctx.region}:${ctx.account}:${type}/${type}-${STANDIN_ID}`;

/** A security group's ingress or egress rule: authorized on the group it belongs to, which carries that group's tags. */
const securityGroupRule =
  (direction: 'Ingress' | 'Egress'): Builder =>
  (c, ctx) => {
    const tagged = tagContext(ctx.config(c['security_group_id']), 'Resource');
    const group = ec2(ctx, 'security-group');
    return {
      create: [...withContext(on(group, `ec2:AuthorizeSecurityGroup${direction}`), tagged), ...star('ec2:DescribeSecurityGroupRules')],
      read: star('ec2:DescribeSecurityGroupRules'),
      update: withContext(on(group, `ec2:RevokeSecurityGroup${direction}`, `ec2:AuthorizeSecurityGroup${direction}`), tagged),
      delete: withContext(on(group, `ec2:RevokeSecurityGroup${direction}`), tagged),
    };
  };

export const TERRAFORM_ACTIONS: Record<string, Builder> = {
  aws_dynamodb_table: (c, ctx) => {
    const table = `arn:aws:dynamodb:${ctx.region}:${ctx.account}:table/${str(c['name'])}`;
    const reads = ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive', 'dynamodb:DescribeContinuousBackups', 'dynamodb:ListTagsOfResource'];
    return {
      create: on(table, 'dynamodb:CreateTable', 'dynamodb:UpdateTimeToLive', 'dynamodb:UpdateContinuousBackups', 'dynamodb:TagResource', ...reads),
      read: on(table, ...reads),
      update: on(
        table,
        'dynamodb:UpdateTable',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:TagResource',
        'dynamodb:UntagResource',
      ),
      delete: on(table, 'dynamodb:DeleteTable', 'dynamodb:DescribeTable'),
    };
  },
  aws_lambda_function: (c, ctx) => {
    const fn = `arn:aws:lambda:${ctx.region}:${ctx.account}:function:${str(c['function_name'])}`;
    const reads = [
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:ListVersionsByFunction',
      'lambda:GetFunctionConcurrency',
      'lambda:GetRuntimeManagementConfig',
      'lambda:GetFunctionRecursionConfig',
    ];
    return {
      create: [
        ...on(fn, 'lambda:CreateFunction', 'lambda:PutFunctionConcurrency', 'lambda:TagResource', ...reads),
        ...passRole(ctx, 'lambda.amazonaws.com', c['role']),
      ],
      read: on(fn, ...reads),
      update: [
        ...on(
          fn,
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
          'lambda:PutFunctionConcurrency',
          'lambda:DeleteFunctionConcurrency',
          'lambda:TagResource',
          'lambda:UntagResource',
        ),
        ...passRole(ctx, 'lambda.amazonaws.com', c['role']),
      ],
      delete: on(fn, 'lambda:DeleteFunction'),
    };
  },
  aws_lambda_permission: (c, ctx) => {
    const fn = `arn:aws:lambda:${ctx.region}:${ctx.account}:function:${str(ctx.config(c['function_name'])['function_name'])}`;
    return {
      create: on(fn, 'lambda:AddPermission', 'lambda:GetPolicy'),
      read: on(fn, 'lambda:GetPolicy'),
      update: [],
      delete: on(fn, 'lambda:RemovePermission'),
    };
  },
  aws_lambda_event_source_mapping: (c, ctx) => {
    const fnArn = `arn:aws:lambda:${ctx.region}:${ctx.account}:function:${str(ctx.config(c['function_name'])['function_name'])}`;
    const mapping = `arn:aws:lambda:${ctx.region}:${ctx.account}:event-source-mapping:${STANDIN_ID}`;
    return {
      create: [
        { action: 'lambda:CreateEventSourceMapping', resource: '*', context: { 'lambda:FunctionArn': fnArn } },
        ...on(mapping, 'lambda:GetEventSourceMapping'),
      ],
      read: on(mapping, 'lambda:GetEventSourceMapping'),
      update: on(mapping, 'lambda:UpdateEventSourceMapping'),
      delete: on(mapping, 'lambda:DeleteEventSourceMapping', 'lambda:GetEventSourceMapping'),
    };
  },
  aws_iam_role: (c, ctx) => {
    const role = `arn:aws:iam::${ctx.account}:role/${str(c['name'])}`;
    const reads = ['iam:GetRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'];
    const boundary = c['permissions_boundary'];
    return {
      create: withBoundary(on(role, 'iam:CreateRole', 'iam:TagRole', ...reads), boundary),
      read: on(role, ...reads),
      // A role created before it had a boundary gets it first (PutRolePermissionsBoundary).
      update: withBoundary(
        on(role, 'iam:PutRolePermissionsBoundary', 'iam:UpdateAssumeRolePolicy', 'iam:UpdateRole', 'iam:TagRole', 'iam:UntagRole'),
        boundary,
      ),
      delete: withBoundary(
        on(role, 'iam:DeleteRole', 'iam:ListInstanceProfilesForRole', 'iam:ListRolePolicies', 'iam:DeleteRolePolicy', 'iam:ListAttachedRolePolicies'),
        boundary,
      ),
    };
  },
  aws_iam_role_policy: (c, ctx) => {
    const role = roleArn(ctx, c['role']);
    const boundary = ctx.config(c['role'])['permissions_boundary'];
    return {
      create: withBoundary(on(role, 'iam:PutRolePolicy', 'iam:GetRolePolicy'), boundary),
      read: on(role, 'iam:GetRolePolicy'),
      update: withBoundary(on(role, 'iam:PutRolePolicy'), boundary),
      delete: withBoundary(on(role, 'iam:DeleteRolePolicy'), boundary),
    };
  },
  aws_cloudwatch_log_group: (c, ctx) => {
    const group = `arn:aws:logs:${ctx.region}:${ctx.account}:log-group:${str(c['name'])}`;
    return {
      create: [
        ...on(group, 'logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:TagResource', 'logs:ListTagsForResource'),
        ...star('logs:DescribeLogGroups'),
      ],
      read: [...star('logs:DescribeLogGroups'), ...on(group, 'logs:ListTagsForResource')],
      update: on(group, 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:TagResource', 'logs:UntagResource'),
      delete: on(group, 'logs:DeleteLogGroup'),
    };
  },
  aws_cloudwatch_metric_alarm: (c, ctx) => {
    const alarm = `arn:aws:cloudwatch:${ctx.region}:${ctx.account}:alarm:${str(c['alarm_name'])}`;
    return {
      create: on(alarm, 'cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:TagResource', 'cloudwatch:ListTagsForResource'),
      read: on(alarm, 'cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'),
      update: on(alarm, 'cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'),
      delete: on(alarm, 'cloudwatch:DeleteAlarms'),
    };
  },
  aws_cloudwatch_dashboard: (c, ctx) => {
    const dashboard = `arn:aws:cloudwatch::${ctx.account}:dashboard/${str(c['dashboard_name'])}`;
    return {
      create: on(dashboard, 'cloudwatch:PutDashboard', 'cloudwatch:GetDashboard'),
      read: on(dashboard, 'cloudwatch:GetDashboard'),
      update: on(dashboard, 'cloudwatch:PutDashboard'),
      delete: on(dashboard, 'cloudwatch:DeleteDashboards'),
    };
  },
  aws_kms_key: (c, ctx) => {
    const key = `arn:aws:kms:${ctx.region}:${ctx.account}:key/${STANDIN_ID}`;
    const tagged = envTagOf(c);
    const onKey = (...actions: string[]) => actions.map((action) => ({ action, resource: key, context: tagged }));
    const reads = ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'];
    return {
      create: [
        { action: 'kms:CreateKey', resource: '*', context: { 'aws:RequestTag/env': tagged['aws:ResourceTag/env'] } },
        ...onKey('kms:EnableKeyRotation', ...reads),
      ],
      read: onKey(...reads),
      update: onKey('kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:UpdateKeyDescription', 'kms:TagResource', 'kms:UntagResource'),
      delete: onKey('kms:ScheduleKeyDeletion', 'kms:DescribeKey'),
    };
  },
  aws_kms_alias: (c, ctx) => {
    const alias = `arn:aws:kms:${ctx.region}:${ctx.account}:${str(c['name'])}`;
    const keyConfig = ctx.config(c['target_key_id']);
    const key = {
      resource: `arn:aws:kms:${ctx.region}:${ctx.account}:key/${STANDIN_ID}`,
      context: envTagOf(keyConfig),
    };
    // AWS authorizes an alias call on the alias and on the key it names.
    const both = (action: string): ApiCall[] => [
      { action, resource: alias },
      { action, ...key },
    ];
    return { create: both('kms:CreateAlias'), read: star('kms:ListAliases'), update: both('kms:UpdateAlias'), delete: both('kms:DeleteAlias') };
  },
  aws_sns_topic: (c, ctx) => {
    const topic = `arn:aws:sns:${ctx.region}:${ctx.account}:${str(c['name'])}`;
    return {
      create: on(topic, 'sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:GetTopicAttributes', 'sns:TagResource', 'sns:ListTagsForResource'),
      read: on(topic, 'sns:GetTopicAttributes', 'sns:ListTagsForResource'),
      update: on(topic, 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource'),
      delete: on(topic, 'sns:DeleteTopic'),
    };
  },
  aws_budgets_budget: (c, ctx) => {
    // Budgets is global: its ARNs carry no region. Create, update and delete are all ModifyBudget.
    const budget = `arn:aws:budgets::${ctx.account}:budget/${str(c['name'])}`;
    const reads = ['budgets:ViewBudget', 'budgets:ListTagsForResource'];
    return {
      create: on(budget, 'budgets:ModifyBudget', 'budgets:TagResource', ...reads),
      read: on(budget, ...reads),
      update: on(budget, 'budgets:ModifyBudget', 'budgets:TagResource', 'budgets:UntagResource'),
      delete: on(budget, 'budgets:ModifyBudget'),
    };
  },
  aws_sns_topic_subscription: (c, ctx) => {
    const topic = `arn:aws:sns:${ctx.region}:${ctx.account}:${str(ctx.config(c['topic_arn'])['name'])}`;
    const subscription = `${topic}:${STANDIN_ID}`;
    return {
      create: [...on(topic, 'sns:Subscribe'), ...on(subscription, 'sns:GetSubscriptionAttributes')],
      read: on(subscription, 'sns:GetSubscriptionAttributes'),
      update: on(subscription, 'sns:SetSubscriptionAttributes'),
      delete: on(subscription, 'sns:Unsubscribe'),
    };
  },
  aws_sqs_queue: (c, ctx) => {
    const queue = `arn:aws:sqs:${ctx.region}:${ctx.account}:${str(c['name'])}`;
    return {
      create: on(queue, 'sqs:CreateQueue', 'sqs:GetQueueAttributes', 'sqs:TagQueue', 'sqs:ListQueueTags'),
      read: on(queue, 'sqs:GetQueueAttributes', 'sqs:ListQueueTags'),
      update: on(queue, 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'),
      delete: on(queue, 'sqs:DeleteQueue'),
    };
  },
  aws_ssm_parameter: (c, ctx) => {
    const parameter = `arn:aws:ssm:${ctx.region}:${ctx.account}:parameter${str(c['name'])}`;
    return {
      create: [...on(parameter, 'ssm:PutParameter', 'ssm:AddTagsToResource', 'ssm:GetParameter', 'ssm:ListTagsForResource'), ...star('ssm:DescribeParameters')],
      read: [...on(parameter, 'ssm:GetParameter', 'ssm:ListTagsForResource'), ...star('ssm:DescribeParameters')],
      update: on(parameter, 'ssm:PutParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'),
      delete: on(parameter, 'ssm:DeleteParameter'),
    };
  },
  aws_apigatewayv2_api: (_c, ctx) => ({
    create: [...on(apigw(ctx, '/apis'), 'apigateway:POST'), ...on(apigw(ctx, `/tags/${STANDIN_ID}`), 'apigateway:POST')],
    read: on(apigw(ctx, `/apis/${STANDIN_API}`), 'apigateway:GET'),
    update: [...on(apigw(ctx, `/apis/${STANDIN_API}`), 'apigateway:PATCH'), ...on(apigw(ctx, `/tags/${STANDIN_ID}`), 'apigateway:POST', 'apigateway:DELETE')],
    delete: on(apigw(ctx, `/apis/${STANDIN_API}`), 'apigateway:DELETE'),
  }),
  aws_apigatewayv2_deployment: apiChild('deployments'),
  aws_apigatewayv2_integration: apiChild('integrations'),
  aws_apigatewayv2_route: apiChild('routes'),
  aws_apigatewayv2_route_response: (c, ctx) => apiChild(`routes/${STANDIN_ID}/routeresponses`)(c, ctx),
  aws_apigatewayv2_stage: apiChild('stages'),
  aws_apigatewayv2_vpc_link: (_c, ctx) => {
    const link = apigw(ctx, `/vpclinks/${STANDIN_ID}`);
    return {
      // API Gateway makes the link's network interfaces with its own service-linked role.
      create: [...on(apigw(ctx, '/vpclinks'), 'apigateway:POST'), ...on(link, 'apigateway:GET'), serviceLinkedRole(ctx, 'ops.apigateway.amazonaws.com')],
      read: on(link, 'apigateway:GET'),
      update: [...on(link, 'apigateway:PATCH'), ...on(apigw(ctx, `/tags/${STANDIN_ID}`), 'apigateway:POST', 'apigateway:DELETE')],
      delete: on(link, 'apigateway:DELETE', 'apigateway:GET'),
    };
  },
  aws_apigatewayv2_domain_name: (c, ctx) => {
    const domain = apigw(ctx, `/domainnames/${str(c['domain_name'])}`);
    return {
      create: [...on(apigw(ctx, '/domainnames'), 'apigateway:POST'), ...on(domain, 'apigateway:GET')],
      read: on(domain, 'apigateway:GET'),
      update: [...on(domain, 'apigateway:PATCH'), ...on(apigw(ctx, `/tags/${STANDIN_ID}`), 'apigateway:POST', 'apigateway:DELETE')],
      delete: on(domain, 'apigateway:DELETE'),
    };
  },
  aws_apigatewayv2_api_mapping: (c, ctx) => {
    const mappings = `/domainnames/${str(ctx.config(c['domain_name'])['domain_name'])}/apimappings`;
    return {
      create: [...on(apigw(ctx, mappings), 'apigateway:POST'), ...on(apigw(ctx, `${mappings}/${STANDIN_ID}`), 'apigateway:GET')],
      read: on(apigw(ctx, `${mappings}/${STANDIN_ID}`), 'apigateway:GET'),
      update: on(apigw(ctx, `${mappings}/${STANDIN_ID}`), 'apigateway:PATCH'),
      delete: on(apigw(ctx, `${mappings}/${STANDIN_ID}`), 'apigateway:DELETE'),
    };
  },
  aws_service_discovery_private_dns_namespace: (c, ctx) => {
    const namespace = `arn:aws:servicediscovery:${ctx.region}:${ctx.account}:namespace/ns-${STANDIN_ID}`;
    const tagged = envTagOf(c);
    const onNamespace = (...actions: string[]) => actions.map((action) => ({ action, resource: namespace, context: tagged }));
    const zone = `arn:aws:route53:::hostedzone/Z${STANDIN_ID}`;
    return {
      // Cloud Map makes the namespace's private zone with the caller's own Route 53 permissions
      // (docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html).
      create: [
        { action: 'servicediscovery:CreatePrivateDnsNamespace', resource: '*', context: { 'aws:RequestTag/env': tagged['aws:ResourceTag/env'] } },
        { action: 'route53:CreateHostedZone', resource: '*', context: { 'route53:VPCs': str(c['vpc']) } },
        ...on(zone, 'route53:GetHostedZone'),
        ...star(
          'route53:ListHostedZonesByName',
          'ec2:DescribeVpcs',
          'ec2:DescribeRegions',
          'servicediscovery:ListTagsForResource',
          'servicediscovery:TagResource',
        ),
        ...onNamespace('servicediscovery:GetOperation', 'servicediscovery:GetNamespace'),
      ],
      read: [...onNamespace('servicediscovery:GetNamespace'), ...star('servicediscovery:ListTagsForResource')],
      update: [
        ...onNamespace('servicediscovery:UpdatePrivateDnsNamespace', 'servicediscovery:GetOperation'),
        ...star('servicediscovery:TagResource', 'servicediscovery:UntagResource'),
      ],
      delete: [...onNamespace('servicediscovery:DeleteNamespace', 'servicediscovery:GetOperation'), ...on(zone, 'route53:DeleteHostedZone')],
    };
  },
  aws_service_discovery_service: (c, ctx) => {
    const service = `arn:aws:servicediscovery:${ctx.region}:${ctx.account}:service/srv-${STANDIN_ID}`;
    const namespace = `arn:aws:servicediscovery:${ctx.region}:${ctx.account}:namespace/ns-${STANDIN_ID}`;
    const tagged = envTagOf(c);
    const onService = (...actions: string[]) => actions.map((action) => ({ action, resource: service, context: tagged }));
    return {
      // CreateService is authorized on the namespace it goes into and on the new service.
      create: [
        { action: 'servicediscovery:CreateService', resource: namespace, context: { ...tagged, 'aws:RequestTag/env': tagged['aws:ResourceTag/env'] } },
        { action: 'servicediscovery:CreateService', resource: service, context: { 'aws:RequestTag/env': tagged['aws:ResourceTag/env'] } },
        ...onService('servicediscovery:GetService'),
        ...star('servicediscovery:ListTagsForResource', 'servicediscovery:TagResource'),
      ],
      read: [...onService('servicediscovery:GetService'), ...star('servicediscovery:ListTagsForResource')],
      update: [
        ...onService('servicediscovery:UpdateService', 'servicediscovery:GetOperation'),
        ...star('servicediscovery:TagResource', 'servicediscovery:UntagResource'),
      ],
      delete: onService('servicediscovery:DeleteService'),
    };
  },
  aws_ecr_repository: (c, ctx) => {
    const repository = `arn:aws:ecr:${ctx.region}:${ctx.account}:repository/${str(c['name'])}`;
    const reads = ['ecr:DescribeRepositories', 'ecr:ListTagsForResource'];
    return {
      create: on(repository, 'ecr:CreateRepository', 'ecr:TagResource', ...reads),
      read: on(repository, ...reads),
      update: on(repository, 'ecr:PutImageScanningConfiguration', 'ecr:PutImageTagMutability', 'ecr:TagResource', 'ecr:UntagResource'),
      delete: on(repository, 'ecr:DeleteRepository'),
    };
  },
  aws_ecr_lifecycle_policy: (c, ctx) => {
    const repository = `arn:aws:ecr:${ctx.region}:${ctx.account}:repository/${str(ctx.config(c['repository'])['name'])}`;
    return {
      create: on(repository, 'ecr:PutLifecyclePolicy', 'ecr:GetLifecyclePolicy'),
      read: on(repository, 'ecr:GetLifecyclePolicy'),
      update: on(repository, 'ecr:PutLifecyclePolicy'),
      delete: on(repository, 'ecr:DeleteLifecyclePolicy'),
    };
  },
  aws_ecs_cluster: (c, ctx) => {
    const cluster = `arn:aws:ecs:${ctx.region}:${ctx.account}:cluster/${str(c['name'])}`;
    return {
      create: [...on(cluster, 'ecs:CreateCluster', 'ecs:DescribeClusters', 'ecs:TagResource'), serviceLinkedRole(ctx, 'ecs.amazonaws.com')],
      read: on(cluster, 'ecs:DescribeClusters', 'ecs:ListTagsForResource'),
      update: on(cluster, 'ecs:UpdateClusterSettings', 'ecs:TagResource', 'ecs:UntagResource'),
      delete: on(cluster, 'ecs:DeleteCluster', 'ecs:DescribeClusters'),
    };
  },
  aws_ecs_cluster_capacity_providers: (c, ctx) => {
    const cluster = `arn:aws:ecs:${ctx.region}:${ctx.account}:cluster/${str(ctx.config(c['cluster_name'])['name'])}`;
    return {
      create: on(cluster, 'ecs:PutClusterCapacityProviders', 'ecs:DescribeClusters'),
      read: on(cluster, 'ecs:DescribeClusters'),
      update: on(cluster, 'ecs:PutClusterCapacityProviders'),
      delete: on(cluster, 'ecs:PutClusterCapacityProviders'),
    };
  },
  aws_ecs_service: (c, ctx) => {
    const cluster = str(ctx.config(c['cluster'])['name']);
    const service = `arn:aws:ecs:${ctx.region}:${ctx.account}:service/${cluster}/${str(c['name'])}`;
    // Creating or redeploying a service names its task definition (ecs:task-definition): a
    // definition of the stack's own, or one it looked up by family (data source).
    const definition = ctx.config(c['task_definition']);
    const family = str(definition['family'] ?? definition['task_definition']);
    const runs = { 'ecs:task-definition': `arn:aws:ecs:${ctx.region}:${ctx.account}:task-definition/${family}:1` };
    return {
      create: [...withContext(on(service, 'ecs:CreateService'), runs), ...on(service, 'ecs:DescribeServices', 'ecs:TagResource')],
      read: on(service, 'ecs:DescribeServices', 'ecs:ListTagsForResource'),
      update: [...withContext(on(service, 'ecs:UpdateService'), runs), ...on(service, 'ecs:DescribeServices', 'ecs:TagResource', 'ecs:UntagResource')],
      delete: on(service, 'ecs:UpdateService', 'ecs:DeleteService', 'ecs:DescribeServices'),
    };
  },
  aws_ecs_task_definition: (c, ctx) => {
    const family = `arn:aws:ecs:${ctx.region}:${ctx.account}:task-definition/${str(c['family'])}:1`;
    return {
      create: [
        ...on(family, 'ecs:RegisterTaskDefinition', 'ecs:TagResource'),
        ...star('ecs:DescribeTaskDefinition'),
        ...passRole(ctx, 'ecs-tasks.amazonaws.com', c['execution_role_arn'], c['task_role_arn']),
      ],
      read: [...star('ecs:DescribeTaskDefinition'), ...on(family, 'ecs:ListTagsForResource')],
      update: on(family, 'ecs:TagResource', 'ecs:UntagResource'),
      delete: star('ecs:DeregisterTaskDefinition'),
    };
  },
  aws_appautoscaling_target: (c, ctx) => {
    const target = `arn:aws:application-autoscaling:${ctx.region}:${ctx.account}:scalable-target/${STANDIN_ID}`;
    const tagged = tagContext(c, 'Resource');
    return {
      create: [
        ...withContext(on(target, 'application-autoscaling:RegisterScalableTarget', 'application-autoscaling:TagResource'), tagContext(c, 'Request')),
        ...star('application-autoscaling:DescribeScalableTargets'),
        serviceLinkedRole(ctx, 'ecs.application-autoscaling.amazonaws.com'),
      ],
      read: [...star('application-autoscaling:DescribeScalableTargets'), ...withContext(on(target, 'application-autoscaling:ListTagsForResource'), tagged)],
      update: withContext(
        on(target, 'application-autoscaling:RegisterScalableTarget', 'application-autoscaling:TagResource', 'application-autoscaling:UntagResource'),
        tagged,
      ),
      delete: withContext(on(target, 'application-autoscaling:DeregisterScalableTarget'), tagged),
    };
  },
  aws_appautoscaling_policy: (c, ctx) => {
    const target = `arn:aws:application-autoscaling:${ctx.region}:${ctx.account}:scalable-target/${STANDIN_ID}`;
    // A policy is authorized on its scalable target, and carries that target's tags.
    const tagged = tagContext(ctx.config(c['resource_id']), 'Resource');
    return {
      create: [...withContext(on(target, 'application-autoscaling:PutScalingPolicy'), tagged), ...star('application-autoscaling:DescribeScalingPolicies')],
      read: star('application-autoscaling:DescribeScalingPolicies'),
      update: withContext(on(target, 'application-autoscaling:PutScalingPolicy'), tagged),
      delete: withContext(on(target, 'application-autoscaling:DeleteScalingPolicy'), tagged),
    };
  },
  aws_scheduler_schedule_group: (c, ctx) => {
    const group = `arn:aws:scheduler:${ctx.region}:${ctx.account}:schedule-group/${str(c['name'])}`;
    return {
      create: on(group, 'scheduler:CreateScheduleGroup', 'scheduler:GetScheduleGroup', 'scheduler:TagResource'),
      read: on(group, 'scheduler:GetScheduleGroup', 'scheduler:ListTagsForResource'),
      update: on(group, 'scheduler:TagResource', 'scheduler:UntagResource'),
      delete: on(group, 'scheduler:DeleteScheduleGroup', 'scheduler:GetScheduleGroup'),
    };
  },
  aws_scheduler_schedule: (c, ctx) => {
    const group = str(ctx.config(c['group_name'])['name']);
    const schedule = `arn:aws:scheduler:${ctx.region}:${ctx.account}:schedule/${group}/${STANDIN_ID}`;
    const target = (c['target'] as Record<string, unknown>[] | Record<string, unknown> | undefined) ?? {};
    const role = (Array.isArray(target) ? target[0] : target)?.['role_arn'];
    return {
      create: [...on(schedule, 'scheduler:CreateSchedule', 'scheduler:GetSchedule'), ...passRole(ctx, 'scheduler.amazonaws.com', role)],
      read: on(schedule, 'scheduler:GetSchedule'),
      update: [...on(schedule, 'scheduler:UpdateSchedule'), ...passRole(ctx, 'scheduler.amazonaws.com', role)],
      delete: on(schedule, 'scheduler:DeleteSchedule'),
    };
  },
  aws_lb: (c, ctx) => {
    const lb = `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account}:loadbalancer/app/${str(c['name'])}/${STANDIN_ID}`;
    const reads = star(
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeLoadBalancerAttributes',
      'elasticloadbalancing:DescribeTags',
    );
    return {
      create: [
        ...on(lb, 'elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:AddTags'),
        ...reads,
        serviceLinkedRole(ctx, 'elasticloadbalancing.amazonaws.com'),
      ],
      read: reads,
      update: on(
        lb,
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
      ),
      delete: on(lb, 'elasticloadbalancing:DeleteLoadBalancer'),
    };
  },
  aws_lb_target_group: (c, ctx) => {
    const group = `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account}:targetgroup/${str(c['name'])}/${STANDIN_ID}`;
    const reads = star('elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTags');
    return {
      create: [
        ...on(group, 'elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:AddTags'),
        ...reads,
      ],
      read: reads,
      update: on(
        group,
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
      ),
      delete: on(group, 'elasticloadbalancing:DeleteTargetGroup'),
    };
  },
  aws_lb_listener: (c, ctx) => {
    const lbName = str(ctx.config(c['load_balancer_arn'])['name']);
    const lb = `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account}:loadbalancer/app/${lbName}/${STANDIN_ID}`;
    const listener = `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account}:listener/app/${lbName}/${STANDIN_ID}/${STANDIN_ID}`;
    const reads = star('elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeTags');
    return {
      create: [...on(lb, 'elasticloadbalancing:CreateListener'), ...on(listener, 'elasticloadbalancing:AddTags'), ...reads],
      read: reads,
      update: on(listener, 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'),
      delete: on(listener, 'elasticloadbalancing:DeleteListener'),
    };
  },
  aws_vpc: (_c, ctx) => ({
    create: [
      ...on(ec2(ctx, 'vpc'), 'ec2:CreateVpc', 'ec2:ModifyVpcAttribute', 'ec2:DescribeVpcAttribute', 'ec2:CreateTags'),
      ...star('ec2:DescribeVpcs', 'ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkAcls'),
    ],
    read: [
      ...on(ec2(ctx, 'vpc'), 'ec2:DescribeVpcAttribute'),
      ...star('ec2:DescribeVpcs', 'ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkAcls'),
    ],
    update: on(ec2(ctx, 'vpc'), 'ec2:ModifyVpcAttribute', 'ec2:CreateTags', 'ec2:DeleteTags'),
    delete: on(ec2(ctx, 'vpc'), 'ec2:DeleteVpc'),
  }),
  aws_subnet: (_c, ctx) => ({
    create: [
      ...on(ec2(ctx, 'subnet'), 'ec2:CreateSubnet', 'ec2:ModifySubnetAttribute', 'ec2:CreateTags'),
      ...on(ec2(ctx, 'vpc'), 'ec2:CreateSubnet'),
      ...star('ec2:DescribeSubnets'),
    ],
    read: star('ec2:DescribeSubnets'),
    update: on(ec2(ctx, 'subnet'), 'ec2:ModifySubnetAttribute', 'ec2:CreateTags', 'ec2:DeleteTags'),
    delete: [...on(ec2(ctx, 'subnet'), 'ec2:DeleteSubnet'), ...star('ec2:DescribeNetworkInterfaces')],
  }),
  aws_internet_gateway: (_c, ctx) => ({
    create: [
      ...on(ec2(ctx, 'internet-gateway'), 'ec2:CreateInternetGateway', 'ec2:AttachInternetGateway', 'ec2:CreateTags'),
      ...on(ec2(ctx, 'vpc'), 'ec2:AttachInternetGateway'),
      ...star('ec2:DescribeInternetGateways'),
    ],
    read: star('ec2:DescribeInternetGateways'),
    update: on(ec2(ctx, 'internet-gateway'), 'ec2:CreateTags', 'ec2:DeleteTags'),
    delete: [
      ...on(ec2(ctx, 'internet-gateway'), 'ec2:DetachInternetGateway', 'ec2:DeleteInternetGateway'),
      ...on(ec2(ctx, 'vpc'), 'ec2:DetachInternetGateway'),
    ],
  }),
  aws_route_table: (_c, ctx) => ({
    create: [
      ...on(ec2(ctx, 'route-table'), 'ec2:CreateRouteTable', 'ec2:CreateTags'),
      ...on(ec2(ctx, 'vpc'), 'ec2:CreateRouteTable'),
      ...star('ec2:DescribeRouteTables'),
    ],
    read: star('ec2:DescribeRouteTables'),
    update: on(ec2(ctx, 'route-table'), 'ec2:CreateTags', 'ec2:DeleteTags'),
    delete: on(ec2(ctx, 'route-table'), 'ec2:DeleteRouteTable'),
  }),
  aws_route: (_c, ctx) => ({
    create: [...on(ec2(ctx, 'route-table'), 'ec2:CreateRoute'), ...star('ec2:DescribeRouteTables')],
    read: star('ec2:DescribeRouteTables'),
    update: on(ec2(ctx, 'route-table'), 'ec2:CreateRoute', 'ec2:DeleteRoute'),
    delete: on(ec2(ctx, 'route-table'), 'ec2:DeleteRoute'),
  }),
  aws_route_table_association: (_c, ctx) => ({
    create: [
      ...on(ec2(ctx, 'route-table'), 'ec2:AssociateRouteTable'),
      ...on(ec2(ctx, 'subnet'), 'ec2:AssociateRouteTable'),
      ...star('ec2:DescribeRouteTables'),
    ],
    read: star('ec2:DescribeRouteTables'),
    update: on(ec2(ctx, 'route-table'), 'ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable'),
    delete: on(ec2(ctx, 'route-table'), 'ec2:DisassociateRouteTable'),
  }),
  aws_security_group: (c, ctx) => {
    const group = ec2(ctx, 'security-group');
    const tagged = tagContext(c, 'Resource');
    return {
      create: [
        // Created with its tags (TagSpecifications): CreateTags is authorized as part of the create.
        ...withContext(on(group, 'ec2:CreateSecurityGroup'), tagContext(c, 'Request')),
        ...withContext(on(group, 'ec2:CreateTags'), { ...tagContext(c, 'Request'), 'ec2:CreateAction': 'CreateSecurityGroup' }),
        ...withContext(on(group, 'ec2:RevokeSecurityGroupEgress'), tagged),
        ...on(ec2(ctx, 'vpc'), 'ec2:CreateSecurityGroup'),
        ...star('ec2:DescribeSecurityGroups'),
      ],
      read: star('ec2:DescribeSecurityGroups'),
      update: withContext(on(group, 'ec2:CreateTags', 'ec2:DeleteTags'), tagged),
      delete: [...withContext(on(group, 'ec2:DeleteSecurityGroup'), tagged), ...star('ec2:DescribeNetworkInterfaces')],
    };
  },
  aws_vpc_security_group_ingress_rule: securityGroupRule('Ingress'),
  aws_vpc_security_group_egress_rule: securityGroupRule('Egress'),
  aws_cloudfront_distribution: (c, ctx) => {
    const distribution = `arn:aws:cloudfront::${ctx.account}:distribution/${STANDIN_ID}`;
    // Standard logging: CloudFront adds its delivery grant to the log bucket's ACL as the caller.
    const logging = (c['logging_config'] as { bucket?: string } | undefined)?.bucket;
    const logGrant = logging ? on(`arn:aws:s3:::${logging.replace(/\.s3\.amazonaws\.com$/, '')}`, 's3:GetBucketAcl', 's3:PutBucketAcl') : [];
    return {
      create: [...star('cloudfront:CreateDistribution'), ...on(distribution, 'cloudfront:TagResource', 'cloudfront:GetDistribution'), ...logGrant],
      read: on(distribution, 'cloudfront:GetDistribution', 'cloudfront:ListTagsForResource'),
      update: [
        ...on(distribution, 'cloudfront:UpdateDistribution', 'cloudfront:GetDistribution', 'cloudfront:TagResource', 'cloudfront:UntagResource'),
        ...logGrant,
      ],
      delete: on(distribution, 'cloudfront:UpdateDistribution', 'cloudfront:GetDistribution', 'cloudfront:DeleteDistribution'),
    };
  },
  aws_cloudfront_origin_access_control: (_c, ctx) => {
    const control = `arn:aws:cloudfront::${ctx.account}:origin-access-control/${STANDIN_ID}`;
    return {
      create: [...star('cloudfront:CreateOriginAccessControl'), ...on(control, 'cloudfront:GetOriginAccessControl')],
      read: on(control, 'cloudfront:GetOriginAccessControl'),
      update: on(control, 'cloudfront:UpdateOriginAccessControl'),
      delete: on(control, 'cloudfront:DeleteOriginAccessControl'),
    };
  },
  aws_s3_bucket: (c) => {
    const bucket = `arn:aws:s3:::${str(c['bucket'])}`;
    const reads = [
      's3:ListBucket',
      's3:GetBucketAcl',
      's3:GetBucketCORS',
      's3:GetBucketWebsite',
      's3:GetBucketVersioning',
      's3:GetAccelerateConfiguration',
      's3:GetBucketRequestPayment',
      's3:GetBucketLogging',
      's3:GetLifecycleConfiguration',
      's3:GetReplicationConfiguration',
      's3:GetEncryptionConfiguration',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketPolicy',
      's3:GetBucketTagging',
    ];
    return {
      create: on(bucket, 's3:CreateBucket', 's3:PutBucketTagging', ...reads),
      read: on(bucket, ...reads),
      update: on(bucket, 's3:PutBucketTagging'),
      delete: on(bucket, 's3:DeleteBucket'),
    };
  },
  aws_s3_bucket_ownership_controls: bucketSetting('s3:PutBucketOwnershipControls', 's3:GetBucketOwnershipControls'),
  aws_s3_bucket_policy: bucketSetting('s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'),
  aws_s3_bucket_public_access_block: bucketSetting('s3:PutBucketPublicAccessBlock', 's3:GetBucketPublicAccessBlock'),
  aws_s3_bucket_server_side_encryption_configuration: bucketSetting('s3:PutEncryptionConfiguration', 's3:GetEncryptionConfiguration'),
  aws_s3_bucket_versioning: bucketSetting('s3:PutBucketVersioning', 's3:GetBucketVersioning'),
  aws_s3_bucket_lifecycle_configuration: bucketSetting('s3:PutLifecycleConfiguration', 's3:GetLifecycleConfiguration'),
  aws_s3_bucket_logging: bucketSetting('s3:PutBucketLogging', 's3:GetBucketLogging'),
  aws_cloudfront_response_headers_policy: (_c, ctx) => {
    const policy = `arn:aws:cloudfront::${ctx.account}:response-headers-policy/${STANDIN_ID}`;
    return {
      create: [...star('cloudfront:CreateResponseHeadersPolicy'), ...on(policy, 'cloudfront:GetResponseHeadersPolicy')],
      read: on(policy, 'cloudfront:GetResponseHeadersPolicy'),
      update: on(policy, 'cloudfront:UpdateResponseHeadersPolicy', 'cloudfront:GetResponseHeadersPolicy'),
      delete: on(policy, 'cloudfront:DeleteResponseHeadersPolicy', 'cloudfront:GetResponseHeadersPolicy'),
    };
  },
  aws_acm_certificate: (_c, ctx) => {
    const certificate = `arn:aws:acm:${ctx.region}:${ctx.account}:certificate/${STANDIN_ID}`;
    const reads = on(certificate, 'acm:DescribeCertificate', 'acm:ListTagsForCertificate');
    return {
      create: [...star('acm:RequestCertificate'), ...on(certificate, 'acm:AddTagsToCertificate'), ...reads],
      read: reads,
      update: on(certificate, 'acm:UpdateCertificateOptions', 'acm:AddTagsToCertificate', 'acm:RemoveTagsFromCertificate'),
      delete: on(certificate, 'acm:DeleteCertificate', 'acm:DescribeCertificate'),
    };
  },
  aws_acm_certificate_validation: (_c, ctx) => {
    const certificate = on(`arn:aws:acm:${ctx.region}:${ctx.account}:certificate/${STANDIN_ID}`, 'acm:DescribeCertificate');
    return { create: certificate, read: certificate, update: certificate, delete: [] };
  },
  aws_route53_record: (c) => {
    const zone = `arn:aws:route53:::hostedzone/${str(c['zone_id'])}`;
    const change = on('arn:aws:route53:::change/stand-in', 'route53:GetChange');
    // A change batch is authorized on the names (lower case, no final dot) and types it changes.
    const batch = {
      'route53:ChangeResourceRecordSetsNormalizedRecordNames': [str(c['name']).toLowerCase().replace(/\.$/, '')],
      'route53:ChangeResourceRecordSetsRecordTypes': [str(c['type'])],
    };
    const changes = (action: string) =>
      withContext(on(zone, 'route53:ChangeResourceRecordSets'), { ...batch, 'route53:ChangeResourceRecordSetsActions': [action] });
    return {
      create: [...changes('CREATE'), ...on(zone, 'route53:ListResourceRecordSets'), ...change],
      read: on(zone, 'route53:ListResourceRecordSets'),
      update: [...changes('UPSERT'), ...change],
      delete: [...changes('DELETE'), ...on(zone, 'route53:ListResourceRecordSets'), ...change],
    };
  },
  aws_default_security_group: (_c, ctx) => ({
    // Adopting the VPC's default group strips its rules; destroying it only forgets it.
    create: [
      ...on(ec2(ctx, 'security-group'), 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:CreateTags'),
      ...star('ec2:DescribeSecurityGroups'),
    ],
    read: star('ec2:DescribeSecurityGroups'),
    update: on(
      ec2(ctx, 'security-group'),
      'ec2:RevokeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:CreateTags',
      'ec2:DeleteTags',
    ),
    delete: [],
  }),
  aws_flow_log: (_c, ctx) => {
    const flowLog = `arn:aws:ec2:${ctx.region}:${ctx.account}:vpc-flow-log/fl-${STANDIN_ID}`;
    return {
      create: [
        ...on(ec2(ctx, 'vpc'), 'ec2:CreateFlowLogs'),
        ...on(flowLog, 'ec2:CreateFlowLogs', 'ec2:CreateTags'),
        // Delivery to S3 is a vended log delivery set up in the caller's name.
        ...star('logs:CreateLogDelivery', 'ec2:DescribeFlowLogs'),
      ],
      read: star('ec2:DescribeFlowLogs'),
      update: on(flowLog, 'ec2:CreateTags', 'ec2:DeleteTags'),
      delete: [...on(flowLog, 'ec2:DeleteFlowLogs'), ...star('logs:DeleteLogDelivery')],
    };
  },
  aws_wafv2_web_acl: (c, ctx) => {
    const scope = c['scope'] === 'CLOUDFRONT' ? 'global' : 'regional';
    const acl = `arn:aws:wafv2:${ctx.region}:${ctx.account}:${scope}/webacl/${str(c['name'])}/${STANDIN_ID}`;
    const managed = `arn:aws:wafv2:${ctx.region}:${ctx.account}:${scope}/managedruleset/AWSManagedRulesCommonRuleSet/${STANDIN_ID}`;
    // Regex pattern sets the rules reference are authorized with the ACL.
    const sets = [...JSON.stringify(c['rule'] ?? []).matchAll(/\$\{aws_wafv2_regex_pattern_set\.[^.}]+\.arn\}/g)].map(
      ([reference]) => `arn:aws:wafv2:${ctx.region}:${ctx.account}:${scope}/regexpatternset/${str(ctx.config(reference)['name'])}/${STANDIN_ID}`,
    );
    return {
      create: [
        ...on(acl, 'wafv2:CreateWebACL', 'wafv2:GetWebACL', 'wafv2:TagResource', 'wafv2:ListTagsForResource'),
        ...on(managed, 'wafv2:CreateWebACL'),
        ...sets.flatMap((set) => on(set, 'wafv2:CreateWebACL')),
      ],
      read: on(acl, 'wafv2:GetWebACL', 'wafv2:ListTagsForResource'),
      update: [
        ...on(acl, 'wafv2:UpdateWebACL', 'wafv2:TagResource', 'wafv2:UntagResource'),
        ...on(managed, 'wafv2:UpdateWebACL'),
        ...sets.flatMap((set) => on(set, 'wafv2:UpdateWebACL')),
      ],
      delete: on(acl, 'wafv2:DeleteWebACL', 'wafv2:GetWebACL'),
    };
  },
  aws_wafv2_regex_pattern_set: (c, ctx) => {
    const scope = c['scope'] === 'CLOUDFRONT' ? 'global' : 'regional';
    const set = `arn:aws:wafv2:${ctx.region}:${ctx.account}:${scope}/regexpatternset/${str(c['name'])}/${STANDIN_ID}`;
    return {
      create: on(set, 'wafv2:CreateRegexPatternSet', 'wafv2:GetRegexPatternSet', 'wafv2:TagResource', 'wafv2:ListTagsForResource'),
      read: on(set, 'wafv2:GetRegexPatternSet', 'wafv2:ListTagsForResource'),
      update: on(set, 'wafv2:UpdateRegexPatternSet', 'wafv2:TagResource', 'wafv2:UntagResource'),
      delete: on(set, 'wafv2:DeleteRegexPatternSet', 'wafv2:GetRegexPatternSet'),
    };
  },
  aws_wafv2_web_acl_logging_configuration: (c, ctx) => {
    const aclConfig = ctx.config(c['resource_arn']);
    const scope = aclConfig['scope'] === 'CLOUDFRONT' ? 'global' : 'regional';
    const acl = `arn:aws:wafv2:${ctx.region}:${ctx.account}:${scope}/webacl/${str(aclConfig['name'])}/${STANDIN_ID}`;
    const delivery = star(
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    );
    return {
      create: [...on(acl, 'wafv2:PutLoggingConfiguration', 'wafv2:GetLoggingConfiguration'), ...delivery],
      read: on(acl, 'wafv2:GetLoggingConfiguration'),
      update: [...on(acl, 'wafv2:PutLoggingConfiguration'), ...delivery],
      delete: [...on(acl, 'wafv2:DeleteLoggingConfiguration'), ...star('logs:DeleteLogDelivery')],
    };
  },
  aws_wafv2_web_acl_association: (c, ctx) => {
    const aclConfig = ctx.config(c['web_acl_arn']);
    const acl = `arn:aws:wafv2:${ctx.region}:${ctx.account}:regional/webacl/${str(aclConfig['name'])}/${STANDIN_ID}`;
    const lb = `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account}:loadbalancer/app/${str(ctx.config(c['resource_arn'])['name'])}/${STANDIN_ID}`;
    return {
      create: [
        ...on(acl, 'wafv2:AssociateWebACL'),
        ...on(lb, 'wafv2:AssociateWebACL', 'wafv2:GetWebACLForResource'),
        ...star('elasticloadbalancing:SetWebAcl'),
      ],
      read: on(lb, 'wafv2:GetWebACLForResource'),
      update: [],
      delete: on(lb, 'wafv2:DisassociateWebACL'),
    };
  },
};

/**
 * What Terraform calls to read each data source the stacks use, at every plan and apply
 * (the load-test edge finds the platform's parts by name this way).
 */
export const TERRAFORM_DATA_READS: Record<string, (config: Record<string, unknown>, ctx: ResourceContext) => ApiCall[]> = {
  aws_availability_zones: () => star('ec2:DescribeAvailabilityZones'),
  aws_vpc: (_c, ctx) => [...star('ec2:DescribeVpcs'), ...on(ec2(ctx, 'vpc'), 'ec2:DescribeVpcAttribute')],
  aws_subnets: () => star('ec2:DescribeSubnets'),
  aws_ecs_task_definition: () => star('ecs:DescribeTaskDefinition'),
  aws_acm_certificate: (_c, ctx) => [
    ...star('acm:ListCertificates'),
    ...on(`arn:aws:acm:${ctx.region}:${ctx.account}:certificate/${STANDIN_ID}`, 'acm:DescribeCertificate', 'acm:ListTagsForCertificate'),
  ],
};
