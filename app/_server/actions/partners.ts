"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/app/_server/session";
import { runAction, type ActionResult } from "@/app/_server/run-action";
import { parseOrThrow } from "@/lib/errors";
import { revokeKeyInput, rotateKeyInput } from "@/lib/keys/key-input";
import { createPartnerInput, updatePartnerInput, type PartnerView } from "@/lib/partners/partner-input";
import { createPartner } from "@/lib/partners/create-partner";
import { updatePartner } from "@/lib/partners/update-partner";
import { partnerChoices } from "@/lib/partners/list-partners";
import { revokePartnerKeys, rotatePartnerKeys, type PartnerKeyOutcome } from "@/lib/partners/partner-key-actions";
import { replaceLegacyKey, replaceLegacyKeyInput } from "@/lib/keys/legacy-migration";
import type { KeyView } from "@/lib/keys/key-view";

// Each parses with the schema the API uses, then calls lib/ (server actions are public endpoints).

function refresh() {
  revalidatePath("/partners", "layout");
  revalidatePath("/keys", "layout");
}

export async function partnerChoicesAction(): Promise<ActionResult<{ id: string; name: string }[]>> {
  const actor = await requireSessionActor();
  return runAction(() => partnerChoices(actor));
}

export async function createPartnerAction(input: unknown): Promise<ActionResult<PartnerView>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => createPartner(actor, parseOrThrow(createPartnerInput, input)));
  if (result.ok) refresh();
  return result;
}

export async function updatePartnerAction(id: string, input: unknown): Promise<ActionResult<PartnerView>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => updatePartner(actor, String(id), parseOrThrow(updatePartnerInput, input)));
  if (result.ok) refresh();
  return result;
}

/** The new secrets of every rotated key are in this one result, shown once. */
export async function rotatePartnerKeysAction(id: string, input: unknown): Promise<ActionResult<PartnerKeyOutcome[]>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => rotatePartnerKeys(actor, String(id), parseOrThrow(rotateKeyInput, input ?? {})));
  if (result.ok) refresh();
  return result;
}

export async function revokePartnerKeysAction(id: string, input: unknown): Promise<ActionResult<PartnerKeyOutcome[]>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => revokePartnerKeys(actor, String(id), parseOrThrow(revokeKeyInput, input ?? {})));
  if (result.ok) refresh();
  return result;
}

export async function replaceLegacyKeyAction(
  keyId: string,
  input: unknown,
): Promise<ActionResult<{ key: KeyView; secret: string; legacySecretRetiresAt: string }>> {
  const actor = await requireSessionActor();
  const result = await runAction(() =>
    replaceLegacyKey(actor, String(keyId), parseOrThrow(replaceLegacyKeyInput, input ?? {})),
  );
  if (result.ok) refresh();
  return result;
}
