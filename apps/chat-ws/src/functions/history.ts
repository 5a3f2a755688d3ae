import { createHistoryHandler, pagingDepsFromEnv } from '@relay/chat-handlers';

export const handler = createHistoryHandler(pagingDepsFromEnv());
