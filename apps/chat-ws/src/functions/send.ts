import { createSendHandler, handlerDepsFromEnv } from '@relay/chat-handlers';

export const handler = createSendHandler(handlerDepsFromEnv());
