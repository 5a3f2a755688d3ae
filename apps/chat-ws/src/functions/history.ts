import { createHistoryHandler, handlerDepsFromEnv } from '@relay/chat-handlers';

export const handler = createHistoryHandler(handlerDepsFromEnv());
