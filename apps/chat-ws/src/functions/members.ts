import { createMembersHandler, handlerDepsFromEnv } from '@relay/chat-handlers';

export const handler = createMembersHandler(handlerDepsFromEnv());
