import { createMembersHandler, pagingDepsFromEnv } from '@relay/chat-handlers';

export const handler = createMembersHandler(pagingDepsFromEnv());
