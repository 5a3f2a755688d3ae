import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import type { Environment } from '@relay/platform-config';
import { assumeRolePolicy, policyDocument } from './iam';

export interface OffHoursScheduleProps {
  env: Environment;
  prefix: string;
  clusterName: string;
  serviceName: string;
  serviceArn: string;
  /** Tasks to run during working hours. */
  daytimeCount: number;
}

/**
 * EventBridge Scheduler sets a non-prod service to 0 tasks at night and back in the morning,
 * in the environment's time zone (Asia/Seoul by default), through the ECS UpdateService API.
 */
export class OffHoursSchedule extends Construct {
  constructor(scope: Construct, id: string, props: OffHoursScheduleProps) {
    super(scope, id);
    const { env } = props;
    const offHours = env.offHours;
    if (!offHours) throw new Error(`environment ${env.name} has no off-hours schedule configured`);
    const group = new SchedulerScheduleGroup(this, 'group', { name: `${props.prefix}-off-hours` });
    const role = new IamRole(this, 'role', {
      name: `${props.prefix}-off-hours`.slice(0, 64),
      assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com', { StringEquals: { 'aws:SourceAccount': env.accountId } }),
    });
    new IamRolePolicy(this, 'policy', {
      role: role.id,
      name: 'scale-service',
      policy: policyDocument([{ sid: 'ScaleService', actions: ['ecs:UpdateService'], resources: [props.serviceArn] }]),
    });
    const schedule = (name: string, expression: string, desiredCount: number) =>
      new SchedulerSchedule(this, name, {
        name: `${props.serviceName}-${name}`,
        groupName: group.name,
        scheduleExpression: expression,
        scheduleExpressionTimezone: offHours.timezone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: 'arn:aws:scheduler:::aws-sdk:ecs:updateService',
          roleArn: role.arn,
          input: JSON.stringify({ Cluster: props.clusterName, Service: props.serviceName, DesiredCount: desiredCount }),
          retryPolicy: { maximumRetryAttempts: 3 },
        },
      });
    schedule('night-stop', offHours.stopCron, 0);
    schedule('morning-start', offHours.startCron, props.daytimeCount);
  }
}
