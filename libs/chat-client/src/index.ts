export {
  ChatConnection,
  CONNECTION_LIMIT_MS,
  FatalConnectionError,
  reconnectDelay,
  renewalDelay,
  type Backoff,
  type ConnectionState,
  type Frame,
} from './connection';
export { RoomSync, type ChatMessage, type RoomSyncEvents, type RoomSyncOptions } from './room-sync';
