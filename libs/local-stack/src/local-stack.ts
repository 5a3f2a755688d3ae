import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { followsTable, loadConfig, startBroadcastService, type RunningService } from '@relay/broadcast-service';
import {
  LOCAL_AUTH,
  LOCAL_REGION,
  startLocalRuntime,
  workspaceRoot,
  type HandlerPlacement,
  type HandlerSource,
  type LocalRuntime,
  type StageThrottle,
} from '@relay/chat-local-runtime';
import type { TokenSettings } from '@relay/chat-core';
import { tableInput } from '@relay/chat-store';
import { createTables, type RunningServer } from '@relay/local-dynamo';
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
  /** Serve the web client (default true); load tests and benchmarks leave it out. */
  web?: boolean;
}

export interface LocalStack {
  runtime: LocalRuntime;
  broadcast: RunningService;
  /** Undefined when started with web: false. */
  webUrl?: string;
  stop(): Promise<void>;
}

const FOLLOWS_TABLE = 'relay-local-follows';

/** The newest modification time under a folder (files only). */
function newestChange(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestChange(full) : statSync(full).mtimeMs);
  }, 0);
}

/** Build the web client when there is none, or when its sources changed after the last build. */
function webBuildIsStale(root: string, webRoot: string): boolean {
  const built = path.join(webRoot, 'index.html');
  if (!existsSync(built)) return true;
  const sources = path.join(root, 'apps', 'web');
  return newestChange(sources) > statSync(built).mtimeMs;
}

/** The whole product on 127.0.0.1: the chat runtime, the broadcast service and the web client. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const root = workspaceRoot();
  const webRoot = path.join(root, 'dist', 'apps', 'web');
  const serveWeb = options.web ?? true;
  if (serveWeb && webBuildIsStale(root, webRoot)) {
    const built = spawnSync('npx', ['vite', 'build', '--config', path.join(root, 'apps/web/vite.config.ts'), '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('building the web client failed');
  }

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
    web = !serveWeb
      ? undefined
      : await startWebServer({
          port: options.webPort ?? 0,
          root: webRoot,
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
