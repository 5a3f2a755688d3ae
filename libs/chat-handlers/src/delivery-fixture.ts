import type { DynamoDBRecord } from 'aws-lambda';
import { ChatClient, LocalWebSocketGateway, type GatewayOptions } from '@relay/serverless-emulator';
import { createChatStores, createDocumentClient, createTableInputs, type ChatStores } from '@relay/chat-store';
import { chatTableNames } from '@relay/runtime-contract';
import { createTables, DynamoStreamTap, startDynalite } from '@relay/dynamo-emulator';

/**
 * The real parts delivery tests run against: dynalite behind the stream tap (so stored
 * messages become real stream records), the chat tables, and a local API Gateway whose
 * management API the poster signs for. For tests only.
 */
export interface DeliveryFixture {
  stores: ChatStores;
  tap: DynamoStreamTap;
  gateway: LocalWebSocketGateway;
  /** Opens sockets and makes their connections members of the room. */
  room(roomId: string, count: number): Promise<{ listeners: ChatClient[]; ids: string[] }>;
  /** Stores a message through the tap and returns the real stream record it produced. */
  stored(roomId: string, clientMessageId: string): Promise<DynamoDBRecord>;
  stop(): Promise<void>;
}

export async function startDeliveryFixture(prefix: string, gatewayOptions: Omit<GatewayOptions, 'stage'>): Promise<DeliveryFixture> {
  const tables = chatTableNames(prefix);
  const records: DynamoDBRecord[] = [];
  const clients: ChatClient[] = [];
  const dynamo = await startDynalite();
  const tap = new DynamoStreamTap(dynamo.handle, [{ tableName: tables.messages, keyAttributes: ['roomId', 'seq'] }]);
  tap.onRecord((r) => records.push(r));
  const tapServer = await tap.listen();
  await createTables(tapServer.url, createTableInputs(tables));
  const gateway = new LocalWebSocketGateway({ stage: prefix, ...gatewayOptions });
  await gateway.start();
  // The poster signs with the environment's credentials, as on Lambda; the gateway checks them.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: gateway.managementCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: gateway.managementCredentials.secretAccessKey,
  });
  const stores = createChatStores(createDocumentClient({ endpoint: tapServer.url, region: 'us-east-1' }), tables);
  return {
    stores,
    tap,
    gateway,
    async room(roomId, count) {
      const before = new Set(gateway.connectionIds());
      const listeners = await Promise.all(Array.from({ length: count }, () => ChatClient.connect(gateway.wsUrl, 'unused')));
      clients.push(...listeners);
      const ids = gateway.connectionIds().filter((id) => !before.has(id));
      for (const connectionId of ids) {
        await stores.memberships.join({ roomId, connectionId, userId: connectionId, name: 'n', joinedAt: '', expiresAt: 4102444800 });
      }
      return { listeners, ids };
    },
    async stored(roomId, clientMessageId) {
      const count = records.length;
      await stores.messages.append({ roomId, senderId: 's', senderName: 'S', clientMessageId, body: `body ${clientMessageId}` });
      const record = records[count];
      if (!record || records.length !== count + 1) throw new Error('the tap did not produce exactly one stream record');
      return record;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await gateway.stop();
      await tapServer.close();
      await dynamo.close();
    },
  };
}
