/**
 * API Gateway WebSocket limits, enforced the same way locally and on AWS.
 * A message may arrive in several frames up to 128 KB in total; everything we deliver must fit
 * in a single 32 KB frame so no client ever has to reassemble a chat message.
 */
export const MAX_PAYLOAD_BYTES = 128 * 1024;
export const MAX_FRAME_BYTES = 32 * 1024;

/** API Gateway closes a WebSocket after 2 h; rows outlive that so TTL only reaps true leftovers. */
export const CONNECTION_TTL_SECONDS = 3 * 60 * 60;

/**
 * One connection's frames, per route function instance (a Lambda container; the local host):
 * a person types far below this, a reconnecting client's join + history + members fits the
 * burst, and a runaway client is answered rate_limited before it spends a database call.
 * API Gateway's own throttles are per stage and route, shared by every connection, so they
 * cannot keep one socket from starving the rest; this does, for the backend.
 */
export const CONNECTION_FRAME_LIMIT = { ratePerSecond: 10, burst: 20 } as const;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
