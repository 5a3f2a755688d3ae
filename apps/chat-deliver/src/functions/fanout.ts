import { createFanoutWorkerHandler, fanoutDepsFromEnv } from '@relay/chat-handlers';

export const handler = createFanoutWorkerHandler(fanoutDepsFromEnv());
