import { ChatError, MAX_FRAME_BYTES, mayPost, messageFrame, sendRequestSchema, utf8Bytes } from '@relay/chat-core';
import type { HandlerDeps } from './deps';
import type { WebSocketHandler } from './events';
import { requireMembership } from './rooms';
import { wsRoute } from './route';

/** Largest sequence number and timestamp, so the size check holds for every real message. */
const SIZE_PROBE = { seq: Number.MAX_SAFE_INTEGER, sentAt: '2000-01-01T00:00:00.000Z' };

export function createSendHandler(deps: HandlerDeps): WebSocketHandler {
  return wsRoute(deps, sendRequestSchema, async ({ connectionId, now }, request) => {
    const sender = await requireMembership(deps, request.roomId, connectionId);
    if (!mayPost(sender, request.roomId)) {
      throw new ChatError('forbidden', `room ${request.roomId} is an artist's broadcast room: only that artist posts there`);
    }
    const draft = {
      roomId: request.roomId,
      senderId: sender.userId,
      senderName: sender.name,
      clientMessageId: request.clientMessageId,
      body: request.body,
    };
    const deliveredBytes = utf8Bytes(JSON.stringify(messageFrame({ ...draft, ...SIZE_PROBE })));
    if (deliveredBytes > MAX_FRAME_BYTES) {
      throw new ChatError('message_too_large', `message would be ${deliveredBytes} bytes when delivered; the limit is ${MAX_FRAME_BYTES}`);
    }
    const { message, duplicate } = await deps.stores.messages.append(draft, now);
    return {
      type: 'ack',
      action: 'send',
      requestId: request.requestId,
      roomId: message.roomId,
      seq: message.seq,
      clientMessageId: message.clientMessageId,
      sentAt: message.sentAt,
      duplicate,
    };
  });
}
