import { createJoinHandler, presenceDepsFromEnv } from '@relay/chat-handlers';

export const handler = createJoinHandler(presenceDepsFromEnv());
