import { connectDepsFromEnv, createConnectHandler } from '@relay/chat-handlers';

export const handler = createConnectHandler(connectDepsFromEnv());
