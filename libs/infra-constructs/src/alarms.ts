import { Construct } from 'constructs';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { Environment } from '@relay/platform-config';
import { describedAlarm, type RunbookEntry } from './runbook';

export interface AlarmsProps {
  env: Environment;
  prefix: string;
  functions?: { name: string; timeoutSeconds: number }[];
  tableNames?: string[];
  webSocketApi?: { apiId: string; stage: string };
  /** The stream consumer whose IteratorAge is the delivery lag. */
  deliveryFunctionName?: string;
  /** SQS dead-letter queues: one message in any of them is a lost action; each says what it holds and where its runbook entry is. */
  deadLetterQueues?: DeadLetterQueue[];
  loadBalancer?: { arnSuffix: string; targetGroupArnSuffix: string };
  /** An HTTP API front door: its 5xx are the service's, or the VPC link's when no task is found. */
  httpApi?: { apiId: string };
  /** The topic also takes the env's AWS Budget alerts (IdleBudget): its key and policy let Budgets publish. */
  budgetAlerts?: boolean;
  /** Needs Container Insights (the catalogue's fargate.containerInsights) for its task counts. */
  ecsService?: { clusterName: string; serviceName: string };
}

/** A Lambda whose slowest invocation passes this share of its timeout is about to be cut off. */
export const NEAR_TIMEOUT_SHARE = 0.8;

/** A dead letter older than this (s) alarms: it is work given up on that nobody has redriven. */
export const DEAD_LETTER_MAX_AGE_SECONDS = 3600;

export interface DeadLetterQueue {
  name: string;
  /** What a message in it is, for the alarm's description. */
  holds: string;
  runbook: RunbookEntry;
}

type AlarmConfig = Omit<CloudwatchMetricAlarmConfig, 'alarmName' | 'alarmActions' | 'okActions' | 'alarmDescription'>;

/**
 * The alarm topic key's policy: the account administers it through IAM (the default key policy's
 * root statement, without which the key could be locked out), and CloudWatch alarms of this
 * account may encrypt messages to the topic with it.
 */
export function alarmTopicKeyPolicy(accountId: string, budgetAlerts = false): string {
  const publisher = (sid: string, service: string) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: service },
    Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  });
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AccountAdministersThroughIam', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' },
      publisher('CloudWatchAlarmsPublish', 'cloudwatch.amazonaws.com'),
      ...(budgetAlerts ? [publisher('BudgetsPublish', 'budgets.amazonaws.com')] : []),
    ],
  });
}

/**
 * Where the topic takes AWS Budgets' alerts it needs a policy of its own, which replaces SNS's
 * default one: CloudWatch's alarms of this account publish as before, and Budgets of this account.
 */
function alarmTopicPolicy(accountId: string, topicName: string, region: string): string {
  const topic = `arn:aws:sns:${region}:${accountId}:${topicName}`;
  const publisher = (sid: string, service: string) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sns:Publish',
    Resource: topic,
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  });
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [publisher('CloudWatchAlarmsPublish', 'cloudwatch.amazonaws.com'), publisher('BudgetsPublish', 'budgets.amazonaws.com')],
  });
}

/**
 * CloudWatch alarms on what breaks the chat, all notifying one SNS topic per environment whose
 * subscribers come from the catalogue (alarms.emails). How many depends on the catalogue's
 * monitoring.alarms: per resource, or the account-wide few (an env with none creates no Alarms).
 */
