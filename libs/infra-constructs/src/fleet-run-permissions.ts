import { loadgenLaunchParameter, loadgenResultsBucket, resourcePrefix, type Environment } from '@relay/platform-config';
import type { Statement } from './iam';
import { serviceRoleName } from './role-families';

/** The loadgen stack's cluster and task definition family (LoadGenerator names both so). */
export function loadgenName(env: Environment): string {
  return `${resourcePrefix(env)}-loadgen`;
}

/**
 * What the nightly's orchestrator may do with the k6 fleet (loadtests:fleet --target <env>):
 * read where to launch, start the fleet's one task definition in the fleet's cluster only, pass
 * that task definition's two roles to ECS only, watch and stop the tasks it started, and read
 * and write the results bucket's runs/ (it signs each task's presigned URLs, so a task can do no
 * more than this role). Nothing else of ECS, IAM or S3.
 */
export function fleetRunStatements(env: Environment): Statement[] {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${resource}`;
  const name = loadgenName(env);
  const cluster = arn('ecs', `cluster/${name}`);
  const bucket = loadgenResultsBucket(env);
  return [
    { sid: 'FleetLaunchConfig', actions: ['ssm:GetParameter'], resources: [arn('ssm', `parameter${loadgenLaunchParameter(env)}`)] },
    // The preflight: the quotas a run needs, read before anything starts ("*"-only actions).
    { sid: 'ReadQuotas', actions: ['servicequotas:ListServiceQuotas', 'servicequotas:ListAWSDefaultServiceQuotas'], resources: ['*'] },
    {
      sid: 'RunFleetTasks',
      actions: ['ecs:RunTask'],
      resources: [arn('ecs', `task-definition/${name}:*`)],
      conditions: { ArnEquals: { 'ecs:cluster': cluster } },
    },
    { sid: 'WatchAndStopFleetTasks', actions: ['ecs:DescribeTasks', 'ecs:StopTask'], resources: [arn('ecs', `task/${name}/*`)] },
    {
      sid: 'PassFleetRoles',
      actions: ['iam:PassRole'],
      resources: [serviceRoleName(name, 'ecs-task'), serviceRoleName(name, 'ecs-execution')].map((role) => `arn:aws:iam::${env.accountId}:role/${role}`),
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
    { sid: 'RunResults', actions: ['s3:PutObject', 's3:GetObject'], resources: [`arn:aws:s3:::${bucket}/runs/*`] },
    {
      // So a result a task never uploaded reads as missing (404), not as forbidden (403).
      sid: 'ListRunResults',
      actions: ['s3:ListBucket'],
      resources: [`arn:aws:s3:::${bucket}`],
      conditions: { StringLike: { 's3:prefix': 'runs/*' } },
    },
  ];
}
