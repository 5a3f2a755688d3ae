export type { WebSocketEvent, WebSocketHandler, WebSocketResult } from './events';
export type { HandlerDeps, ConnectDeps, PagingDeps } from './deps';
export { createConnectHandler } from './connect';
export { createDisconnectHandler } from './disconnect';
export { createJoinHandler, createLeaveHandler, createMembersHandler, createHistoryHandler } from './rooms';
export { createSendHandler } from './send';
export { createDefaultHandler, KNOWN_ACTIONS } from './default-route';
export {
  createDeliverHandler,
  deliverRecord,
  DEFAULT_TIME_RESERVE_MS,
  TimeBudgetExhausted,
  type DeliverDeps,
  type FanoutReport,
  type InvocationClock,
} from './deliver';
export type { ConnectionPoster } from './poster';
export { createSignedPoster, credentialsFromEnv, ManagementApiError, signPost, type PosterCredentials } from './signed-poster';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
export { AdaptiveLimit } from './adaptive-limit';
export { createFanoutWorkerHandler, deliverChunk, deliverChunkRecord, type FanoutWorkerDeps, type ChunkReport } from './fanout-worker';
export { createSqsChunkQueue, sendBatches, type ChunkQueue } from './chunk-queue';
export { postToAll, removeGoneRecipients, type PostingDeps, type PostOutcome } from './post';
export { handlerDepsFromEnv, presenceDepsFromEnv, connectDepsFromEnv, deliverDepsFromEnv, fanoutDepsFromEnv, pagingDepsFromEnv } from './env';
