import type { ErrorCode } from "./errors";

/** What each error code means and what to do about it: the API docs' Errors section (error bodies link here). */
export const ERROR_MEANINGS: Record<ErrorCode, string> = {
  missing_credentials: "No API key was sent. Send X-API-Key and X-API-Secret, or HTTP Basic (key id : secret).",
  invalid_credentials:
    "The key id is unknown or the secret does not match it. Check both; a rotated-out secret stops working when its grace period ends.",
  key_revoked: "The key was revoked and is refused for good. Ask its owner for a new key.",
  key_expired: "The key passed its expiry date. Its owner can set a new expiry in the dashboard.",
  key_suspended:
    "The key is suspended for now (its owner paused it, e.g. while looking into a possible leak). Its owner can resume it; until then every request with it is refused.",
  unauthenticated: "This dashboard endpoint needs a signed-in session. Sign in and try again.",
  ip_not_allowed: "The request came from an IP address outside the key's allowlist.",
  insufficient_scope:
    "The key is valid but lacks the scope this endpoint requires. Its owner can add the scope, or use a key that has it.",
  forbidden: "You are signed in but not allowed to do this.",
  not_found: "The resource does not exist, or it belongs to someone else.",
  method_not_allowed: "This path does not accept this HTTP method.",
  conflict:
    "The request conflicts with the resource's current state (e.g. a duplicate name, or an offer that is no longer pending).",
  item_unavailable: "The inventory item can no longer take offers.",
  idempotency_conflict: "This Idempotency-Key was already used with a different request body.",
  payload_too_large: "The request body is too large.",
  unsupported_media_type: "Send the body as JSON with Content-Type: application/json.",
  validation_failed: "The input is invalid. details.issues lists each field and what is expected.",
  rate_limited: "Too many requests for this key. Wait for the number of seconds in Retry-After, then retry.",
  internal_error: "Something failed on the server. Retry later; quote the request id if you contact support.",
  service_unavailable: "The service is starting up or shutting down. Retry shortly.",
  storage_unavailable:
    "The server cannot write to its database right now: its disk is full or read-only, or the database stayed locked past the server's wait bound. Nothing was changed. Retry after the number of seconds in Retry-After; it clears without a restart once the operator frees space or the lock.",
};