export class Alarms extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { env, prefix } = props;
    if (env.monitoring.alarms === 'none') throw new Error(`${env.name} has monitoring.alarms none: it creates no Alarms`);
    // CloudWatch can publish to an encrypted topic only when the key's policy lets it use the key,
    // which the AWS-managed alias/aws/sns key's policy never does: a key of the topic's own.
    const key = new KmsKey(this, 'topic-key', {
      description: `${prefix} alarm topic: CloudWatch may encrypt to it`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      policy: alarmTopicKeyPolicy(env.accountId, props.budgetAlerts),
    });
    new KmsAlias(this, 'topic-key-alias', { name: `alias/${prefix}-alarms`, targetKeyId: key.keyId });
    this.topic = new SnsTopic(this, 'topic', {
      name: `${prefix}-alarms`,
      kmsMasterKeyId: key.arn,
      ...(props.budgetAlerts ? { policy: alarmTopicPolicy(env.accountId, `${prefix}-alarms`, env.region) } : {}),
    });
    env.alarms.emails.forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email });
    });
    const alarm = (name: string, what: string, runbook: RunbookEntry, config: AlarmConfig) =>
      this.alarms.push(
        new CloudwatchMetricAlarm(this, name, {
          alarmName: `${prefix}-${name}`,
          alarmDescription: describedAlarm(what, runbook),
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
          treatMissingData: 'notBreaching',
          ...config,
        }),
      );
    const sumOver5m = { statistic: 'Sum', period: 300, evaluationPeriods: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold' };

    // Account-wide (dev): a metric without dimensions is the account's total, so two alarms
    // watch every function, previews' included; the failing one is in the logs, not the name.
    const perResource = env.monitoring.alarms === 'per-resource';
    if (!perResource && props.functions?.length) {
      alarm('lambda-errors', 'A function in this account failed', 'a-function-failed', {
        ...sumOver5m,
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        threshold: 1,
      });
      alarm('lambda-throttles', 'A function in this account was throttled', 'a-function-was-throttled', {
        ...sumOver5m,
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        threshold: 1,
      });
    }
    for (const fn of perResource ? (props.functions ?? []) : []) {
      const dimensions = { FunctionName: fn.name };
      alarm(`${fn.name}-errors`, `${fn.name} failed`, 'a-function-failed', {
        ...sumOver5m,
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        threshold: 1,
        dimensions,
      });
      alarm(`${fn.name}-throttles`, `${fn.name} was throttled`, 'a-function-was-throttled', {
        ...sumOver5m,
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        threshold: 1,
        dimensions,
      });
      alarm(
        `${fn.name}-near-timeout`,
        `${fn.name}'s slowest invocation took over ${NEAR_TIMEOUT_SHARE * 100}% of its ${fn.timeoutSeconds} s timeout`,
        'a-function-is-near-its-timeout',
        {
          namespace: 'AWS/Lambda',
          metricName: 'Duration',
          statistic: 'Maximum',
          period: 300,
          evaluationPeriods: 1,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: Math.round(fn.timeoutSeconds * 1000 * NEAR_TIMEOUT_SHARE),
          dimensions,
        },
      );
    }
    for (const table of perResource ? (props.tableNames ?? []) : []) {
      for (const metric of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
        alarm(`${table}-${metric}`, `${table} throttled requests (${metric})`, 'a-table-throttled-requests', {
          ...sumOver5m,
          namespace: 'AWS/DynamoDB',
          metricName: metric,
          threshold: 1,
          dimensions: { TableName: table },
        });
      }
    }
    for (const { name: queue, holds, runbook } of props.deadLetterQueues ?? []) {
      alarm(`${queue}-not-empty`, `${queue} holds ${holds}: work that was given up on`, runbook, {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        dimensions: { QueueName: queue },
      });
      // A dead letter nobody redrove: a chunk redriven late still reaches the members connected
      // then (clients drop what they hold), but each hour reaches fewer of those it was for.
      if (!perResource) continue;
      alarm(`${queue}-oldest-age`, `${queue} has held ${holds} for over an hour`, runbook, {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: DEAD_LETTER_MAX_AGE_SECONDS,
        dimensions: { QueueName: queue },
      });
    }
    if (props.webSocketApi && perResource) {
      const { apiId, stage } = props.webSocketApi;
      for (const metric of ['IntegrationError', 'ExecutionError']) {
        alarm(`ws-${metric}`, `The WebSocket API counted 5 or more ${metric}s in 5 minutes`, 'websocket-api-integration-errors', {
          ...sumOver5m,
          namespace: 'AWS/ApiGateway',
          metricName: metric,
          threshold: 5,
          dimensions: { ApiId: apiId, Stage: stage },
        });
      }
    }
    if (props.loadBalancer) {
      const lb = { LoadBalancer: props.loadBalancer.arnSuffix };
      const targets = { ...lb, TargetGroup: props.loadBalancer.targetGroupArnSuffix };
      alarm('alb-target-5xx', 'The broadcast tasks answered 10 or more 5xx in 5 minutes', 'the-broadcast-api-answers-5xx', {
        ...sumOver5m,
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        threshold: 10,
        dimensions: lb,
      });
      alarm('alb-elb-5xx', 'The load balancer itself answered 10 or more 5xx in 5 minutes', 'the-broadcast-api-answers-5xx', {
        ...sumOver5m,
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_ELB_5XX_Count',
        threshold: 10,
        dimensions: lb,
      });
      alarm('alb-unhealthy-hosts', 'A broadcast task failed its health check for 3 minutes', 'broadcast-tasks-missing-or-unhealthy', {
        namespace: 'AWS/ApplicationELB',
        metricName: 'UnHealthyHostCount',
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 3,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        dimensions: targets,
      });
    }
    if (props.httpApi) {
      alarm('api-5xx', 'The broadcast HTTP API answered 10 or more 5xx in 5 minutes', 'the-broadcast-api-answers-5xx', {
        ...sumOver5m,
        namespace: 'AWS/ApiGateway',
        metricName: '5xx',
        threshold: 10,
        dimensions: { ApiId: props.httpApi.apiId },
      });
    }
    if (props.ecsService) {
      const dimensions = { ClusterName: props.ecsService.clusterName, ServiceName: props.ecsService.serviceName };
      const count = (id: string, metricName: string) => ({
        id,
        metric: { namespace: 'ECS/ContainerInsights', metricName, dimensions, period: 60, stat: 'Average' },
        // Only the expression below is the alarm's series.
        returnData: false,
      });
      alarm('ecs-running-below-desired', 'Fewer broadcast tasks running than the service wants', 'broadcast-tasks-missing-or-unhealthy', {
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        evaluationPeriods: 5,
        datapointsToAlarm: 4,
        metricQuery: [
          count('desired', 'DesiredTaskCount'),
          count('running', 'RunningTaskCount'),
          { id: 'missing', expression: 'desired - running', label: 'tasks missing', returnData: true },
        ],
      });
    }
    if (props.deliveryFunctionName) {
      alarm('delivery-lag', `Stored messages waited over ${env.alarms.deliveryLagMs} ms for delivery to read them`, 'delivery-lag', {
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 3,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: env.alarms.deliveryLagMs,
        dimensions: { FunctionName: props.deliveryFunctionName },
      });
    }
  }
}
