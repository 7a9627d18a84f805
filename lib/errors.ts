import "server-only";
import { PrismaClientKnownRequestError } from "@prisma/client/runtime/client";
import { z } from "zod";

/**
 * One error type for the whole house. Anything in lib/ throws ApiError; the edges (route handlers, server
 * actions, the API-key guard) turn it into the one error body with toErrorResponse().
 */
export const ERROR_STATUS = {
  missing_credentials: 401,
  invalid_credentials: 401,
  key_revoked: 401,
  key_expired: 401,
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
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const DOCS_BASE = "/docs#errors";

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

/** The one shape of field-level problems, carried as `details.issues` (forms show each next to its field). */
type FieldIssue = { field: string; message: string };

export const issuesDetail = (...issues: FieldIssue[]) => ({ issues });

/** A 400 for one field, e.g. invalidField("query.cursor", "not a cursor this API returned"). */
export function invalidField(field: string, message: string, summary = `${field}: ${message}`): ApiError {
  return new ApiError("validation_failed", summary, { details: issuesDetail({ field, message }) });
}

/** Reduce zod issues to "field: message" lines a person can act on. */
function describeZodIssues(error: z.ZodError, root?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const pathParts = [root, ...issue.path.map(String)].filter(Boolean);
    return { field: pathParts.join(".") || "(body)", message: issue.message };
  });
}

function validationError(error: z.ZodError, root?: string): ApiError {
  const issues = describeZodIssues(error, root);
  const message = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
  return new ApiError("validation_failed", message, { details: issuesDetail(...issues) });
}

/** Parse with a zod schema, throwing the project's validation error (400) on failure. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, root?: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, root);
  return result.data;
}

type ErrorBody = {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    docs: string;
    details?: Record<string, unknown>;
  };
};

/** Map anything thrown to an ApiError: ours as is, zod and Prisma errors to their meaning, the rest to 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof z.ZodError) return validationError(err);
  const code = err instanceof PrismaClientKnownRequestError ? err.code : undefined;
  if (code === "P2002") return new ApiError("conflict", "A record with these values already exists.", { cause: err });
  if (code === "P2025") return new ApiError("not_found", "The requested resource was not found.", { cause: err });
  return new ApiError(
    "internal_error",
    "Something went wrong on our side. Quote the request id if you contact support.",
    {
      cause: err,
    },
  );
}

function errorBody(err: ApiError, requestId: string): ErrorBody {
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

/** The one translation point from a thrown value to an HTTP response. Unexpected errors are logged once. */
export function toErrorResponse(err: unknown, requestId: string, extraHeaders: Record<string, string> = {}): Response {
  const apiError = toApiError(err);
  if (apiError.status >= 500) {
    console.error(`[keyward] request ${requestId} failed:`, apiError.cause ?? apiError);
  }
  return Response.json(errorBody(apiError, requestId), {
    status: apiError.status,
    headers: { "X-Request-Id": requestId, "Cache-Control": "no-store", ...extraHeaders, ...(apiError.headers ?? {}) },
  });
}
