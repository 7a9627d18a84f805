import "server-only";
import { z } from "zod";
import { isoDateTime } from "../schema-values";
import { keyViewSchema, type KeyView } from "../keys/key-view";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../keys/key-vocabulary";

/**
 * The body of every webhook delivery, Standard Webhooks style: `{ type, timestamp, data }`. data carries the key
 * as the API shows it after the change (never a secret), who acted, and what the audit entry recorded.
 */
const eventKeySchema = keyViewSchema.omit({ ownerEmail: true });

const CHANGES_OF: Record<WebhookEventType, string> = {
  "key.created": "The new key's settings (name, environment, scopes, …).",
  "key.updated": "Each changed field as { from, to }.",
  "key.rotated": "graceSeconds, previousSecretRetiresAt and newSecretLastFour.",
  "key.grace_ended":
    "retiredAt (when the rotated-out secret stopped being accepted) and rotation (the audit entry id of that rotation).",
  "key.revoked": "reason (and bySupport when support staff revoked another user's key).",
  "key.suspended": "reason.",
  "key.resumed": "reason (optional), suspendedAt and suspendedReason of the suspension that ended.",
  "key.expiring": "daysBefore (14, 7 or 1) and expiresAt. Sent once per threshold.",
  "key.expired": "expiresAt.",
  "key.leaked":
    "source (where the secret was found) and outcome: revoked (the key was revoked at once) or flagged (the key's leak policy is notify).",
  "key.error_spike": "windowMinutes, requests, errors and errorRate of the window that crossed the threshold.",
  "key.replaced":
    "replacementKeyId (the new scoped key), scopes, graceSeconds and legacySecretRetiresAt (when the legacy secret stops working).",
};

export const EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  "key.created": "A key was created.",
  "key.updated": "A key's settings were changed.",
  "key.rotated": "A key got a new secret; the old one is accepted until the grace period ends.",
  "key.grace_ended": "A rotated-out secret's grace period ended: it is refused from now on.",
  "key.revoked": "A key was revoked for good.",
  "key.suspended": "A key was suspended: refused with key_suspended until resumed.",
  "key.resumed": "A suspended key was resumed.",
  "key.expiring": "A key expires in 14, 7 or 1 days.",
  "key.expired": "A key passed its expiry date.",
  "key.leaked": "A live secret of the key was reported leaked (POST /api/v1/leaks).",
  "key.error_spike": "A key's share of failed requests rose sharply.",
  "key.replaced":
    "A migrated legacy key was replaced by a new scoped key; its secret works until the grace period ends.",
};

export function eventPayloadSchema(type: WebhookEventType) {
  return z.object({
    type: z.literal(type),
    timestamp: isoDateTime.describe("When the change happened"),
    data: z.object({
      key: eventKeySchema,
      actor: z.string().describe('Who acted: an email, "key kw_…", or "system"'),
      changes: z.record(z.string(), z.unknown()).describe(CHANGES_OF[type]),
    }),
  });
}

export const anyEventPayloadSchema = z.object({
  type: z.enum(WEBHOOK_EVENT_TYPES),
  timestamp: isoDateTime,
  data: z.object({ key: eventKeySchema, actor: z.string(), changes: z.record(z.string(), z.unknown()) }),
});
export type EventPayload = z.output<typeof anyEventPayloadSchema>;

export function buildEventPayload(
  type: WebhookEventType,
  at: Date,
  key: KeyView,
  actor: string,
  changes: Record<string, unknown>,
): EventPayload {
  const { ownerEmail: _owner, ...shown } = key;
  return { type, timestamp: at.toISOString(), data: { key: shown, actor, changes } };
}
