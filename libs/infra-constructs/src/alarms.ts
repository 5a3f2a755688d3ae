import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { Environment } from '@relay/platform-config';

export interface AlarmsProps {
  env: Environment;
  prefix: string;
  functionNames: string[];
  tableNames: string[];
  webSocketApi?: { apiId: string; stage: string };
  /** The stream consumer whose IteratorAge is the delivery lag. */
  deliveryFunctionName?: string;
  loadBalancerArnSuffix?: string;
}

/** CloudWatch alarms on what breaks delivery, all notifying one SNS topic per environment. */
export class Alarms extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { env, prefix } = props;
    this.topic = new SnsTopic(this, 'topic', { name: `${prefix}-alarms`, kmsMasterKeyId: 'alias/aws/sns' });
    env.alarms.emails.forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email });
    });
    const alarm = (name: string, config: Omit<ConstructorParameters<typeof CloudwatchMetricAlarm>[2], 'alarmName' | 'alarmActions' | 'okActions'>) =>
      new CloudwatchMetricAlarm(this, name, {
        alarmName: `${prefix}-${name}`,
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
        treatMissingData: 'notBreaching',
        ...config,
      });
    const sumOver5m = { statistic: 'Sum', period: 300, evaluationPeriods: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold' };

    for (const fn of props.functionNames) {
      alarm(`${fn}-errors`, { ...sumOver5m, namespace: 'AWS/Lambda', metricName: 'Errors', threshold: 1, dimensions: { FunctionName: fn } });
      alarm(`${fn}-throttles`, { ...sumOver5m, namespace: 'AWS/Lambda', metricName: 'Throttles', threshold: 1, dimensions: { FunctionName: fn } });
    }
    for (const table of props.tableNames) {
      for (const metric of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
        alarm(`${table}-${metric}`, { ...sumOver5m, namespace: 'AWS/DynamoDB', metricName: metric, threshold: 1, dimensions: { TableName: table } });
      }
    }
    if (props.webSocketApi) {
      const { apiId, stage } = props.webSocketApi;
      for (const metric of ['IntegrationError', 'ExecutionError']) {
        alarm(`ws-${metric}`, { ...sumOver5m, namespace: 'AWS/ApiGateway', metricName: metric, threshold: 5, dimensions: { ApiId: apiId, Stage: stage } });
      }
    }
    if (props.loadBalancerArnSuffix) {
      alarm('alb-5xx', {
        ...sumOver5m,
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        threshold: 10,
        dimensions: { LoadBalancer: props.loadBalancerArnSuffix },
      });
    }
    if (props.deliveryFunctionName) {
      alarm('delivery-lag', {
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
