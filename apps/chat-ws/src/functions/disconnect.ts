import { createDisconnectHandler, presenceDepsFromEnv } from '@relay/chat-handlers';

export const handler = createDisconnectHandler(presenceDepsFromEnv());
