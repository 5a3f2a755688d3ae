export { startLocalRuntime, LOCAL_AUTH, type LocalRuntime, type LocalRuntimeOptions } from './runtime';
export { LocalWebSocketGateway, type GatewayOptions } from './gateway';
export { verifyManagementSignature, type ManagementCredentials } from './management-auth';
export { StreamPump, type StreamPumpOptions } from './stream-pump';
export { handlerModulePath, type HandlerSource } from './handler-modules';
export { workspaceRoot } from './workspace';
export type { WsLambda, StreamLambda } from './lambda-types';
export { ChatClient, type Frame } from './chat-client';
