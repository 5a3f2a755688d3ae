import { randomBytes } from 'node:crypto';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { signToken, type TokenSettings } from '@relay/chat-core';
import { CHAT_FUNCTIONS, chatTableNames, chatTables, DELIVERY_FANOUT, type ChatFunction, type ChatTableNames } from '@relay/runtime-contract';
import { createTableInputs } from '@relay/chat-store';
import { LOCAL_AUTH } from '@relay/platform-config';
import { createTables, DynamoStreamTap, startDynalite } from '@relay/dynamo-emulator';
import { LocalWebSocketGateway, type GatewayOptions, type StageThrottle } from './gateway';
import { handlerModulePath, type HandlerSource } from './handler-modules';
import { hostHandlers, type HandlerPlacement } from './lambda-host';
import type { QueueLambda, StreamLambda, WsLambda } from './lambda-types';
import { LocalQueue, type LocalQueueSettings } from './local-queue';
import { LocalSqsServer } from './local-sqs-server';
import { LOCAL_REGION } from './local-region';
import { StreamPump } from './stream-pump';

export interface LocalRuntimeOptions {
  gatewayPort?: number;
  dynamoPort?: number;
  stage?: string;
  tablePrefix?: string;
  handlers?: HandlerSource;
  /** Where the handler modules run (default main-thread; the runtime process behind k6 and the benchmarks uses a worker thread). */
  placement?: HandlerPlacement;
  functions?: readonly ChatFunction[];
  auth?: TokenSettings;
  /** Seals pagination cursors; a fresh random one per runtime unless given. */
  cursorSecret?: string;
  deliveryConcurrency?: number;
  /** The fan-out queue and its workers; the stack's settings unless overridden (tests shorten the visibility timeout). */
  queue?: Partial<LocalQueueSettings>;
  /** Delivery's chunk size and small-room threshold (default DELIVERY_FANOUT's). */
  fanout?: { chunkSize?: number; directMax?: number };
  /** Gateway failure injection for tests (throttles, resets, keep-alive timeout). */
  gatewayFaults?: Pick<GatewayOptions, 'throttleEveryNthPost' | 'resetEveryNthPost' | 'keepAliveTimeoutMs'>;
  managementRateLimit?: { ratePerSecond: number; burst: number };
  /** The WebSocket stage's throttle to mirror (an environment's `webSocket` settings); none when absent. */
  stageThrottle?: StageThrottle;
  /** Powertools log level for the handlers (default WARN, so the runtime's own output stays readable). */
  logLevel?: string;
  onError?: (message: string, error: unknown) => void;
}

