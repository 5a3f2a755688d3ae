import type { Logger } from '@aws-lambda-powertools/logger';
import { isChatError, type ServerFrame } from '@relay/chat-core';
import type { WebSocketResult } from './events';

/**
 * The route response API Gateway sends back on the caller's socket. Errors travel as frames
 * with status 200 too: the WebSocket has no status line, the frame's code is the contract.
 */
export function reply(frame: ServerFrame): WebSocketResult {
  return { statusCode: 200, body: JSON.stringify(frame) };
}

export function errorReply(logger: Logger, error: unknown, requestId?: string): WebSocketResult {
  if (isChatError(error)) {
    // A flood of refusals must not become a flood of log lines (CloudWatch bills each byte):
    // rate_limited is logged at debug; the stage's metrics count throttled frames anyway.
    const log = error.code === 'rate_limited' ? logger.debug.bind(logger) : logger.info.bind(logger);
    log('request rejected', { code: error.code, reason: error.message });
    return reply({ type: 'error', code: error.code, message: error.message, requestId, details: error.details });
  }
  logger.error('request failed', error as Error);
  return reply({ type: 'error', code: 'internal_error', message: 'internal error, safe to retry', requestId });
}
