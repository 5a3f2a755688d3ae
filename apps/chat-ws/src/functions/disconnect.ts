import { createDisconnectHandler, handlerDepsFromEnv } from '@relay/chat-handlers';

export const handler = createDisconnectHandler(handlerDepsFromEnv());
