import type { FastifyInstance } from 'fastify';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createChatStores, createDocumentClient } from '@relay/chat-store';
import { buildBroadcastApp } from './app';
import type { BroadcastConfig } from './config';
import { FollowsRepository } from './follows';

export interface RunningService {
  app: FastifyInstance;
  url: string;
  /** Stop accepting, let in-flight requests finish (up to DRAIN_SECONDS), then close. */
  drain(signal: string): Promise<void>;
}

/**
 * Wires the app to DynamoDB and starts listening. Graceful shutdown for Fargate (Spot gives
 * two minutes): readiness turns 503 at once so the load balancer stops routing, the listener
 * closes, in-flight requests complete, and only then does the process exit.
 */
export async function startBroadcastService(config: BroadcastConfig): Promise<RunningService> {
  const db = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const stores = createChatStores(db, {
    connections: config.CHAT_CONNECTIONS_TABLE,
    memberships: config.CHAT_MEMBERSHIPS_TABLE,
    rooms: config.CHAT_ROOMS_TABLE,
    messages: config.CHAT_MESSAGES_TABLE,
  });
  let draining = false;
  const app = buildBroadcastApp({
    config,
    messages: stores.messages,
    follows: new FollowsRepository(db, config.FOLLOWS_TABLE),
    ready: async () => {
      if (draining) return false;
      try {
        // A stalled DynamoDB must turn readiness 503 within the load balancer's check timeout.
        await db.send(new DescribeTableCommand({ TableName: config.CHAT_MESSAGES_TABLE }), { abortSignal: AbortSignal.timeout(1500) });
        return true;
      } catch {
        return false;
      }
    },
  });
  const url = await app.listen({ port: config.PORT, host: config.HOST });
  return {
    app,
    url,
    async drain(signal) {
      if (draining) return;
      draining = true;
      app.log.info({ signal }, 'draining: no new connections, finishing in-flight requests');
      const deadline = setTimeout(() => {
        app.log.error('drain deadline passed; exiting with requests still in flight');
        process.exit(1);
      }, config.DRAIN_SECONDS * 1000);
      deadline.unref();
      await app.close();
      db.destroy();
      clearTimeout(deadline);
      app.log.info('drained');
    },
  };
}
