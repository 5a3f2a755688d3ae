import { createJoinHandler, handlerDepsFromEnv } from '@relay/chat-handlers';

export const handler = createJoinHandler(handlerDepsFromEnv());
