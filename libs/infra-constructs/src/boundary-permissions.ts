import type { DeployScopeNames } from '@relay/platform-config';
import type { Statement } from './iam';

/**
 * The permissions boundary every role of the deployed stacks carries: the most such a role can
 * do, whatever inline policy a deploy gives it. It is the union of what Relay's runtime roles
 * need, on this environment's resources in this account, and nothing of IAM, STS or the
 * account: a role created by a compromised deploy is worth no more than a runtime role.
 * Each runtime role's own policy is narrower (tools/policy/iam/runtime-roles.spec.ts); that every one of
 * them fits inside this is proven by tools/policy/iam/boundary.spec.ts.
 */
export function boundaryStatements(env: { region: string; accountId: string }, scope: Pick<DeployScopeNames, 'prefix' | 'parameters'>): Statement[] {
  const { prefix } = scope;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${resource}`;
  return [
    {
      // Covers the tables' indexes and streams (table/<name>/index/…, table/<name>/stream/…).
      sid: 'RuntimeTables',
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
        'dynamodb:DescribeTable',
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
      ],
      resources: [arn('dynamodb', `table/${prefix}-*`)],
    },
    { sid: 'StreamDiscovery', actions: ['dynamodb:ListStreams'], resources: ['*'] },
    {
      sid: 'RuntimeQueues',
      actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      resources: [arn('sqs', `${prefix}-*`)],
    },
    { sid: 'PostToConnections', actions: ['execute-api:ManageConnections'], resources: [arn('execute-api', '*/*/*/@connections/*')] },
    {
      sid: 'OwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [arn('logs', `log-group:/aws/lambda/${prefix}-*`), arn('logs', `log-group:/ecs/${prefix}-*`)],
    },
    { sid: 'RuntimeParameters', actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources: scope.parameters },
    {
      sid: 'PullImages',
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [arn('ecr', `repository/${prefix}-*`)],
    },
    { sid: 'RegistryLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
    {
      // The off-hours schedule resizes its own service's scalable target.
      sid: 'ResizeOwnServices',
      actions: ['ecs:DescribeServices', 'ecs:UpdateService', 'application-autoscaling:RegisterScalableTarget'],
      resources: [arn('ecs', `service/${prefix}-*/*`), arn('application-autoscaling', 'scalable-target/*')],
    },
    {
      // Belt and braces: nothing in the Allows above reaches these, and a Deny keeps it so
      // when a later edit widens them.
      sid: 'NoIdentityOrAccountChanges',
      effect: 'Deny',
      actions: ['iam:*', 'sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'organizations:*', 'account:*'],
      resources: ['*'],
    },
  ];
}
