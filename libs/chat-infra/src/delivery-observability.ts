import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DELIVERY_METRICS, LOADTEST_METRICS } from '@relay/runtime-contract';
import type { Environment } from '@relay/platform-config';
import { describedAlarm } from '@relay/infra-constructs';

/** Longer than a full-quota 100k post's ~10 s of queued chunks, short enough to page on a stuck stage. */
const FANOUT_BACKLOG_SECONDS = 60;

export interface DeliveryObservabilityProps {
  env: Environment;
  /** Resource name prefix, e.g. relay-stag-chat. */
  prefix: string;
  deliverFunctionName: string;
  /** The second stage: its workers and the queue of chunks they drain. */
  fanout: { functionName: string; queueName: string };
  apiId: string;
  stage: string;
  /** Where alarms notify; none where the env has no alarms of its own (monitoring.alarms none). */
  alarmTopicArn?: string;
}

/**
 * The product's promise, watched: delivery publishes post-to-last-delivery time per message
 * (EMF, DELIVERY_METRICS); this alarms when its p95 exceeds the target for the env's traffic
 * and puts it on the env's dashboard beside the nightly k6 result and the chat's golden signals.
 */
export class DeliveryObservability extends Construct {
  /** Only where the catalogue's monitoring.dashboard asks for one: $3 a month each. */
  readonly dashboard?: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: DeliveryObservabilityProps) {
    super(scope, id);
    const { env } = props;
    const dimensions = { service: DELIVERY_METRICS.service, environment: env.name };
    if (props.alarmTopicArn) this.alarm(props, dimensions, props.alarmTopicArn);
    if (env.monitoring.dashboard) this.dashboard = this.dashboardOf(props, dimensions);
  }

  private alarm(props: DeliveryObservabilityProps, dimensions: Record<string, string>, alarmTopicArn: string) {
    new CloudwatchMetricAlarm(this, 'delivery-p95', {
      alarmName: `${props.prefix}-delivery-p95`,
      alarmDescription: describedAlarm(`p95 of post-to-last-delivery above ${DELIVERY_METRICS.latencyTargetMs} ms`, 'delivery-p95-above-target'),
      namespace: DELIVERY_METRICS.namespace,
      metricName: DELIVERY_METRICS.latency,
      dimensions,
      extendedStatistic: 'p95',
      period: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: DELIVERY_METRICS.latencyTargetMs,
      // No messages means no latency to judge, not a breach.
      treatMissingData: 'notBreaching',
      alarmActions: [alarmTopicArn],
      okActions: [alarmTopicArn],
    });
    // Chunks waiting long means the workers (or the account quota behind them) cannot keep up:
    // a 100k-follower post legitimately queues ~10 s of work at the default quota, not a minute.
    new CloudwatchMetricAlarm(this, 'fanout-backlog', {
      alarmName: `${props.prefix}-fanout-backlog`,
      alarmDescription: describedAlarm(`The oldest fan-out chunk has waited over ${FANOUT_BACKLOG_SECONDS} s`, 'fan-out-backlog'),
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: props.fanout.queueName },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: FANOUT_BACKLOG_SECONDS,
      treatMissingData: 'notBreaching',
      alarmActions: [alarmTopicArn],
      okActions: [alarmTopicArn],
    });
  }

  private dashboardOf(props: DeliveryObservabilityProps, dimensions: Record<string, string>): CloudwatchDashboard {
    const { env } = props;
    const metric = (namespace: string, name: string, dims: Record<string, string>, stat: string, label: string) => [
      namespace,
      name,
      ...Object.entries(dims).flat(),
      { stat, label },
    ];
    const widget = (x: number, y: number, title: string, metrics: unknown[], extra: Record<string, unknown> = {}) => ({
      type: 'metric',
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: env.region, view: 'timeSeries', period: 60, metrics, ...extra },
    });
    const deliver = { FunctionName: props.deliverFunctionName };
    const workers = { FunctionName: props.fanout.functionName };
    const chunks = { QueueName: props.fanout.queueName };
    const api = { ApiId: props.apiId, Stage: props.stage };
    return new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: `${props.prefix}`,
      dashboardBody: JSON.stringify({
        widgets: [
          widget(
            0,
            0,
            'Delivery: post to last delivery (ms)',
            [
              metric(DELIVERY_METRICS.namespace, DELIVERY_METRICS.latency, dimensions, 'p95', 'p95'),
              metric(DELIVERY_METRICS.namespace, DELIVERY_METRICS.latency, dimensions, 'p50', 'p50'),
            ],
            { annotations: { horizontal: [{ label: 'target', value: DELIVERY_METRICS.latencyTargetMs }] } },
          ),
          widget(
            12,
            0,
            'Nightly k6 spike (stag)',
            [
              metric(LOADTEST_METRICS.namespace, LOADTEST_METRICS.p95, { environment: env.name }, 'Maximum', 'k6 delivery p95 (ms)'),
              metric(LOADTEST_METRICS.namespace, LOADTEST_METRICS.delivered, { environment: env.name }, 'Minimum', 'k6 delivered ratio'),
            ],
            { period: 86400 },
          ),
          widget(0, 6, 'Traffic: recipients per minute, failed deliveries', [
            metric(DELIVERY_METRICS.namespace, DELIVERY_METRICS.recipients, dimensions, 'Sum', 'recipients'),
            metric(DELIVERY_METRICS.namespace, DELIVERY_METRICS.failed, dimensions, 'Sum', 'failed'),
            metric('AWS/ApiGateway', 'MessageCount', api, 'Sum', 'WebSocket messages'),
          ]),
          widget(12, 6, 'Errors and saturation', [
            metric('AWS/Lambda', 'Errors', deliver, 'Sum', 'deliver errors'),
            metric('AWS/Lambda', 'Throttles', deliver, 'Sum', 'deliver throttles'),
            metric('AWS/Lambda', 'IteratorAge', deliver, 'Maximum', 'stream iterator age (ms)'),
            metric('AWS/ApiGateway', 'IntegrationError', api, 'Sum', 'integration errors'),
          ]),
          widget(0, 12, 'Fan-out: chunk backlog', [
            metric('AWS/SQS', 'ApproximateNumberOfMessagesVisible', chunks, 'Maximum', 'chunks waiting'),
            metric('AWS/SQS', 'ApproximateAgeOfOldestMessage', chunks, 'Maximum', 'oldest chunk (s)'),
          ]),
          widget(12, 12, 'Fan-out: workers', [
            metric('AWS/Lambda', 'ConcurrentExecutions', workers, 'Maximum', 'workers running'),
            metric('AWS/Lambda', 'Errors', workers, 'Sum', 'worker errors'),
            metric('AWS/Lambda', 'Duration', workers, 'p95', 'chunk p95 (ms)'),
          ]),
        ],
      }),
    });
  }
}
