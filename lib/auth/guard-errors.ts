import "server-only";
import type { ErrorCode } from "../errors";

/** The parts of a route that decide which errors the guard itself can answer with. */
type GuardedShape = {
  method: string;
  auth: "key" | "key-or-session";
  params?: unknown;
  query?: unknown;
  headers?: unknown;
  body?: unknown;
};

/**
 * The error codes lib/auth/api-key-guard.ts can produce for a route, derived from the route's shape rather than
 * listed by hand: every guarded route checks credentials, key state (revoked, expired, suspended), IP allowlist,
 * scope and rate limit; input schemas (path params included) add validation_failed; a body adds its size and
 * media-type checks; a session-authenticated write
 * can be refused as cross-site. Any route can meet a full, read-only or stalled database (storage_unavailable)
 * or fail unexpectedly (internal_error).
 */
export function guardErrorCodes(route: GuardedShape): ErrorCode[] {
  return [
    "missing_credentials",
    "invalid_credentials",
    "key_revoked",
    "key_expired",
    "key_suspended",
    "ip_not_allowed",
    "insufficient_scope",
    "rate_limited",
    // Path params too: an id carrying a Keyward secret is refused before it can be stored or echoed.
    ...(route.params || route.query || route.headers || route.body ? (["validation_failed"] as const) : []),
    ...(route.body ? (["payload_too_large", "unsupported_media_type"] as const) : []),
    ...(route.auth === "key-or-session" && route.method !== "GET" ? (["forbidden"] as const) : []),
    "storage_unavailable",
    "internal_error",
  ];
}
