import "server-only";
import dns from "node:dns";
import { randomUUID } from "node:crypto";
import { db } from "../db";
import { ApiError, invalidField } from "../errors";
import { actingOwnerId, ownerFilter, type Actor } from "../auth/actor";
import { parseJsonArray } from "../keys/key-view";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../keys/key-vocabulary";
import { services } from "../services";
import { storedEnum } from "../schema-values";
import type {
  CreateWebhookInput,
  UpdateWebhookInput,
  WebhookDeliveryView,
  WebhookDetail,
  WebhookView,
} from "./webhook-input";
import { encryptSecret, generateWebhookSecret } from "./webhook-secret";
import { refusedAddressReason, urlProblem } from "./webhook-target";

/** How long the previous secret keeps signing after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;
const MAX_ENDPOINTS_PER_OWNER = 20;
const DELIVERIES_SHOWN = 25;

type EndpointRow = {
  id: string;
  url: string;
  description: string | null;
  events: string;
  createdAt: Date;
  updatedAt: Date;
  previousSecretUntil: Date | null;
};

function toView(row: EndpointRow, now = new Date()): WebhookView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: parseJsonArray(row.events).filter((e): e is WebhookEventType =>
      (WEBHOOK_EVENT_TYPES as readonly string[]).includes(e),
    ),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    previousSecretSignsUntil:
      row.previousSecretUntil && row.previousSecretUntil > now ? row.previousSecretUntil.toISOString() : null,
  };
}

/**
 * Webhooks tell an owner about all their keys, live ones included: a test (sandbox) key must not be able to
 * listen to live keys, so it cannot manage webhooks at all.
 */
function assertNotSandbox(actor: Actor): void {
  if (actor.kind === "key" && actor.environment === "test") {
    throw new ApiError("insufficient_scope", "A test key cannot manage webhooks: they report on live keys too.", {
      details: { missingScopes: [] },
    });
  }
}

async function findEndpointOrThrow(actor: Actor, id: string) {
  const owner = ownerFilter(actor);
  const row = await db().webhookEndpoint.findFirst({ where: { id, ...(owner ? { ownerId: owner } : {}) } });
  if (!row) throw new ApiError("not_found", `No webhook endpoint with id "${id}".`);
  return row;
}

