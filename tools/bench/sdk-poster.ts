import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { ConnectionPoster } from '@relay/chat-handlers';

/**
 * PostToConnection through the SDK client, as delivery posted before the signed poster: kept
 * only so bench:fanout can measure the two side by side.
 */
export function createManagementPoster(options: { endpoint: string; region?: string; maxSockets: number }): ConnectionPoster {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  const client = new ApiGatewayManagementApiClient({
    endpoint: options.endpoint,
    region: options.region,
    // Retries are delivery's own policy (jittered, 410-aware); the SDK's would double them.
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      // A stalled connection fails fast and is retried by delivery's own policy.
      connectionTimeout: 3000,
      requestTimeout: 5000,
    }),
  });
  return {
    async post(connectionId, data) {
      await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data) }));
    },
  };
}
