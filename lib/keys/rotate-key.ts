import "server-only";
import { serializableTransaction } from "../db/transaction";
import { ApiError } from "../errors";
import type { Actor } from "../auth/actor";
import { generateSecret, lastFour, type KeyEnvironment } from "./key-format";
import { hashSecret } from "./secret-hash";
import type { RotateKeyInput } from "./key-input";
import { recordAudit } from "./audit";
import {
  assertMayModify,
  assertNoEscalation,
  assertWithinActorLimits,
  findVisibleKeyOrThrow,
  limitsOf,
  scopesOf,
} from "./key-access";
import { keyStatus, keyViewInclude, toKeyView, type KeyView } from "./key-view";
import { invalidateKey } from "./invalidate-key";

/**
 * Issue a new secret for the same key id. The old secret keeps working for graceSeconds (0 = refused at
 * once), so a partner can deploy the new one without downtime.
 */
export async function rotateKey(
  actor: Actor,
  keyId: string,
  { graceSeconds }: RotateKeyInput,
): Promise<{ key: KeyView; secret: string }> {
  const now = new Date();
  const graceEnds = new Date(now.getTime() + graceSeconds * 1000);
  let secret = "";
  const row = await serializableTransaction(async (tx) => {
    const current = await findVisibleKeyOrThrow(tx, actor, keyId);
    assertMayModify(actor, current, keyId);
    const status = keyStatus(current, now);
    if (status !== "active") {
      throw new ApiError("conflict", `${keyId} is ${status}; only an active key can be rotated.`);
    }
    assertNoEscalation(actor, { scopes: scopesOf(current), environment: current.environment, keyId });
    // Rotating hands over a working secret: never for a key less restricted than the caller.
    await assertWithinActorLimits(tx, actor, { ...limitsOf(current), keyId });
    secret = generateSecret(current.environment as KeyEnvironment);

    // The current secret and any still in an earlier grace retire at the new grace end at the latest.
    await tx.keySecret.updateMany({ where: { apiKeyId: current.id, retiresAt: null }, data: { retiresAt: graceEnds } });
    await tx.keySecret.updateMany({
      where: { apiKeyId: current.id, retiresAt: { gt: graceEnds } },
      data: { retiresAt: graceEnds },
    });
    await tx.keySecret.create({
      data: { apiKeyId: current.id, secretHash: hashSecret(secret), lastFour: lastFour(secret) },
    });
    // A reported leak is dealt with once the leaked secret is replaced (its grace is the owner's call).
    if (current.leakedAt) {
      await tx.apiKey.update({ where: { id: current.id }, data: { leakedAt: null, leakSource: null } });
    }
    await recordAudit(tx, {
      apiKeyId: current.id,
      action: "rotated",
      actor,
      changes: { graceSeconds, previousSecretRetiresAt: graceEnds.toISOString(), newSecretLastFour: lastFour(secret) },
    });
    return tx.apiKey.findUniqueOrThrow({ where: { id: current.id }, include: keyViewInclude });
  });
  invalidateKey(keyId);
  return { key: toKeyView(row, { now }), secret };
}
