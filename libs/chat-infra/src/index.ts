export { ChatTables } from './chat-tables';
export { ChatWebSocketApi, STAGE_NAME, type ChatWebSocketApiProps } from './chat-websocket-api';
export { CHAT_FUNCTION_ACCESS, type ChatResourceArns } from './chat-permissions';
export { writeStubArtifacts } from './stub-artifacts';
export { DeliveryObservability, type DeliveryObservabilityProps } from './delivery-observability';
