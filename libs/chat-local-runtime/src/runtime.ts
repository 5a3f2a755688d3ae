import { randomBytes } from 'node:crypto';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { CHAT_FUNCTIONS, signToken, type ChatFunction, type TokenSettings } from '@relay/chat-core';
import { chatTableNames, chatTables, createTableInputs, type ChatTableNames } from '@relay/chat-store';
import { createTables, DynamoStreamTap, startDynalite } from '@relay/local-dynamo';
import { LocalWebSocketGateway } from './gateway';
import { handlerModulePath, loadHandler, type HandlerSource } from './handler-modules';
import type { StreamLambda, WsLambda } from './lambda-types';
import { StreamPump } from './stream-pump';

export interface LocalRuntimeOptions {
  gatewayPort?: number;
  dynamoPort?: number;
  stage?: string;
  tablePrefix?: string;
  handlers?: HandlerSource;
  functions?: readonly ChatFunction[];
  auth?: TokenSettings;
  /** Seals pagination cursors; a fresh random one per runtime unless given. */
  cursorSecret?: string;
  deliveryConcurrency?: number;
  managementRateLimit?: { ratePerSecond: number; burst: number };
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
  /** DynamoDB calls by operation since the last reset. */
  dynamoCalls(): Record<string, number>;
  resetDynamoCalls(): void;
  issueToken(userId: string, name?: string, roles?: string[]): Promise<string>;
  /** Waits until every handler invocation and stream record so far has been processed. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** The secret of the embedded default only; deployed environments read theirs from SSM. */
export const LOCAL_AUTH: TokenSettings = {
  secret: 'relay-local-development-secret-not-for-any-deployed-env',
  issuer: 'relay-local',
  audience: 'relay-chat',
};

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
  const tap = new DynamoStreamTap(dynamo.url, [
    { tableName: tables.messages, keyAttributes: [chatTables.messages.partitionKey.name, chatTables.messages.sortKey.name] },
  ]);
  const tapServer = await tap.listen();
  await createTables(tapServer.url, createTableInputs(tables));

  const gateway = new LocalWebSocketGateway({
    port: options.gatewayPort,
    stage,
    managementRateLimit: options.managementRateLimit,
    onError,
  });
  const { wsUrl, managementEndpoint } = await gateway.start();

  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
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
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env['POWERTOOLS_LOG_LEVEL'] ?? 'WARN',
    POWERTOOLS_SERVICE_NAME: 'chat',
    // Delivery's EMF metrics are for CloudWatch; locally they would only flood the console.
    POWERTOOLS_METRICS_DISABLED: process.env['POWERTOOLS_METRICS_DISABLED'] ?? 'true',
  });

  const routes: Record<string, WsLambda> = {};
  let pump: StreamPump | undefined;
  for (const fn of functions) {
    const file = handlerModulePath(fn, options.handlers ?? 'source');
    if ('routeKey' in fn.trigger) {
      routes[fn.trigger.routeKey] = loadHandler<WsLambda>(file);
    } else {
      pump = new StreamPump({ handler: loadHandler<StreamLambda>(file), onError });
    }
  }
  if (!pump) throw new Error('no stream consumer among the functions; delivery would never run');
  const streamPump = pump;
  gateway.setRoutes(routes);
  tap.onRecord((record) => streamPump.push(record));

  const settle = async () => {
    await gateway.settle();
    await streamPump.idle();
    await gateway.settle();
  };

  const management = new ApiGatewayManagementApiClient({
    endpoint: managementEndpoint,
    region: 'us-east-1',
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
    dynamoCalls: () => tap.callCounts(),
    resetDynamoCalls: () => tap.resetCounts(),
    issueToken: (userId, name = userId, roles) => signToken({ userId, name, ...(roles?.length ? { roles } : {}) }, auth),
    settle,
    async stop() {
      management.destroy();
      await gateway.stop();
      await streamPump.stop();
      await tapServer.close();
      await dynamo.close();
    },
  };
}
