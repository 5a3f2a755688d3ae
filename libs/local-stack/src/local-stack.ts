import { randomBytes } from 'node:crypto';
import { loadConfig, startBroadcastService, type RunningService } from '@relay/broadcast-service';
import { followsTable } from '@relay/runtime-contract';
import { LOCAL_REGION, startLocalRuntime, type HandlerPlacement, type HandlerSource, type LocalRuntime, type StageThrottle } from '@relay/serverless-emulator';
import { LOCAL_AUTH } from '@relay/platform-config';
import type { TokenSettings } from '@relay/chat-core';
import { tableInput } from '@relay/chat-store';
import { createTables, type RunningServer } from '@relay/dynamo-emulator';
import { startWebServer } from './web-server';

export interface LocalStackOptions {
  /**
   * How tokens are signed (default: the embedded LOCAL_AUTH). A rehearsal of a deployed env's
   * operation passes that env's issuer and a secret it seeded, so its tools sign as they would there.
   */
  auth?: TokenSettings;
  gatewayPort?: number;
  broadcastPort?: number;
  webPort?: number;
  handlers?: HandlerSource;
  /** Where the chat's handler modules run (see HandlerPlacement). */
  placement?: HandlerPlacement;
  logLevel?: string;
  /** The WebSocket stage throttle to mirror (an environment's `webSocket` settings); none when absent. */
  stageThrottle?: StageThrottle;
  /**
   * Serve the web client's built files from `root` (the app that serves it builds them, so this
   * library does not depend on the web project); none when absent, as load tests and benchmarks run.
   */
  web?: { root: string };
}

export interface LocalStack {
  runtime: LocalRuntime;
  broadcast: RunningService;
  /** Undefined when started without `web`. */
  webUrl?: string;
  stop(): Promise<void>;
}

const FOLLOWS_TABLE = 'relay-local-follows';

/** The whole product on 127.0.0.1: the chat runtime, the broadcast service and the web client. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const auth = options.auth ?? LOCAL_AUTH;
  const runtime = await startLocalRuntime({
    auth,
    gatewayPort: options.gatewayPort,
    handlers: options.handlers,
    placement: options.placement,
    logLevel: options.logLevel,
    stageThrottle: options.stageThrottle,
  });
  let broadcast: RunningService | undefined;
  let web: RunningServer | undefined;
  try {
    await createTables(runtime.dynamoEndpoint, [tableInput(followsTable, FOLLOWS_TABLE)]);
    broadcast = await startBroadcastService(
      loadConfig({
        PORT: String(options.broadcastPort ?? 0),
        HOST: '127.0.0.1',
        AWS_REGION: LOCAL_REGION,
        DYNAMODB_ENDPOINT: runtime.dynamoEndpoint,
        CHAT_ROOMS_TABLE: runtime.tables.rooms,
        CHAT_MESSAGES_TABLE: runtime.tables.messages,
        CHAT_CONNECTIONS_TABLE: runtime.tables.connections,
        CHAT_MEMBERSHIPS_TABLE: runtime.tables.memberships,
        FOLLOWS_TABLE,
        AUTH_TOKEN_SECRET: auth.secret,
        AUTH_ISSUER: auth.issuer,
        AUTH_AUDIENCE: auth.audience,
        CURSOR_SECRET: randomBytes(32).toString('base64url'),
        LOG_LEVEL: options.logLevel === 'DEBUG' ? 'debug' : 'warn',
      }),
    );
    web = !options.web
      ? undefined
      : await startWebServer({
          port: options.webPort ?? 0,
          root: options.web.root,
          config: { wsUrl: runtime.wsUrl, broadcastUrl: broadcast.url, devTokenUrl: '/dev/token' },
          issueToken: (userId) => runtime.issueToken(userId, userId),
        });
  } catch (error) {
    await broadcast?.drain('startup failed');
    await runtime.stop();
    throw error;
  }
  const webServer = web;
  const service = broadcast;
  return {
    runtime,
    broadcast: service,
    webUrl: webServer?.url,
    async stop() {
      await webServer?.close();
      await service.drain('stop');
      await runtime.stop();
    },
  };
}
