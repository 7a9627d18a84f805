import "server-only";
import { serializableTransaction } from "../db/transaction";
import { ApiError } from "../errors";
import type { Actor } from "../auth/actor";
import type { RevokeKeyInput } from "./key-input";
import { recordAudit } from "./audit";
import { findVisibleKeyOrThrow } from "./key-access";
import { keyViewInclude, toKeyView, type KeyView } from "./key-view";
import { invalidateKey } from "./invalidate-key";

/** Revoke a key for good: the next request with it is refused. Support staff may revoke any key. */
export async function revokeKey(actor: Actor, keyId: string, { reason }: RevokeKeyInput): Promise<KeyView> {
  const now = new Date();
  const row = await serializableTransaction(async (tx) => {
    const current = await findVisibleKeyOrThrow(tx, actor, keyId);
    // Revoking only removes access, so a key may revoke keys with more scopes. A sandbox (test) key never
    // reaches a live key: findVisibleKeyOrThrow does not show it one.
    if (current.status === "revoked") {
      throw new ApiError("conflict", `${keyId} was already revoked on ${current.revokedAt?.toISOString()}.`);
    }
    const updated = await tx.apiKey.update({
      where: { id: current.id },
      data: {
        status: "revoked",
        revokedAt: now,
        revokedReason: reason,
        revokedByUserId: actor.kind === "user" ? actor.userId : null,
        revokedByKeyId: actor.kind === "key" ? actor.keyId : null,
      },
      include: keyViewInclude,
    });
    await recordAudit(tx, {
      apiKeyId: current.id,
      action: "revoked",
      actor,
      changes: {
        reason,
        ...(actor.kind === "user" && actor.role === "support" && current.ownerId !== actor.userId
          ? { bySupport: true }
          : {}),
      },
    });
    return updated;
  });
  invalidateKey(keyId);
  return toKeyView(row, { now, includeOwner: actor.kind === "user" && actor.role === "support" });
}
