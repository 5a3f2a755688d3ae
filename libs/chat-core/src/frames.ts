import * as z from './zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits';
import { ChatError } from './errors';
import { isWellFormed } from './identity';

export const roomIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'roomId must be 1-128 characters of A-Z a-z 0-9 _ . : -'));

const requestId = z.optional(z.string().check(z.maxLength(128)));

/** A chat body: non-empty and valid Unicode (a lone surrogate cannot be stored or delivered as UTF-8). */
export const messageBodySchema = z
  .string()
  .check(z.minLength(1, 'body must not be empty'), z.refine(isWellFormed, 'body must be valid Unicode text (it has a lone surrogate)'));
const pageLimit = z._default(z.int().check(z.minimum(1), z.maximum(MAX_PAGE_SIZE)), DEFAULT_PAGE_SIZE);
const cursor = z.optional(z.string().check(z.maxLength(2048)));

export const joinRequestSchema = z.object({ action: z.literal('join'), roomId: roomIdSchema, requestId });
export const leaveRequestSchema = z.object({ action: z.literal('leave'), roomId: roomIdSchema, requestId });
export const membersRequestSchema = z.object({
  action: z.literal('members'),
  roomId: roomIdSchema,
  cursor,
  limit: pageLimit,
  requestId,
});
export const historyRequestSchema = z.object({
  action: z.literal('history'),
  roomId: roomIdSchema,
  cursor,
  /**
   * Only messages with a greater seq, oldest first: what a client that holds everything up to
   * `after` is missing (a gap, a reconnect). A page shorter than `limit` is the end; otherwise
   * ask again after its last seq. Not combined with `cursor`.
   */
  after: z.optional(z.int().check(z.minimum(0))),
  limit: pageLimit,
  requestId,
});
export const sendRequestSchema = z.object({
  action: z.literal('send'),
  roomId: roomIdSchema,
  clientMessageId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientMessageId must be 1-64 characters of A-Z a-z 0-9 _ -')),
  body: messageBodySchema,
  requestId,
});

// nx g @relay/nx-plugin:route adds request schemas above this line.

export type JoinRequest = z.infer<typeof joinRequestSchema>;
export type LeaveRequest = z.infer<typeof leaveRequestSchema>;
export type MembersRequest = z.infer<typeof membersRequestSchema>;
export type HistoryRequest = z.infer<typeof historyRequestSchema>;
export type SendRequest = z.infer<typeof sendRequestSchema>;
// nx g @relay/nx-plugin:route adds request types above this line.

/** A stored chat message, exactly as fanned out to room members. */
export interface ChatMessage {
  roomId: string;
  seq: number;
  senderId: string;
  senderName: string;
  clientMessageId: string;
  body: string;
  sentAt: string;
}

export type ServerFrame =
  | { type: 'ack'; action: string; requestId?: string; [key: string]: unknown }
  | ({ type: 'message' } & ChatMessage)
  | { type: 'history'; requestId?: string; roomId: string; items: ChatMessage[]; cursor: string | null }
  | {
      type: 'members';
      requestId?: string;
      roomId: string;
      members: { userId: string; name: string }[];
      cursor: string | null;
    }
  | { type: 'presence'; roomId: string; userId: string; name: string; online: boolean }
  | { type: 'error'; code: string; message: string; requestId?: string; details?: unknown };

/** Parses the raw frame text into JSON, failing with a stable code instead of a SyntaxError. */
export function parseFrameJson(raw: string | null | undefined): unknown {
  if (raw === null || raw === undefined || raw === '') {
    throw new ChatError('malformed_frame', 'frame is empty; expected a JSON object');
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new ChatError('malformed_frame', 'frame is not valid JSON');
  }
}

/** Validates a parsed frame against the route's schema, reporting every field problem at once. */
export function parseRequest<S extends z.ZodMiniType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    throw new ChatError('invalid_request', summary, issues);
  }
  return result.data;
}

/** requestId for echoing in errors, read defensively from frames that failed validation. */
export function requestIdOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'requestId' in value) {
    const id = (value as { requestId: unknown }).requestId;
    if (typeof id === 'string' && id.length <= 128) return id;
  }
  return undefined;
}
