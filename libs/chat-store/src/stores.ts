import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConnectionsRepository } from './connections';
import { DeliveryProgressRepository } from './delivery-progress';
import { MembershipsRepository } from './memberships';
import { MessagesRepository } from './messages';
import type { ChatTableNames } from '@relay/runtime-contract';

export interface ChatStores {
  connections: ConnectionsRepository;
  memberships: MembershipsRepository;
  messages: MessagesRepository;
  deliveryProgress: DeliveryProgressRepository;
}

export function createChatStores(db: DynamoDBDocumentClient, tables: ChatTableNames): ChatStores {
  return {
    connections: new ConnectionsRepository(db, tables.connections),
    memberships: new MembershipsRepository(db, tables.memberships),
    messages: new MessagesRepository(db, tables),
    deliveryProgress: new DeliveryProgressRepository(db, tables.rooms),
  };
}
