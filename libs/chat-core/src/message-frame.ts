import * as z from './zod';
import type { ChatMessage, ServerFrame } from './frames';

/** What delivery sends and history returns: one shape, so clients render both the same way. */
export function messageFrame(message: ChatMessage): ServerFrame {
  return { type: 'message', ...message };
}

/** Validates a message read back from storage or a stream record before it is fanned out. */
export const chatMessageSchema = z.object({
  roomId: z.string().check(z.minLength(1)),
  seq: z.int().check(z.positive()),
  senderId: z.string().check(z.minLength(1)),
  senderName: z.string(),
  clientMessageId: z.string().check(z.minLength(1)),
  body: z.string(),
  sentAt: z.string(),
});
