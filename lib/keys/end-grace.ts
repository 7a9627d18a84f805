import "server-only";
import { serializableTransaction } from "../db/transaction";
import { ApiError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "./audit";
import { assertMayModify, findVisibleKeyOrThrow } from "./key-access";
import { keyStatus, keyViewInclude, toKeyView, type KeyView } from "./key-view";
import { invalidateKey } from "./invalidate-key";

/**
 * Retire a rotation's old secret now instead of at the end of its grace period ("retire the old secret now"),
 * once every partner has moved to the new one. Only removes access, so no escalation check; the change is
 * announced on the key-change bus, so every instance refuses the old secret on its next request.
 */
export async function endGrace(actor: Actor, keyId: string): Promise<KeyView> {
  const now = new Date();
  const row = await serializableTransaction(async (tx) => {
    const current = await findVisibleKeyOrThrow(tx, actor, keyId);
    assertMayModify(actor, current, keyId);
    const status = keyStatus(current, now);
    if (status === "revoked") throw new ApiError("conflict", `${keyId} is revoked; none of its secrets is accepted.`);
    const inGrace = await tx.keySecret.findMany({
      where: { apiKeyId: current.id, retiresAt: { gt: now } },
      select: { lastFour: true, retiresAt: true },
      orderBy: { createdAt: "desc" },
    });
    if (inGrace.length === 0) {
      throw new ApiError("conflict", `${keyId} has no previous secret in a grace period; there is nothing to retire.`);
    }
    await tx.keySecret.updateMany({
      where: { apiKeyId: current.id, retiresAt: { gt: now } },
      data: { retiresAt: now },
    });
    await recordAudit(tx, {
      apiKeyId: current.id,
      action: "grace_ended",
      actor,
      changes: {
        retiredSecretLastFour: inGrace.map((s) => s.lastFour).join(", "),
        graceWasUntil: new Date(Math.max(...inGrace.map((s) => s.retiresAt!.getTime()))).toISOString(),
      },
    });
    return tx.apiKey.findUniqueOrThrow({ where: { id: current.id }, include: keyViewInclude });
  });
  invalidateKey(keyId);
  return toKeyView(row, { now });
}
