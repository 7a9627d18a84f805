import "server-only";
import { serializableTransaction } from "../db/transaction";
import { ApiError } from "../errors";
import type { Actor } from "../auth/actor";
import type { ResumeKeyInput, SuspendKeyInput } from "./key-input";
import { recordAudit } from "./audit";
import { assertMayModify, assertNoEscalation, findVisibleKeyOrThrow, scopesOf } from "./key-access";
import { keyStatus, keyViewInclude, toKeyView, type KeyView } from "./key-view";
import { invalidateKey } from "./invalidate-key";

/**
 * Suspend a key: every request with it is refused with key_suspended until it is resumed. Unlike revocation it
 * is reversible, so it is the owner's move (support staff revoke). Takes effect on the next request everywhere,
 * through the key-change bus.
 */
export async function suspendKey(actor: Actor, keyId: string, { reason }: SuspendKeyInput): Promise<KeyView> {
  const now = new Date();
  const row = await serializableTransaction(async (tx) => {
    const current = await findVisibleKeyOrThrow(tx, actor, keyId);
    assertMayModify(actor, current, keyId);
    const status = keyStatus(current, now);
    if (status !== "active") {
      throw new ApiError("conflict", `${keyId} is ${status}; only an active key can be suspended.`);
    }
    // Suspending only removes access, like revoking, but resuming gives it back: the same key must be allowed
    // both, so a key may only suspend keys within its own scopes.
    assertNoEscalation(actor, { scopes: scopesOf(current), environment: current.environment, keyId });
    const updated = await tx.apiKey.update({
      where: { id: current.id },
      data: { status: "suspended", suspendedAt: now, suspendedReason: reason },
      include: keyViewInclude,
    });
    await recordAudit(tx, { apiKeyId: current.id, action: "suspended", actor, changes: { reason } });
    return updated;
  });
  invalidateKey(keyId);
  return toKeyView(row, { now });
}

/** Resume a suspended key: it is accepted again from the next request on (if not expired meanwhile). */
export async function resumeKey(actor: Actor, keyId: string, { reason }: ResumeKeyInput): Promise<KeyView> {
  const now = new Date();
  const row = await serializableTransaction(async (tx) => {
    const current = await findVisibleKeyOrThrow(tx, actor, keyId);
    assertMayModify(actor, current, keyId);
    if (current.status !== "suspended") {
      throw new ApiError("conflict", `${keyId} is ${keyStatus(current, now)}; only a suspended key can be resumed.`);
    }
    assertNoEscalation(actor, { scopes: scopesOf(current), environment: current.environment, keyId });
    const updated = await tx.apiKey.update({
      where: { id: current.id },
      data: { status: "active", suspendedAt: null, suspendedReason: null },
      include: keyViewInclude,
    });
    await recordAudit(tx, {
      apiKeyId: current.id,
      action: "resumed",
      actor,
      changes: {
        ...(reason ? { reason } : {}),
        suspendedAt: current.suspendedAt?.toISOString() ?? null,
        suspendedReason: current.suspendedReason,
      },
    });
    return updated;
  });
  invalidateKey(keyId);
  return toKeyView(row, { now });
}
