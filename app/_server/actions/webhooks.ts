"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/app/_server/session";
import { runAction, type ActionResult } from "@/app/_server/run-action";
import { parseOrThrow } from "@/lib/errors";
import { createWebhookInput, type WebhookDeliveryView, type WebhookView } from "@/lib/webhooks/webhook-input";
import { createWebhook, deleteWebhook, redeliverWebhook, rotateWebhookSecret } from "@/lib/webhooks/webhook-endpoints";

// Each parses with the same schema as the API's route catalog, then calls lib/ (see actions/keys.ts).

const refresh = () => revalidatePath("/webhooks", "layout");

/** The only place a new endpoint's signing secret leaves the server for the dashboard: shown once. */
export async function createWebhookAction(
  input: unknown,
): Promise<ActionResult<{ data: WebhookView; secret: string }>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => createWebhook(actor, parseOrThrow(createWebhookInput, input)));
  if (result.ok) refresh();
  return result;
}

export async function rotateWebhookSecretAction(
  id: string,
): Promise<ActionResult<{ data: WebhookView; secret: string }>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => rotateWebhookSecret(actor, String(id)));
  if (result.ok) refresh();
  return result;
}

export async function deleteWebhookAction(id: string): Promise<ActionResult<{ data: { id: string; deleted: true } }>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => deleteWebhook(actor, String(id)));
  if (result.ok) refresh();
  return result;
}

export async function redeliverWebhookAction(
  id: string,
  deliveryId: string,
): Promise<ActionResult<{ data: WebhookDeliveryView }>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => redeliverWebhook(actor, String(id), String(deliveryId)));
  if (result.ok) refresh();
  return result;
}
