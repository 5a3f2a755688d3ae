import { fleetAdmissionSecret, loadgenLaunchParameter, loadgenResultsBucket, loadTestTarget, resourcePrefix, type Environment } from '@relay/platform-config';
import type { Statement } from './iam';
import { serviceRoleName } from './role-families';

/** The loadgen stack's cluster and task definition family (LoadGenerator names both so). */
export function loadgenName(env: Environment): string {
  return `${resourcePrefix(env)}-loadgen`;
}

/**
 * What the nightly's orchestrator may do with the k6 fleet (loadgen:fleet --target <env>):
 * read where to launch, start the fleet's one task definition in the fleet's cluster only, pass
 * that task definition's two roles to ECS only, watch and stop the tasks it started, and read
 * and write the results bucket's runs/ (it signs each task's presigned URLs, so a task can do no
 * more than this role); wake the env's broadcast service for the run and return it (its
 * scalable target's bounds, as the off-hours schedule does) and its load balancer's capacity
 * reservation; and, where a WAF guards it, admit
 * the fleet past the per-IP rate rule (the exemption set and the run's secret). Nothing else of
 * ECS, IAM, S3 or WAF.
 */
export function fleetRunStatements(env: Environment): Statement[] {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${resource}`;
  const name = loadgenName(env);
  const cluster = arn('ecs', `cluster/${name}`);
  const bucket = loadgenResultsBucket(env);
  const target = loadTestTarget(env);
  const { admission } = target;
  return [
    {
      sid: 'FleetLaunchConfig',
      actions: ['ssm:GetParameter'],
      resources: [loadgenLaunchParameter(env), ...(admission ? [admission.setArnParameter] : [])].map((p) => arn('ssm', `parameter${p}`)),
    },
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
    {
      // Wake: the scalable target's bounds, the off-hours schedule's own mechanism. Its id is
      // AWS's, so the target is named by what only the target stack's one target has: the
      // env's tags of that stack, on an ECS service's desired count.
      sid: 'WakeTarget',
      actions: ['application-autoscaling:RegisterScalableTarget'],
      resources: [arn('application-autoscaling', 'scalable-target/*')],
      conditions: {
        StringEquals: {
          'application-autoscaling:service-namespace': 'ecs',
          'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
          'aws:ResourceTag/env': env.name,
          'aws:ResourceTag/service': target.stack,
        },
      },
    },
    { sid: 'ReadScalableTargets', actions: ['application-autoscaling:DescribeScalableTargets'], resources: ['*'] },
    { sid: 'WatchTargetService', actions: ['ecs:DescribeServices'], resources: [arn('ecs', `service/${target.cluster}/${target.service}`)] },
    {
      // Registering an ECS target needs UpdateService on its service; a request that names a
      // task definition (a deploy) is not that, and is refused.
      sid: 'ScaleTargetService',
      actions: ['ecs:UpdateService'],
      resources: [arn('ecs', `service/${target.cluster}/${target.service}`)],
      conditions: { Null: { 'ecs:task-definition': 'true' } },
    },
    {
      // A spike's load balancer capacity, reserved for the run and reset after (ALB LCU reservation).
      sid: 'ReserveTargetLoadBalancer',
      actions: ['elasticloadbalancing:ModifyCapacityReservation'],
      resources: [arn('elasticloadbalancing', `loadbalancer/app/${target.loadBalancer}/*`)],
    },
    {
      sid: 'ReadLoadBalancers',
      actions: ['elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeCapacityReservation'],
      resources: ['*'],
    },
    ...(admission
      ? [
          {
            sid: 'AdmitFleet',
            actions: ['wafv2:GetRegexPatternSet', 'wafv2:UpdateRegexPatternSet'],
            resources: [arn('wafv2', `regional/regexpatternset/${admission.regexPatternSet}/*`)],
          },
          { sid: 'RunAdmissionSecret', actions: ['ssm:PutParameter', 'ssm:DeleteParameter'], resources: [arn('ssm', `parameter${fleetAdmissionSecret(env)}`)] },
        ]
      : []),
    { sid: 'RunResults', actions: ['s3:PutObject', 's3:GetObject'], resources: [`arn:aws:s3:::${bucket}/runs/*`] },
    // The record of what a run has changed in the target, forgotten once it is put back.
    { sid: 'InFlightRecords', actions: ['s3:DeleteObject'], resources: [`arn:aws:s3:::${bucket}/runs/in-flight/*`] },
    {
      // So a result a task never uploaded reads as missing (404), not as forbidden (403).
      sid: 'ListRunResults',
      actions: ['s3:ListBucket'],
      resources: [`arn:aws:s3:::${bucket}`],
      conditions: { StringLike: { 's3:prefix': 'runs/*' } },
    },
  ];
}
