/**
 * The words a key is described with, defined once. Plain data with no Node or zod imports, so client components,
 * the input schemas, the OpenAPI document and the database mapping all derive from the same lists.
 */
export const KEY_ENVIRONMENTS = ["live", "test"] as const;
export type KeyEnvironment = (typeof KEY_ENVIRONMENTS)[number];

/** "expired" is also derived on read from expiresAt, so a key is refused at its expiry, sweep or not. */
export const KEY_STATUSES = ["active", "expired", "revoked"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export const AUDIT_ACTIONS = ["created", "updated", "rotated", "grace_ended", "revoked", "expired"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How long a rotated-out secret keeps working: the dashboard's presets, and the API's upper bound. */
export const MAX_GRACE_SECONDS = 30 * 24 * 3600;
export const GRACE_PRESETS = [
  { label: "Now", seconds: 0 },
  { label: "1 hour", seconds: 3600 },
  { label: "24 hours", seconds: 86400 },
  { label: "7 days", seconds: 7 * 86400 },
] as const;
