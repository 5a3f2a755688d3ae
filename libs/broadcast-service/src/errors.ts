import { z } from 'zod';

/**
 * One stable, machine-readable code per HTTP status, in the same shape as the chat's error
 * frames (`type`, `code`, `message`, `requestId`, optional `details`), so a client handles both
 * APIs' errors with one switch. Never rename a code.
 */
export const REST_ERROR_CODES = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'idempotency_conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
} as const;

export type RestErrorStatus = keyof typeof REST_ERROR_CODES;

export const errorResponseSchema = z.object({
  type: z.literal('error'),
  code: z.enum(Object.values(REST_ERROR_CODES) as [string, ...string[]]),
  message: z.string(),
  requestId: z.string(),
  details: z.unknown().optional(),
});

export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** The closest status we document: unknown 4xx become 400, unknown 5xx become 500. */
export function documentedStatus(status: number): RestErrorStatus {
  if (status in REST_ERROR_CODES) return status as RestErrorStatus;
  return status >= 400 && status < 500 ? 400 : 500;
}

export function errorResponse(status: RestErrorStatus, message: string, requestId: string, details?: unknown): ErrorResponse {
  return { type: 'error', code: REST_ERROR_CODES[status], message, requestId, ...(details === undefined ? {} : { details }) };
}

/** A rejection a route raises on purpose; the error handler turns it into its documented response. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: RestErrorStatus,
    message: string,
  ) {
    super(message);
  }
}
