import "server-only";
import { serializableTransaction } from "../db/transaction";
import { ApiError } from "../errors";
import type { Actor } from "../auth/actor";
import { normaliseScopes } from "../scopes";
import type { UpdateKeyInput } from "./key-input";
import { recordAudit, type FieldChanges } from "./audit";
import {
  assertMayModify,
  assertNoEscalation,
  assertWithinActorLimits,
  findVisibleKeyOrThrow,
  limitsOf,
  scopesOf,
} from "./key-access";
import { keyStatus, keyViewInclude, parseJsonArray, toKeyView, type KeyView } from "./key-view";
import { invalidateKey } from "./invalidate-key";
import { resolveKeyPartner } from "../partners/partner-access";

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Change a key's name, partner, description, scopes or limits (parsed input). Records exactly what changed. */
export async function updateKey(actor: Actor, keyId: string, data: UpdateKeyInput): Promise<KeyView> {
  const row = await serializableTransaction(async (tx) => {
    const current = await findVisibleKeyOrThrow(tx, actor, keyId);
    assertMayModify(actor, current, keyId);
    if (keyStatus(current) === "revoked") {
      throw new ApiError("conflict", `${keyId} is revoked; a revoked key cannot be changed.`);
    }
    assertNoEscalation(actor, { scopes: scopesOf(current), environment: current.environment, keyId });
    const nextScopes = data.scopes ? normaliseScopes(data.scopes) : undefined;
    if (nextScopes) assertNoEscalation(actor, { scopes: nextScopes, environment: current.environment });

    const currentPartner = current.partnerId
      ? await tx.partner.findUnique({ where: { id: current.partnerId }, select: { id: true, name: true } })
      : null;
    const nextPartner = await resolveKeyPartner(tx, current.ownerId, data);
    const before = {
      name: current.name,
      partner: currentPartner?.name ?? null,
      description: current.description,
      scopes: normaliseScopes(parseJsonArray(current.scopes)),
      ipAllowlist: parseJsonArray(current.ipAllowlist),
      rateLimitPerMinute: current.rateLimitPerMinute,
      expiresAt: current.expiresAt?.toISOString() ?? null,
      leakPolicy: current.leakPolicy,
    };
    const after = {
      name: data.name ?? before.name,
      partner: nextPartner !== undefined ? (nextPartner?.name ?? null) : before.partner,
      description: data.description !== undefined ? data.description : before.description,
      scopes: nextScopes ?? before.scopes,
      ipAllowlist: data.ipAllowlist ?? before.ipAllowlist,
      rateLimitPerMinute: data.rateLimitPerMinute !== undefined ? data.rateLimitPerMinute : before.rateLimitPerMinute,
      expiresAt: data.expiresAt !== undefined ? (data.expiresAt?.toISOString() ?? null) : before.expiresAt,
      leakPolicy: data.leakPolicy ?? before.leakPolicy,
    };
    // The key as it is and as it would be must both stay within the calling key's own restrictions.
    await assertWithinActorLimits(
      tx,
      actor,
      { ...limitsOf(current), keyId },
      {
        ipAllowlist: after.ipAllowlist,
        rateLimitPerMinute: after.rateLimitPerMinute,
        expiresAt: after.expiresAt ? new Date(after.expiresAt) : null,
        keyId,
      },
    );
    const changes: FieldChanges = {};
    for (const field of Object.keys(after) as (keyof typeof after)[]) {
      if (!sameJson(before[field], after[field])) changes[field] = { from: before[field], to: after[field] };
    }
    if (Object.keys(changes).length === 0) {
      return tx.apiKey.findUniqueOrThrow({ where: { id: current.id }, include: keyViewInclude });
    }
    const updated = await tx.apiKey.update({
      where: { id: current.id },
      data: {
        name: after.name,
        ...(nextPartner !== undefined ? { partnerId: nextPartner?.id ?? null } : {}),
        description: after.description,
        scopes: JSON.stringify(after.scopes),
        ipAllowlist: JSON.stringify(after.ipAllowlist),
        rateLimitPerMinute: after.rateLimitPerMinute,
        expiresAt: after.expiresAt ? new Date(after.expiresAt) : null,
        leakPolicy: after.leakPolicy,
        // A new future expiry brings an expired key back; revocation is final and handled above.
        ...(current.status === "expired" && after.expiresAt ? { status: "active" } : {}),
      },
      include: keyViewInclude,
    });
    await recordAudit(tx, { apiKeyId: current.id, action: "updated", actor, changes });
    return updated;
  });
  invalidateKey(keyId);
  return toKeyView(row);
}
