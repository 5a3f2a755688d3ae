import { createDeliverHandler, deliverDepsFromEnv } from '@relay/chat-handlers';

export const handler = createDeliverHandler(deliverDepsFromEnv());
