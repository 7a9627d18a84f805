import "server-only";
import { PrismaClientKnownRequestError } from "@prisma/client/runtime/client";
import { z } from "zod";
import { describeStorageFailure, isStorageFailure } from "./db/storage-failure";
import { ERROR_STATUS, errorBody, type ErrorCode } from "./error-body";
import { findString, isMalformedText } from "./well-formed-text";
import { containsSecret, redactSecrets } from "./security/redact-secrets";
import { services } from "./services";

/**
 * One error type for the whole house. Anything in lib/ throws ApiError; the edges (route handlers, server
 * actions, the API-key guard) turn it into the one error body with toErrorResponse().
 */
export { ERROR_STATUS, type ErrorCode } from "./error-body";

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

/**
 * Parse with a zod schema, throwing the project's validation error (400) on failure. Whatever the schema says,
 * two kinds of text are refused first: text that is not well-formed UTF-16 (a lone surrogate), and a Keyward
 * secret in any field, so that a secret pasted into a name, a note or a filter is never stored or echoed. The
 * one input made of secrets (a leak report: `secretsExpected`) skips that check; it stores none of them.
 */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  input: unknown,
  root?: string,
  opts: { secretsExpected?: boolean } = {},
): z.infer<T> {
  const field = (at: string) => [root, at].filter(Boolean).join(".") || "(body)";
  const malformed = findString(input, isMalformedText);
  if (malformed !== null) {
    throw invalidField(field(malformed), "contains a lone UTF-16 surrogate (\\ud800-\\udfff outside a pair)");
  }
  const secret = opts.secretsExpected ? null : findString(input, containsSecret);
  if (secret !== null) {
    throw invalidField(
      field(secret),
      "contains a Keyward API secret; secrets go only in X-API-Secret (or HTTP Basic), never in a field",
    );
  }
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, root);
  return result.data;
}

/** Seconds a client should wait before retrying after storage_unavailable. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

/** The answer to a full, read-only or stalled data folder: a state that clears, so 503 with Retry-After. */
export function storageUnavailable(cause?: unknown): ApiError {
  return new ApiError(
    "storage_unavailable",
    "Storage unavailable: the server cannot write to its database right now (disk full, read-only or busy). Nothing was changed; retry in a few seconds.",
    { cause, headers: { "Retry-After": String(STORAGE_RETRY_AFTER_SECONDS) } },
  );
}

/**
 * Map anything thrown to an ApiError: ours as is, zod and Prisma errors to their meaning, storage failures
 * (disk full, read-only, I/O error, database locked past the bound) to 503, the rest to 500.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof z.ZodError) return validationError(err);
  const code = err instanceof PrismaClientKnownRequestError ? err.code : undefined;
  if (code === "P2002") return new ApiError("conflict", "A record with these values already exists.", { cause: err });
  if (code === "P2025") return new ApiError("not_found", "The requested resource was not found.", { cause: err });
  if (isStorageFailure(err)) return storageUnavailable(err);
  return new ApiError(
    "internal_error",
    "Something went wrong on our side. Quote the request id if you contact support.",
    {
      cause: err,
    },
  );
}

/**
 * Log a 5xx once: a storage failure as one line (the state is the news, and a full disk fails every write:
 * a stack per request would bury the log), anything else with its stack.
 */
export function logServerError(apiError: ApiError, what: string): void {
  if (apiError.status < 500) return;
  const { logger } = services();
  if (apiError.code === "storage_unavailable") {
    // A state of the machine, not a bug: one line naming the failure, no stack.
    logger.error(`${what}: storage unavailable (${describeStorageFailure(apiError.cause)})`);
  } else {
    logger.error({ err: apiError.cause ?? apiError }, `${what} failed`);
  }
}

/** The one translation point from a thrown value to an HTTP response. Unexpected errors are logged once. */
export function toErrorResponse(err: unknown, requestId: string, extraHeaders: Record<string, string> = {}): Response {
  const apiError = toApiError(err);
  logServerError(apiError, `request ${requestId}`);
  // An error message may quote the input (an id, a value): a secret sent where it does not belong is not echoed.
  const plain = errorBody(apiError, requestId);
  const json = JSON.stringify(plain);
  const redacted = redactSecrets(json);
  const body = redacted === json ? plain : (JSON.parse(redacted) as unknown);
  return Response.json(body, {
    status: apiError.status,
    headers: { "X-Request-Id": requestId, "Cache-Control": "no-store", ...extraHeaders, ...(apiError.headers ?? {}) },
  });
}
