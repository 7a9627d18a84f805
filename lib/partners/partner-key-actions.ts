import "server-only";
import { db } from "../db";
import { toApiError } from "../errors";
import { environmentFilter, type Actor } from "../auth/actor";
import type { RevokeKeyInput, RotateKeyInput } from "../keys/key-input";
import { keyStatus } from "../keys/key-view";
import { revokeKey } from "../keys/revoke-key";
import { rotateKey } from "../keys/rotate-key";
import { findVisiblePartnerOrThrow } from "./partner-access";

export type PartnerKeyOutcome =
  | { keyId: string; name: string; ok: true; secret?: string }
  | { keyId: string; name: string; ok: false; code: string; message: string };

async function partnerKeys(actor: Actor, partnerId: string) {
  const partner = await findVisiblePartnerOrThrow(db(), actor, partnerId);
  const environment = environmentFilter(actor);
  const keys = await db().apiKey.findMany({
    where: { partnerId: partner.id, ...(environment ? { environment } : {}) },
    select: { keyId: true, name: true, status: true, expiresAt: true },
    orderBy: { createdAt: "asc" },
  });
  return keys;
}

/**
 * Rotate every active key of a partner. Each goes through rotateKey (its own transaction, audit entry, cache
 * invalidation and change announcement), so one refusal does not stop the others; each outcome is reported,
 * with the new secret shown once.
 */
export async function rotatePartnerKeys(
  actor: Actor,
  partnerId: string,
  input: RotateKeyInput,
): Promise<PartnerKeyOutcome[]> {
  const keys = (await partnerKeys(actor, partnerId)).filter((k) => keyStatus(k) === "active");
  const out: PartnerKeyOutcome[] = [];
  for (const k of keys) {
    try {
      const { secret } = await rotateKey(actor, k.keyId, input);
      out.push({ keyId: k.keyId, name: k.name, ok: true, secret });
    } catch (err) {
      const e = toApiError(err);
      out.push({ keyId: k.keyId, name: k.name, ok: false, code: e.code, message: e.message });
    }
  }
  return out;
}

/** Revoke every key of a partner that is not revoked yet, each through revokeKey (audited, announced). */
export async function revokePartnerKeys(
  actor: Actor,
  partnerId: string,
  input: RevokeKeyInput,
): Promise<PartnerKeyOutcome[]> {
  const keys = (await partnerKeys(actor, partnerId)).filter((k) => k.status !== "revoked");
  const out: PartnerKeyOutcome[] = [];
  for (const k of keys) {
    try {
      await revokeKey(actor, k.keyId, input);
      out.push({ keyId: k.keyId, name: k.name, ok: true });
    } catch (err) {
      const e = toApiError(err);
      out.push({ keyId: k.keyId, name: k.name, ok: false, code: e.code, message: e.message });
    }
  }
  return out;
}
