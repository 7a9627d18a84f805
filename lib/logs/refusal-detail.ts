import type { KeyStateAtRequest, RefusalDetail } from "./log-entry";
import { REDACTED_SECRET, redactSecrets } from "../security/redact-secrets";

const MAX_MESSAGE = 500;
const MAX_QUERY = 500;
const REDACTED = "[redacted]";

/** Parameter names whose values may be credentials: their values never reach the log. */
const SENSITIVE_NAME = /secret|passw|token|auth|signature|sig$|cookie|session|^key$|api[-_]?key/i;
/** Anything shaped like a Keyward secret, wherever it sits. */
const SECRET_SHAPE = /kwsec_[a-z]*_?[0-9A-Za-z]*/g;

/**
 * Remove every secret from free text (a message could echo what the caller sent): whole secrets, bare ones and
 * percent-encoded ones (lib/security/redact-secrets.ts), then any leftover fragment that starts like one.
 */
export function scrubSecrets(text: string): string {
  return redactSecrets(text).replaceAll(REDACTED_SECRET, REDACTED).replace(SECRET_SHAPE, REDACTED);
}

const encode = (text: string) => encodeURIComponent(text).replaceAll("%5Bredacted%5D", REDACTED);

/**
 * The query string as the partner sent it, for the request detail: values of credential-like parameters and
 * anything shaped like a secret are replaced, and the whole is capped. Null when there was no query.
 */
export function loggableQuery(search: string): string | null {
  const params = new URLSearchParams(search);
  const parts: string[] = [];
  for (const [name, value] of params) {
    const safe = SENSITIVE_NAME.test(name) && value !== "" ? REDACTED : scrubSecrets(value);
    // Encoded as sent, with the redaction marker left readable.
    parts.push(`${encode(scrubSecrets(name))}=${encode(safe)}`);
  }
  if (parts.length === 0) return null;
  const query = parts.join("&");
  return query.length > MAX_QUERY ? `${query.slice(0, MAX_QUERY)}…` : query;
}

/** What a refused request's log row keeps, so the detail can show what the partner saw and why. */
export function refusalDetail(input: {
  message: string;
  requiredScope: string;
  grantedScopes: readonly string[] | null;
  search: string;
  keyState: KeyStateAtRequest | null;
}): RefusalDetail {
  const message = scrubSecrets(input.message);
  const query = loggableQuery(input.search);
  return {
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
    requiredScope: input.requiredScope,
    ...(input.grantedScopes ? { grantedScopes: [...input.grantedScopes] } : {}),
    ...(query ? { query } : {}),
    ...(input.keyState ? { keyState: input.keyState } : {}),
  };
}

/** Read a stored refusal back (a JSON column); anything unreadable is treated as absent. */
export function parseRefusal(raw: string | null | undefined): RefusalDetail | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as unknown;
    if (typeof value !== "object" || value === null || typeof (value as RefusalDetail).message !== "string")
      return null;
    return value as RefusalDetail;
  } catch {
    return null;
  }
}
