export { loadConfig, type BroadcastConfig } from './config';
export { buildBroadcastApp, artistRoom, type BroadcastDeps } from './app';
export { startBroadcastService, type RunningService } from './server';
export { REST_ERROR_CODES, errorResponseSchema, type ErrorResponse } from './errors';
export { FollowsRepository } from './follows';