export interface LocalRuntime {
  wsUrl: string;
  managementEndpoint: string;
  dynamoEndpoint: string;
  tables: ChatTableNames;
  gateway: LocalWebSocketGateway;
  /** A signed client of the local @connections API, as the deliver Lambda has one on AWS. */
  management: ApiGatewayManagementApiClient;
  pump: StreamPump;
  /** The fan-out chunk queue with its workers (SQS and its event source, in process). */
  queue: LocalQueue;
  /** The DynamoDB endpoint's fault injection and call counts. */
  tap: DynamoStreamTap;
  /** DynamoDB calls by operation since the last reset. */
  dynamoCalls(): Record<string, number>;
  resetDynamoCalls(): void;
  issueToken(userId: string, name?: string, roles?: string[]): Promise<string>;
  /** Waits until every handler invocation and stream record so far has been processed. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Brings up the whole chat on 127.0.0.1: dynalite behind a stream tap, the tables, the
 * WebSocket gateway invoking the real handler modules, and the stream pump feeding `deliver`.
 * Handler modules read their configuration from process.env at load, as on Lambda, so one
 * process hosts one runtime.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const stage = options.stage ?? 'local';
  const auth = options.auth ?? LOCAL_AUTH;
  const functions = options.functions ?? CHAT_FUNCTIONS;
  const tables = chatTableNames(options.tablePrefix ?? 'relay-local-chat');
  const onError = options.onError ?? ((message, error) => console.error(`[local-runtime] ${message}:`, error));

  const dynamo = await startDynalite(options.dynamoPort ?? 0);
  const tap = new DynamoStreamTap(dynamo.handle, [
    { tableName: tables.messages, keyAttributes: [chatTables.messages.partitionKey.name, chatTables.messages.sortKey.name] },
  ]);
  const tapServer = await tap.listen();
  await createTables(tapServer.url, createTableInputs(tables));

  const gateway = new LocalWebSocketGateway({
    port: options.gatewayPort,
    stage,
    managementRateLimit: options.managementRateLimit,
    stageThrottle: options.stageThrottle,
    ...options.gatewayFaults,
    onError,
  });
  const { wsUrl, managementEndpoint } = await gateway.start();
  // The queue's endpoint checks the same (random) credentials the handlers sign with.
  const sqs = new LocalSqsServer(gateway.managementCredentials);
  const sqsEndpoint = await sqs.start();
  let queueHandler: QueueLambda = async () => {
    throw new Error('no fan-out worker among the functions');
  };
  const queue = new LocalQueue(
    `${options.tablePrefix ?? 'relay-local-chat'}-delivery-chunks`,
    {
      visibilityTimeoutMs: DELIVERY_FANOUT.visibilityTimeoutSeconds * 1000,
      maxReceiveCount: DELIVERY_FANOUT.maxReceiveCount,
      batchSize: DELIVERY_FANOUT.workerBatchSize,
      maxConcurrency: 8,
      timeoutMs: DELIVERY_FANOUT.workerTimeoutSeconds * 1000,
      ...options.queue,
    },
    (event) => queueHandler(event),
    onError,
  );
  const queueUrl = sqs.add(queue);

  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    // Local endpoints only: never let a developer's real credentials sign these requests. The
    // gateway's @connections API checks SigV4 signatures made with exactly these (random) keys.
    AWS_ACCESS_KEY_ID: gateway.managementCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: gateway.managementCredentials.secretAccessKey,
    AWS_SESSION_TOKEN: '',
    DYNAMODB_ENDPOINT: tapServer.url,
    CHAT_CONNECTIONS_TABLE: tables.connections,
    CHAT_MEMBERSHIPS_TABLE: tables.memberships,
    CHAT_ROOMS_TABLE: tables.rooms,
    CHAT_MESSAGES_TABLE: tables.messages,
    AUTH_TOKEN_SECRET: auth.secret,
    AUTH_ISSUER: auth.issuer,
    AUTH_AUDIENCE: auth.audience,
    CURSOR_SECRET: options.cursorSecret ?? randomBytes(32).toString('base64url'),
    WS_MANAGEMENT_ENDPOINT: managementEndpoint,
    DELIVERY_CONCURRENCY: String(options.deliveryConcurrency ?? 64),
    DELIVERY_QUEUE_URL: queueUrl,
    SQS_ENDPOINT: sqsEndpoint,
    DELIVERY_CHUNK_SIZE: String(options.fanout?.chunkSize ?? DELIVERY_FANOUT.chunkSize),
    DELIVERY_DIRECT_MAX: String(options.fanout?.directMax ?? DELIVERY_FANOUT.directMax),
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env['POWERTOOLS_LOG_LEVEL'] ?? 'WARN',
    POWERTOOLS_SERVICE_NAME: 'chat',
    // Delivery's EMF metrics are for CloudWatch; locally they would only flood the console.
    POWERTOOLS_METRICS_DISABLED: process.env['POWERTOOLS_METRICS_DISABLED'] ?? 'true',
  });

  const host = await hostHandlers(
    Object.fromEntries(functions.map((fn) => [fn.name, handlerModulePath(fn, options.handlers ?? 'source')])),
    options.placement ?? 'main-thread',
  );
  const routes: Record<string, WsLambda> = {};
  let pump: StreamPump | undefined;
  for (const fn of functions) {
    const handler = host.handlers[fn.name];
    if (!handler) throw new Error(`no handler loaded for ${fn.name}`);
    if ('routeKey' in fn.trigger) {
      routes[fn.trigger.routeKey] = handler as WsLambda;
    } else if ('queue' in fn.trigger) {
      queueHandler = handler as QueueLambda;
    } else {
      pump = new StreamPump({ handler: handler as StreamLambda, onError });
    }
  }
  if (!pump) throw new Error('no stream consumer among the functions; delivery would never run');
  const streamPump = pump;
  gateway.setRoutes(routes);
  tap.onRecord((record) => streamPump.push(record));

  // Until nothing moves: a stream record can queue chunks, and a chunk can queue a retry.
  const settle = async () => {
    do {
      await gateway.settle();
      await streamPump.idle();
      await queue.idle();
      await gateway.settle();
    } while (queue.depth > 0);
  };

  const management = new ApiGatewayManagementApiClient({
    endpoint: managementEndpoint,
    region: LOCAL_REGION,
    credentials: gateway.managementCredentials,
  });
  return {
    wsUrl,
    managementEndpoint,
    management,
    dynamoEndpoint: tapServer.url,
    tables,
    gateway,
    pump: streamPump,
    queue,
    tap,
    dynamoCalls: () => tap.callCounts(),
    resetDynamoCalls: () => tap.resetCounts(),
    issueToken: (userId, name = userId, roles) => signToken({ userId, name, ...(roles?.length ? { roles } : {}) }, auth),
    settle,
    async stop() {
      management.destroy();
      await gateway.stop();
      await streamPump.stop();
      await queue.stop();
      await host.stop();
      await sqs.stop();
      await tapServer.close();
      await dynamo.close();
    },
  };
}
