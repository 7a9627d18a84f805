/**
 * The log keeps the first 64 characters of a key id (an imported legacy id may have up to 128): a read that names a
 * key by its public id compares this form, or a long legacy id would match none of its rows.
 */
export function loggedKeyId(keyId: string): string {
  return keyId.slice(0, 64);
}

/** One partner API request, as recorded. Timestamps are epoch milliseconds until written. */
export type LogEntry = {
  requestId: string;
  timestamp: number;
  apiKeyId: string | null;
  keyId: string | null;
  keyName: string | null;
  partner: string | null;
  ownerId: string | null;
  environment: string | null;
  method: string;
  route: string;
  path: string;
  status: number;
  latencyMs: number;
  ip: string | null;
  userAgent: string | null;
  errorCode: string | null;
  secretSlot: "current" | "previous" | null;
  /** The scope the request exercised, when it was granted (for "scopes never used" hints). */
  scopeUsed: string | null;
  /** Refusals only (status >= 400): what the partner was told and why. Never a secret or a body. */
  refusal?: RefusalDetail | null;
};

/** The key as the guard saw it when it refused a request (the request detail's "key state at that moment"). */
export type KeyStateAtRequest = {
  status: "active" | "expired" | "revoked";
  /** A rotated-out secret was still accepted at that moment. */
  inGrace: boolean;
  /** Which secret the caller presented: current, previous (in grace), retired (grace over) or none of them. */
  secret: "current" | "previous" | "retired" | "wrong";
};

/** What a refused request's detail shows: the error the partner got, scopes, query string, key state. */
export type RefusalDetail = {
  message: string;
  requiredScope?: string;
  grantedScopes?: string[];
  /** The query string as sent, with values that could carry a credential replaced by "[redacted]". */
  query?: string;
  keyState?: KeyStateAtRequest;
};

export type StatusClass = "1xx" | "2xx" | "3xx" | "4xx" | "5xx";

/** The statuses of each class: 5xx is 500 and up, 1xx below 200 (what a filter by class spells as a range). */
export const STATUS_CLASS_RANGES: Record<StatusClass, { from?: number; below?: number }> = {
  "1xx": { below: 200 },
  "2xx": { from: 200, below: 300 },
  "3xx": { from: 300, below: 400 },
  "4xx": { from: 400, below: 500 },
  "5xx": { from: 500 },
};

export function statusClass(status: number): StatusClass {
  if (status >= 500) return "5xx";
  if (status >= 400) return "4xx";
  if (status >= 300) return "3xx";
  if (status >= 200) return "2xx";
  return "1xx";
}

/** Rollup resolutions written with the log: per minute (short ranges) and per hour (long ranges). */
export const ROLLUP_RESOLUTIONS = { minute: 60_000, hour: 3_600_000 } as const;
export type RollupResolution = keyof typeof ROLLUP_RESOLUTIONS;
