"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/app/_server/session";
import { runAction, type ActionResult } from "@/app/_server/run-action";
import { parseOrThrow } from "@/lib/errors";
import {
  createKeyInput,
  listKeysQuery,
  resumeKeyInput,
  revokeKeyInput,
  rotateKeyInput,
  suspendKeyInput,
  updateKeyInput,
} from "@/lib/keys/key-input";
import { resumeKey, suspendKey } from "@/lib/keys/suspend-key";
import { createKey } from "@/lib/keys/create-key";
import { listKeys, type KeyPage } from "@/lib/keys/list-keys";
import { revokeKey } from "@/lib/keys/revoke-key";
import { rotateKey } from "@/lib/keys/rotate-key";
import { endGrace } from "@/lib/keys/end-grace";
import { updateKey } from "@/lib/keys/update-key";
import type { KeyView } from "@/lib/keys/key-view";

// Inputs are typed loosely on purpose: a server action is a public endpoint. Each parses with the same schema
// the API's route catalog uses (same messages), then calls lib/ with typed input.

/** Keys live in the list and on their detail pages: refresh both after any change. */
function refreshKeys() {
  revalidatePath("/keys", "layout");
}

export async function listKeysAction(query: unknown): Promise<ActionResult<KeyPage>> {
  const actor = await requireSessionActor();
  return runAction(() => listKeys(actor, parseOrThrow(listKeysQuery, query, "query")));
}

/** The only place a new key's secret leaves the server: this one result, shown once. */
export async function createKeyAction(input: unknown): Promise<ActionResult<{ key: KeyView; secret: string }>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => createKey(actor, parseOrThrow(createKeyInput, input)));
  if (result.ok) refreshKeys();
  return result;
}

export async function updateKeyAction(keyId: string, input: unknown): Promise<ActionResult<KeyView>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => updateKey(actor, String(keyId), parseOrThrow(updateKeyInput, input)));
  if (result.ok) refreshKeys();
  return result;
}

export async function rotateKeyAction(
  keyId: string,
  input: unknown,
): Promise<ActionResult<{ key: KeyView; secret: string }>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => rotateKey(actor, String(keyId), parseOrThrow(rotateKeyInput, input ?? {})));
  if (result.ok) refreshKeys();
  return result;
}

export async function revokeKeyAction(keyId: string, input: unknown): Promise<ActionResult<KeyView>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => revokeKey(actor, String(keyId), parseOrThrow(revokeKeyInput, input ?? {})));
  if (result.ok) refreshKeys();
  return result;
}

export async function suspendKeyAction(keyId: string, input: unknown): Promise<ActionResult<KeyView>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => suspendKey(actor, String(keyId), parseOrThrow(suspendKeyInput, input ?? {})));
  if (result.ok) refreshKeys();
  return result;
}

export async function resumeKeyAction(keyId: string, input: unknown): Promise<ActionResult<KeyView>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => resumeKey(actor, String(keyId), parseOrThrow(resumeKeyInput, input ?? {})));
  if (result.ok) refreshKeys();
  return result;
}

/** "Retire the old secret now": ends a rotation's grace period early. */
export async function endGraceAction(keyId: string): Promise<ActionResult<KeyView>> {
  const actor = await requireSessionActor();
  const result = await runAction(() => endGrace(actor, String(keyId)));
  if (result.ok) refreshKeys();
  return result;
}
