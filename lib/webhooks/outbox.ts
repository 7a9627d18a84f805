import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma } from "../db";
import { keyViewInclude, parseJsonArray, toKeyView } from "../keys/key-view";
import { EVENT_TYPE_OF_AUDIT_ACTION, type AuditAction } from "../keys/key-vocabulary";
import { buildEventPayload } from "./event-payload";

/** The webhook-id of an event: stable across retries and redeliveries, so receivers can deduplicate. */
export const newEventId = () => `msg_${randomUUID().replaceAll("-", "")}`;

/**
 * The outbox: called by recordAudit inside the transaction that changes the key, it writes the event and one
 * delivery per endpoint of the key's owner subscribed to its type. Commit and event stand or fall together; the
 * dispatcher (lib/webhooks/dispatcher.ts) sends from these rows. Owners without endpoints cost two reads.
 * Returns whether anything was queued.
 */
export async function enqueueKeyEvent(
  tx: Prisma.TransactionClient,
  entry: { apiKeyId: string; action: AuditAction; actorLabel: string; changes: Record<string, unknown>; at: Date },
): Promise<boolean> {
  if (entry.action === "imported") return false;
  const type = EVENT_TYPE_OF_AUDIT_ACTION[entry.action];
  const key = await tx.apiKey.findUnique({ where: { id: entry.apiKeyId }, include: keyViewInclude });
  if (!key) return false;
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { ownerId: key.ownerId },
    select: { id: true, events: true },
  });
  const subscribed = endpoints.filter((e) => parseJsonArray(e.events).includes(type));
  if (subscribed.length === 0) return false;
  const payload = buildEventPayload(type, entry.at, toKeyView(key, { now: entry.at }), entry.actorLabel, entry.changes);
  const event = await tx.webhookEvent.create({
    data: {
      id: newEventId(),
      ownerId: key.ownerId,
      type,
      apiKeyId: key.id,
      payload: JSON.stringify(payload),
      createdAt: entry.at,
    },
  });
  await tx.webhookDelivery.createMany({
    data: subscribed.map((e) => ({ eventId: event.id, endpointId: e.id, nextAttemptAt: entry.at })),
  });
  return true;
}
