import { createLeaveHandler, handlerDepsFromEnv } from '@relay/chat-handlers';

export const handler = createLeaveHandler(handlerDepsFromEnv());
