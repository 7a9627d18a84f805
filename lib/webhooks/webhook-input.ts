import "server-only";
import { z } from "zod";
import { isoDateTime } from "../schema-values";
import { WEBHOOK_EVENT_TYPES } from "../keys/key-vocabulary";

const url = z
  .string()
  .trim()
  .max(2000, "at most 2000 characters")
  .regex(/^https?:\/\/[^\s]+$/i, "expected an http:// or https:// URL")
  .describe("Where deliveries are POSTed. Loopback, private and link-local addresses are refused.");

const events = z
  .array(
    z.enum(WEBHOOK_EVENT_TYPES, {
      error: (i) => `unknown event "${String(i.input)}"; known events: ${WEBHOOK_EVENT_TYPES.join(", ")}`,
    }),
  )
  .min(1, "choose at least one event")
  .max(WEBHOOK_EVENT_TYPES.length * 2)
  .transform((list) => WEBHOOK_EVENT_TYPES.filter((t) => list.includes(t)));

const description = z
  .string()
  .trim()
  .max(200, "at most 200 characters")
  .transform((s) => (s === "" ? null : s))
  .nullable()
  .optional();

export const createWebhookInput = z.strictObject({ url, events, description });
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

export const updateWebhookInput = z
  .strictObject({ url: url.optional(), events: events.optional(), description })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");
export type UpdateWebhookInput = z.infer<typeof updateWebhookInput>;

export const webhookAttemptSchema = z.object({
  at: isoDateTime,
  statusCode: z.number().int().nullable().describe("The receiver's HTTP status; null when none came back"),
  latencyMs: z.number(),
  error: z.string().nullable().describe("Why the attempt failed (timeout, refused target, status); null on success"),
});

export const webhookDeliverySchema = z.object({
  id: z.string(),
  eventId: z.string().describe("The webhook-id header: the same for every attempt"),
  eventType: z.enum(WEBHOOK_EVENT_TYPES),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  nextAttemptAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
  deliveredAt: isoDateTime.nullable(),
  attemptLog: z.array(webhookAttemptSchema).describe("Newest first"),
});

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  previousSecretSignsUntil: isoDateTime
    .nullable()
    .describe("After a rotation, deliveries carry a second signature with the previous secret until then"),
});
export type WebhookView = z.output<typeof webhookSchema>;

export const webhookDetailSchema = webhookSchema.extend({
  deliveries: z.array(webhookDeliverySchema).describe("The latest deliveries, newest first"),
});
export type WebhookDetail = z.output<typeof webhookDetailSchema>;
export type WebhookDeliveryView = z.output<typeof webhookDeliverySchema>;