/** Refuse URLs that point into the server's own network (unless allowed); names are resolved once here too. */
async function assertTargetAllowed(url: string): Promise<void> {
  const allowPrivate = services().env.KEYWARD_WEBHOOK_ALLOW_PRIVATE === "1";
  const problem = urlProblem(url, allowPrivate);
  if (problem) throw invalidField("url", problem);
  if (allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const addresses = await dns.promises.lookup(host, { all: true }).catch(() => []);
  // An unresolvable name is accepted (DNS may come later); every delivery checks again before it connects.
  const refused = addresses.map((a) => refusedAddressReason(a.address)).find((r) => r !== null);
  if (refused) throw invalidField("url", `must resolve to public addresses only (${refused})`);
}

export async function listWebhooks(actor: Actor): Promise<{ data: WebhookView[] }> {
  assertNotSandbox(actor);
  const owner = ownerFilter(actor);
  const rows = await db().webhookEndpoint.findMany({
    where: owner ? { ownerId: owner } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  const now = new Date();
  return { data: rows.map((r) => toView(r, now)) };
}

export async function createWebhook(
  actor: Actor,
  input: CreateWebhookInput,
): Promise<{ data: WebhookView; secret: string }> {
  assertNotSandbox(actor);
  await assertTargetAllowed(input.url);
  const ownerId = actingOwnerId(actor);
  const secret = generateWebhookSecret();
  const row = await db().$transaction(async (tx) => {
    const count = await tx.webhookEndpoint.count({ where: { ownerId } });
    if (count >= MAX_ENDPOINTS_PER_OWNER) {
      throw new ApiError("conflict", `At most ${MAX_ENDPOINTS_PER_OWNER} webhook endpoints; delete one first.`);
    }
    return tx.webhookEndpoint.create({
      data: {
        id: `wh_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
        ownerId,
        url: input.url,
        description: input.description ?? null,
        events: JSON.stringify(input.events),
        secretEnc: encryptSecret(secret, services().secrets.secretPepper),
      },
    });
  });
  return { data: toView(row), secret };
}

function toDeliveryView(d: {
  id: string;
  eventId: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
  event: { type: string };
  attemptLog: { at: Date; statusCode: number | null; latencyMs: number; error: string | null }[];
}): WebhookDeliveryView {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: storedEnum(WEBHOOK_EVENT_TYPES, d.event.type, "webhook event type"),
    status: storedEnum(["pending", "delivered", "failed"] as const, d.status, "delivery status"),
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    attemptLog: d.attemptLog.map((a) => ({
      at: a.at.toISOString(),
      statusCode: a.statusCode,
      latencyMs: a.latencyMs,
      error: a.error,
    })),
  };
}

export async function getWebhook(actor: Actor, id: string): Promise<{ data: WebhookDetail }> {
  assertNotSandbox(actor);
  const row = await findEndpointOrThrow(actor, id);
  const deliveries = await db().webhookDelivery.findMany({
    where: { endpointId: row.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: DELIVERIES_SHOWN,
    include: {
      event: { select: { type: true } },
      attemptLog: { orderBy: [{ at: "desc" }, { id: "desc" }], take: 20 },
    },
  });
  return { data: { ...toView(row), deliveries: deliveries.map(toDeliveryView) } };
}

export async function updateWebhook(
  actor: Actor,
  id: string,
  input: UpdateWebhookInput,
): Promise<{ data: WebhookView }> {
  assertNotSandbox(actor);
  const row = await findEndpointOrThrow(actor, id);
  if (input.url !== undefined) await assertTargetAllowed(input.url);
  const updated = await db().webhookEndpoint.update({
    where: { id: row.id },
    data: {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: JSON.stringify(input.events) } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
    },
  });
  return { data: toView(updated) };
}

export async function deleteWebhook(actor: Actor, id: string): Promise<{ data: { id: string; deleted: true } }> {
  assertNotSandbox(actor);
  const row = await findEndpointOrThrow(actor, id);
  // Deliveries and their attempts go with it (cascade); events stay for other endpoints.
  await db().webhookEndpoint.delete({ where: { id: row.id } });
  return { data: { id: row.id, deleted: true } };
}

/** A new signing secret, shown once. The previous one keeps signing beside it for 24 hours. */
export async function rotateWebhookSecret(actor: Actor, id: string): Promise<{ data: WebhookView; secret: string }> {
  assertNotSandbox(actor);
  const row = await findEndpointOrThrow(actor, id);
  const secret = generateWebhookSecret();
  const updated = await db().webhookEndpoint.update({
    where: { id: row.id },
    data: {
      secretEnc: encryptSecret(secret, services().secrets.secretPepper),
      previousSecretEnc: row.secretEnc,
      previousSecretUntil: new Date(Date.now() + SECRET_OVERLAP_MS),
    },
  });
  return { data: toView(updated), secret };
}

/** Queue a delivery again now (a delivered or failed one too); the receiver sees the same webhook-id. */
export async function redeliverWebhook(
  actor: Actor,
  id: string,
  deliveryId: string,
): Promise<{ data: WebhookDeliveryView }> {
  assertNotSandbox(actor);
  const row = await findEndpointOrThrow(actor, id);
  const delivery = await db().webhookDelivery.findFirst({ where: { id: deliveryId, endpointId: row.id } });
  if (!delivery) throw new ApiError("not_found", `No delivery with id "${deliveryId}" for this endpoint.`);
  const updated = await db().webhookDelivery.update({
    where: { id: delivery.id },
    data: { status: "pending", nextAttemptAt: new Date(), deliveredAt: null },
    include: {
      event: { select: { type: true } },
      attemptLog: { orderBy: [{ at: "desc" }, { id: "desc" }], take: 20 },
    },
  });
  services().webhooks.kick();
  return { data: toDeliveryView(updated) };
}
