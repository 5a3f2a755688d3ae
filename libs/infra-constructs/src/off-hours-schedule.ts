import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import type { Environment } from '@relay/platform-config';
import { serviceRoleName } from './role-families';
import { assumeRolePolicy, policyDocument } from './iam';

export interface OffHoursScheduleProps {
  env: Environment;
  prefix: string;
  /** The service's Application Auto Scaling target: what the schedule resizes. */
  scalableTarget: { arn: string; resourceId: string; serviceNamespace: string; scalableDimension: string };
  /** The ECS service behind the target: registering a target reads and resizes it. */
  serviceArn: string;
  /** Working-hours bounds, restored each morning. */
  daytime: { minCapacity: number; maxCapacity: number };
}

/** How long a missed stop or start keeps being retried before it goes to the dead-letter queue. */
export const OFF_HOURS_RETRY = { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 } as const;

/**
 * Puts a non-prod service to sleep at night, in the environment's time zone (Asia/Seoul by
 * default). It resizes the scalable target, not the service: min = max = 0 at night, the
 * catalogue's bounds in the morning. Setting the service's desired count instead would be
 * undone by target tracking within minutes. Each schedule retries for an hour and then lands
 * in a dead-letter queue, which the environment's alarms watch.
 */
export class OffHoursSchedule extends Construct {
  readonly deadLetterQueue: SqsQueue;
  /** Known at synth time, for alarms. */
  readonly deadLetterQueueName: string;

  constructor(scope: Construct, id: string, props: OffHoursScheduleProps) {
    super(scope, id);
    const { env, scalableTarget } = props;
    const offHours = env.offHours;
    if (!offHours) throw new Error(`environment ${env.name} has no off-hours schedule configured`);
    this.deadLetterQueueName = `${props.prefix}-off-hours-dlq`;
    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: this.deadLetterQueueName,
      messageRetentionSeconds: 14 * 24 * 3600,
      sqsManagedSseEnabled: true,
    });
    const group = new SchedulerScheduleGroup(this, 'group', { name: `${props.prefix}-off-hours` });
    const role = new IamRole(this, 'role', {
      name: serviceRoleName(props.prefix, 'scheduler'),
      assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com', { StringEquals: { 'aws:SourceAccount': env.accountId } }),
    });
    new IamRolePolicy(this, 'policy', {
      role: role.id,
      name: 'resize-scalable-target',
      policy: policyDocument([
        { sid: 'ResizeTarget', actions: ['application-autoscaling:RegisterScalableTarget'], resources: [scalableTarget.arn] },
        // Registering an ECS target checks the service and applies new bounds to its count.
        { sid: 'Service', actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: [props.serviceArn] },
        { sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] },
      ]),
    });
    const schedule = (name: string, expression: string, bounds: { minCapacity: number; maxCapacity: number }) =>
      new SchedulerSchedule(this, name, {
        name: `${props.prefix}-${name}`,
        groupName: group.name,
        scheduleExpression: expression,
        scheduleExpressionTimezone: offHours.timezone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: 'arn:aws:scheduler:::aws-sdk:applicationautoscaling:registerScalableTarget',
          roleArn: role.arn,
          input: JSON.stringify({
            ServiceNamespace: scalableTarget.serviceNamespace,
            ResourceId: scalableTarget.resourceId,
            ScalableDimension: scalableTarget.scalableDimension,
            MinCapacity: bounds.minCapacity,
            MaxCapacity: bounds.maxCapacity,
          }),
          retryPolicy: OFF_HOURS_RETRY,
          deadLetterConfig: { arn: this.deadLetterQueue.arn },
        },
      });
    schedule('night-stop', offHours.stopCron, { minCapacity: 0, maxCapacity: 0 });
    schedule('morning-start', offHours.startCron, props.daytime);
  }
}
