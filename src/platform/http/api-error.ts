import { z } from 'zod';

/**
 * The closed set of error codes of the OpenAPI description (errors). This
 * enum is the one source: the `ErrorCode` type, the `code` of the document's
 * `Error` schema, and (through `STATUS`, which must name each code once)
 * the HTTP status `ApiError` answers with.
 */
export const errorCodeSchema = z.enum([
  'validation_failed',
  'team_required',
  'missing_token',
  'invalid_token',
  'insufficient_scope',
  'insufficient_role',
  'user_not_provisioned',
  'domain_not_allowed',
  'destination_not_allowed',
  'csrf_failed',
  'not_found',
  'method_not_allowed',
  'idempotency_in_flight',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'idempotency_key_reused',
  'rate_limited',
  'concurrency_limit',
  'budget_exceeded',
  'internal_error',
  'upstream_error',
  'auth_not_configured',
  'service_unavailable',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  team_required: 400,
  missing_token: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  insufficient_role: 403,
  user_not_provisioned: 403,
  domain_not_allowed: 403,
  destination_not_allowed: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  idempotency_in_flight: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  concurrency_limit: 429,
  budget_exceeded: 429,
  internal_error: 500,
  upstream_error: 502,
  auth_not_configured: 503,
  service_unavailable: 503,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; details?: unknown };
}

/** Thrown anywhere; shaped into the contract's error body by the global filter. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = STATUS[code];
  }

  static notFound(what = 'resource'): ApiError {
    return new ApiError('not_found', `${what} not found`);
  }

  static validation(message: string, details?: unknown): ApiError {
    return new ApiError('validation_failed', message, details);
  }
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}
