import { createLeaveHandler, presenceDepsFromEnv } from '@relay/chat-handlers';

export const handler = createLeaveHandler(presenceDepsFromEnv());
