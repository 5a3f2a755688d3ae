import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import path from 'node:path';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Deployment } from '@cdktf/provider-aws/lib/apigatewayv2-deployment';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2RouteResponse } from '@cdktf/provider-aws/lib/apigatewayv2-route-response';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import {
  CHAT_FUNCTIONS,
  chatTableNames,
  DELIVERY_EVENT_SOURCE,
  DELIVERY_FANOUT,
  ROUTE_SELECTION_EXPRESSION,
  type ChatFunction,
  type ChatTableKey,
  type ChatTableNames,
} from '@relay/runtime-contract';
import type { Environment } from '@relay/platform-config';
import { CHAT_FUNCTION_ACCESS } from './chat-permissions';
import { ChatTables } from './chat-tables';
import { NodeFunction, type DeadLetterQueue } from '@relay/infra-constructs';

export interface ChatWebSocketApiProps {
  env: Environment;
  /** Resource name prefix, e.g. relay-dev or relay-dev-alice. */
  prefix: string;
  /** Directory holding <app>/<function>.zip from the build (dist/apps). */
  artifactsDir: string;
  /** SSM SecureString holding the token secret. */
  authSecretParameter: { name: string; arn: string };
  /** SSM SecureString holding the key that seals pagination cursors. */
  cursorSecretParameter: { name: string; arn: string };
  auth: { issuer: string; audience: string };
  functions?: readonly ChatFunction[];
}

export const STAGE_NAME = 'live';

interface RoutePieces {
  route: Apigatewayv2Route;
  integration: Apigatewayv2Integration;
  response?: Apigatewayv2RouteResponse;
}

/** What changes a deployed route: its target, its integration's Lambda, whether it replies. */
function deploymentFingerprint({ route, integration, response }: RoutePieces): unknown[] {
  return [
    route.id,
    route.routeKey,
    route.target,
    route.routeResponseSelectionExpression,
    integration.id,
    integration.integrationUri,
    integration.integrationType,
    response?.id ?? 'one-way',
    response?.routeResponseKey ?? 'one-way',
  ];
}

/**
 * The serverless chat: DynamoDB tables, the API Gateway WebSocket API with one Lambda per
 * route (each with its own least-privilege role), and the stream-driven delivery function
 * with bisecting, finite retries, partial batch responses and a dead-letter queue.
 */
