import { ChatError, parseFrameJson, requestIdOf } from '@relay/chat-core';
import type { HandlerDeps } from './deps';
import type { WebSocketHandler } from './events';
import { errorReply } from './replies';

export const KNOWN_ACTIONS = ['join', 'leave', 'members', 'send', 'history'] as const;

/** API Gateway routes here whatever matched no route: malformed JSON and unknown actions alike. */
export function createDefaultHandler(deps: HandlerDeps): WebSocketHandler {
  return async (event) => {
    let frame: unknown;
    try {
      frame = parseFrameJson(event.body);
      const action = frame && typeof frame === 'object' ? (frame as { action?: unknown }).action : undefined;
      if (typeof action !== 'string') {
        throw new ChatError('invalid_request', `frame needs a string "action", one of: ${KNOWN_ACTIONS.join(', ')}`);
      }
      throw new ChatError('unknown_action', `unknown action "${action.slice(0, 64)}"; expected one of: ${KNOWN_ACTIONS.join(', ')}`);
    } catch (error) {
      return errorReply(deps.logger, error, requestIdOf(frame));
    }
  };
}
