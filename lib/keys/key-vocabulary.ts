/**
 * The words a key is described with, defined once. Plain data with no Node or zod imports, so client components,
 * the input schemas, the OpenAPI document and the database mapping all derive from the same lists.
 */
export const KEY_ENVIRONMENTS = ["live", "test"] as const;
export type KeyEnvironment = (typeof KEY_ENVIRONMENTS)[number];

/**
 * "expired" is also derived on read from expiresAt, so a key is refused at its expiry, sweep or not.
 * "suspended" is temporary: refused with key_suspended until resumed.
 */
export const KEY_STATUSES = ["active", "suspended", "expired", "revoked"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export const AUDIT_ACTIONS = [
  "created",
  "updated",
  "rotated",
  "revoked",
  "expired",
  "suspended",
  "resumed",
  "leak_reported",
  "grace_ended",
  "expiry_warning",
  "error_spike",
  "imported",
  "replaced",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What a key does when one of its live secrets is reported leaked (POST /api/v1/leaks). */
export const LEAK_POLICIES = ["revoke", "notify"] as const;
export type LeakPolicy = (typeof LEAK_POLICIES)[number];

/** Webhook event types, one per audit action a subscriber can hear about. */
export const WEBHOOK_EVENT_TYPES = [
  "key.created",
  "key.updated",
  "key.rotated",
  "key.grace_ended",
  "key.revoked",
  "key.suspended",
  "key.resumed",
  "key.expiring",
  "key.expired",
  "key.leaked",
  "key.error_spike",
  "key.replaced",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Imports are bulk loads by an operator (up to 100,000 keys at once): they send no event. */
export const EVENT_TYPE_OF_AUDIT_ACTION: Record<Exclude<AuditAction, "imported">, WebhookEventType> = {
  created: "key.created",
  updated: "key.updated",
  rotated: "key.rotated",
  grace_ended: "key.grace_ended",
  revoked: "key.revoked",
  suspended: "key.suspended",
  resumed: "key.resumed",
  expiry_warning: "key.expiring",
  expired: "key.expired",
  leak_reported: "key.leaked",
  error_spike: "key.error_spike",
  replaced: "key.replaced",
};

/** The keys list's "expiring soon" filter and the expiry banners look this far ahead. */
export const EXPIRING_SOON_DAYS = 14;
/** Key list filter words: a status, or "expiring" (active and expiring within EXPIRING_SOON_DAYS). */
export const KEY_LIST_STATUSES = [...KEY_STATUSES, "expiring"] as const;

/** Days before expiry at which key.expiring is sent (once each). */
export const EXPIRY_WARNING_DAYS = [14, 7, 1] as const;

/** How long a rotated-out secret keeps working: the dashboard's presets, and the API's upper bound. */
export const MAX_GRACE_SECONDS = 30 * 24 * 3600;
export const GRACE_PRESETS = [
  { label: "Now", seconds: 0 },
  { label: "1 hour", seconds: 3600 },
  { label: "24 hours", seconds: 86400 },
  { label: "7 days", seconds: 7 * 86400 },
] as const;