export class ChatWebSocketApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly tables: ChatTables;
  readonly functions: Record<string, NodeFunction> = {};
  readonly deadLetterQueue: SqsQueue;
  /** Fan-out chunks from the stream consumer to the workers, and where chunks that never succeed go. */
  readonly chunkQueue: SqsQueue;
  /** Known at synth time, for the backlog alarm and the dashboard. */
  readonly chunkQueueName: string;
  readonly chunkDeadLetterQueue: SqsQueue;
  /** Known at synth time, for alarms: the stream's on-failure destination and the chunks' DLQ. */
  /** For alarms: each queue's name, what it holds and its runbook entry. */
  readonly deadLetterQueues: DeadLetterQueue[];
  readonly webSocketUrl: string;
  readonly tableNames: ChatTableNames;

  constructor(scope: Construct, id: string, props: ChatWebSocketApiProps) {
    super(scope, id);
    const { env, prefix } = props;
    const names = chatTableNames(`${prefix}-chat`);
    this.tableNames = names;
    this.tables = new ChatTables(this, 'tables', { env, names });

    this.api = new Apigatewayv2Api(this, 'api', {
      name: `${prefix}-chat`,
      protocolType: 'WEBSOCKET',
      routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    });
    const apiStageArn = `arn:aws:execute-api:${env.region}:${env.accountId}:${this.api.id}/${STAGE_NAME}`;
    const managementEndpoint = `https://${this.api.id}.execute-api.${env.region}.amazonaws.com/${STAGE_NAME}`;
    const deadLetterQueueName = `${prefix}-chat-delivery-dlq`;
    this.deadLetterQueue = new SqsQueue(this, 'delivery-dlq', {
      name: deadLetterQueueName,
      messageRetentionSeconds: 14 * 24 * 3600,
      sqsManagedSseEnabled: true,
    });
    const chunkDeadLetterQueueName = `${prefix}-chat-fanout-dlq`;
    this.chunkDeadLetterQueue = new SqsQueue(this, 'fanout-dlq', {
      name: chunkDeadLetterQueueName,
      messageRetentionSeconds: 14 * 24 * 3600,
      sqsManagedSseEnabled: true,
    });
    this.chunkQueueName = `${prefix}-chat-fanout-chunks`;
    this.chunkQueue = new SqsQueue(this, 'fanout-chunks', {
      name: this.chunkQueueName,
      visibilityTimeoutSeconds: DELIVERY_FANOUT.visibilityTimeoutSeconds,
      // SQS drops expired messages silently: keep chunks through a long worker outage (a late
      // delivery is deduplicated by clients; a dropped one is lost) and alarm on the DLQ instead.
      messageRetentionSeconds: 4 * 24 * 3600,
      receiveWaitTimeSeconds: 20,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.chunkDeadLetterQueue.arn, maxReceiveCount: DELIVERY_FANOUT.maxReceiveCount }),
    });
    this.deadLetterQueues = [
      {
        name: deadLetterQueueName,
        holds: "the stream consumer's failure records (stored messages not handed to delivery)",
        runbook: 'delivery-failure-records',
      },
      { name: chunkDeadLetterQueueName, holds: 'fan-out chunks (members not sent a message)', runbook: 'dead-lettered-chunks' },
    ];

    const tableArns = Object.fromEntries((Object.keys(names) as ChatTableKey[]).map((key) => [key, this.tables.tables[key].arn])) as Record<
      ChatTableKey,
      string
    >;
    const arns = {
      tables: tableArns,
      authSecretParameter: props.authSecretParameter.arn,
      cursorSecretParameter: props.cursorSecretParameter.arn,
      apiStage: apiStageArn,
      messagesStream: this.tables.tables.messages.streamArn,
      deadLetterQueue: this.deadLetterQueue.arn,
      chunkQueue: this.chunkQueue.arn,
    };
    const sharedEnv = {
      CHAT_CONNECTIONS_TABLE: names.connections,
      CHAT_MEMBERSHIPS_TABLE: names.memberships,
      CHAT_ROOMS_TABLE: names.rooms,
      CHAT_MESSAGES_TABLE: names.messages,
    };
    // Both delivery stages: the same poster settings, queue and chunking.
    const delivery = {
      WS_MANAGEMENT_ENDPOINT: managementEndpoint,
      DELIVERY_CONCURRENCY: String(env.lambda.deliveryConcurrency),
      DELIVERY_QUEUE_URL: this.chunkQueue.url,
      DELIVERY_CHUNK_SIZE: String(DELIVERY_FANOUT.chunkSize),
      DELIVERY_DIRECT_MAX: String(DELIVERY_FANOUT.directMax),
      RELAY_ENV: env.name,
    };
    const envFor: Record<string, Record<string, string>> = {
      connect: {
        AUTH_TOKEN_SECRET_PARAMETER: props.authSecretParameter.name,
        AUTH_ISSUER: props.auth.issuer,
        AUTH_AUDIENCE: props.auth.audience,
      },
      join: { WS_MANAGEMENT_ENDPOINT: managementEndpoint },
      leave: { WS_MANAGEMENT_ENDPOINT: managementEndpoint },
      disconnect: { WS_MANAGEMENT_ENDPOINT: managementEndpoint },
      history: { CURSOR_SECRET_PARAMETER: props.cursorSecretParameter.name },
      members: { CURSOR_SECRET_PARAMETER: props.cursorSecretParameter.name },
      deliver: delivery,
      fanout: delivery,
    };

    // Everything a deployment snapshots: a route without its integration or route response
    // deploys as a route that never replies.
    const deployed: RoutePieces[] = [];
    for (const fn of props.functions ?? CHAT_FUNCTIONS) {
      const access = CHAT_FUNCTION_ACCESS[fn.name];
      if (!access) throw new Error(`no IAM access is declared for chat function "${fn.name}" (chat-permissions.ts)`);
      const isDeliver = 'stream' in fn.trigger;
      const timeoutSeconds = isDeliver ? DELIVERY_EVENT_SOURCE.functionTimeoutSeconds : 'queue' in fn.trigger ? DELIVERY_FANOUT.workerTimeoutSeconds : 10;
      const lambda = new NodeFunction(this, fn.name, {
        env,
        functionName: `${prefix}-chat-${fn.name}`,
        zipPath: path.join(props.artifactsDir, fn.app, `${fn.name}.zip`),
        environment: { ...sharedEnv, ...envFor[fn.name] },
        statements: access(arns),
        timeoutSeconds,
        memoryMb: 'queue' in fn.trigger ? DELIVERY_FANOUT.workerMemoryMb : undefined,
        reservedConcurrency: isDeliver ? env.lambda.reservedDeliverConcurrency : undefined,
      });
      this.functions[fn.name] = lambda;
      if ('routeKey' in fn.trigger) deployed.push(this.addRoute(fn.name, fn.trigger.routeKey, lambda));
      else if ('queue' in fn.trigger) this.addChunkWorker(lambda, env);
      else this.addStreamConsumer(lambda, env);
    }

    const deployment = new Apigatewayv2Deployment(this, 'deployment', {
      apiId: this.api.id,
      triggers: { redeployment: Fn.sha1(Fn.jsonencode(deployed.map(deploymentFingerprint))) },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: deployed.flatMap(({ route, integration, response }) => (response ? [route, integration, response] : [route, integration])),
    });
    const accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${prefix}-chat`,
      retentionInDays: env.retention.logDays,
    });
    const production = env.kind === 'prod';
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: STAGE_NAME,
      deploymentId: deployment.id,
      defaultRouteSettings: {
        throttlingBurstLimit: env.webSocket.burstLimit,
        throttlingRateLimit: env.webSocket.rateLimit,
        detailedMetricsEnabled: production,
        dataTraceEnabled: false,
      },
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        // What on-call needs to follow one frame: who, which route, what came back, how long
        // the Lambda took, and why it failed (gateway error and integration error apart).
        format: JSON.stringify({
          requestId: '$context.requestId',
          extendedRequestId: '$context.extendedRequestId',
          requestTime: '$context.requestTimeEpoch',
          connectionId: '$context.connectionId',
          eventType: '$context.eventType',
          routeKey: '$context.routeKey',
          status: '$context.status',
          integrationStatus: '$context.integration.status',
          integrationLatencyMs: '$context.integration.latency',
          error: '$context.error.message',
          errorType: '$context.error.responseType',
          integrationError: '$context.integration.error',
          sourceIp: '$context.identity.sourceIp',
        }),
      },
    });
    this.webSocketUrl = `${this.api.apiEndpoint}/${STAGE_NAME}`;
  }

  private addRoute(name: string, routeKey: string, lambda: NodeFunction): RoutePieces {
    const integration = new Apigatewayv2Integration(this, `${name}-integration`, {
      apiId: this.api.id,
      integrationType: 'AWS_PROXY',
      integrationMethod: 'POST',
      integrationUri: lambda.function.invokeArn,
    });
    // Two-way routes: the handler's return value is the reply frame on the caller's socket.
    const twoWay = routeKey !== '$connect' && routeKey !== '$disconnect';
    const route = new Apigatewayv2Route(this, `${name}-route`, {
      apiId: this.api.id,
      routeKey,
      target: `integrations/${integration.id}`,
      routeResponseSelectionExpression: twoWay ? '$default' : undefined,
    });
    const response = twoWay
      ? new Apigatewayv2RouteResponse(this, `${name}-route-response`, { apiId: this.api.id, routeId: route.id, routeResponseKey: '$default' })
      : undefined;
    new LambdaPermission(this, `${name}-invoke`, {
      action: 'lambda:InvokeFunction',
      functionName: lambda.function.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.api.executionArn}/*/${routeKey}`,
    });
    return { route, integration, response };
  }

  private addStreamConsumer(lambda: NodeFunction, env: Environment): void {
    new LambdaEventSourceMapping(this, 'deliver-stream', {
      eventSourceArn: this.tables.tables.messages.streamArn,
      functionName: lambda.function.arn,
      startingPosition: 'LATEST',
      batchSize: DELIVERY_EVENT_SOURCE.batchSize,
      maximumBatchingWindowInSeconds: 0,
      // Rooms fan out in parallel; records of one room (one partition key) stay in order.
      parallelizationFactor: env.kind === 'prod' ? 10 : 2,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: DELIVERY_EVENT_SOURCE.maximumRetryAttempts,
      maximumRecordAgeInSeconds: DELIVERY_EVENT_SOURCE.maximumRecordAgeInSeconds,
      functionResponseTypes: ['ReportBatchItemFailures'],
      destinationConfig: { onFailure: { destinationArn: this.deadLetterQueue.arn } },
      dependsOn: [lambda.function],
    });
  }

  /** One chunk per invocation, so a crashed worker's chunk comes back alone; at most fanoutWorkers at once. */
  private addChunkWorker(lambda: NodeFunction, env: Environment): void {
    new LambdaEventSourceMapping(this, 'fanout-chunks-source', {
      eventSourceArn: this.chunkQueue.arn,
      functionName: lambda.function.arn,
      batchSize: DELIVERY_FANOUT.workerBatchSize,
      maximumBatchingWindowInSeconds: 0,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: env.lambda.fanoutWorkers },
      dependsOn: [lambda.function],
    });
  }
}
