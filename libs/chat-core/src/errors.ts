/** Stable error codes: clients switch on these, so never rename one. */
export const ERROR_CODES = {
  malformed_frame: 400,
  unknown_action: 400,
  invalid_request: 400,
  payload_too_large: 413,
  message_too_large: 413,
  unauthorized: 401,
  not_a_member: 403,
  forbidden: 403,
  /** This connection sent faster than its limit; `details.retryAfterMs` says when to try again. */
  rate_limited: 429,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ChatError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ChatError';
    this.status = ERROR_CODES[code];
  }
}

export function isChatError(error: unknown): error is ChatError {
  return error instanceof ChatError;
}
