import { createDefaultHandler, handlerDepsFromEnv } from '@relay/chat-handlers';

export const handler = createDefaultHandler(handlerDepsFromEnv());
