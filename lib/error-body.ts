/**
 * The error body's shape and the code-to-status table, with no server dependencies: lib/errors.ts (the one
 * translation point) and proxy.ts (which answers before any route runs) build the same body from here.
 */
export const ERROR_STATUS = {
  missing_credentials: 401,
  invalid_credentials: 401,
  key_revoked: 401,
  key_expired: 401,
  key_suspended: 401,
  unauthenticated: 401,
  ip_not_allowed: 403,
  insufficient_scope: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  item_unavailable: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 400,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  storage_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const DOCS_BASE = "/docs#errors";

export type ErrorBody = {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    docs: string;
    details?: Record<string, unknown>;
  };
};

export function errorBody(
  err: { code: ErrorCode; message: string; details?: Record<string, unknown> },
  requestId: string,
): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      requestId,
      docs: `${DOCS_BASE}-${err.code}`,
      ...(err.details ? { details: err.details } : {}),
    },
  };
}
