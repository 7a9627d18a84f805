import type { Prisma } from "../db";
import { ApiError } from "../errors";
import { ownerFilter, type Actor } from "../auth/actor";
import { scopesBeyond } from "../scopes";
import { isWellFormedKeyId } from "./key-format";
import { parseJsonArray } from "./key-view";

/**
 * The key this actor may see, or not_found. Another owner's key is "not found", never "forbidden": the
 * answer must not confirm that it exists.
 */
export async function findVisibleKeyOrThrow(tx: Prisma.TransactionClient, actor: Actor, keyId: string) {
  const owner = ownerFilter(actor);
  const row = isWellFormedKeyId(keyId)
    ? await tx.apiKey.findFirst({ where: { keyId, ...(owner ? { ownerId: owner } : {}) } })
    : null;
  if (!row) throw new ApiError("not_found", `No API key with id "${keyId}".`);
  return row;
}

/** Support staff may read and revoke any key, but only change their own. */
export function assertMayModify(actor: Actor, row: { ownerId: string }, keyId: string): void {
  if (actor.kind === "user" && actor.role === "support" && row.ownerId !== actor.userId) {
    throw new ApiError("forbidden", `Support staff can revoke ${keyId} but not change it; ask its owner.`);
  }
}

/**
 * A key acting on keys can never reach beyond itself: it may not touch a key that holds scopes or an
 * environment it lacks (rotating such a key would hand it a stronger secret), nor grant them.
 */
export function assertNoEscalation(
  actor: Actor,
  target: { scopes: readonly string[]; environment: string; keyId?: string },
): void {
  if (actor.kind !== "key") return;
  const beyond = scopesBeyond(target.scopes, actor.scopes);
  if (beyond.length > 0) {
    throw new ApiError(
      "insufficient_scope",
      `This key cannot ${target.keyId ? `change ${target.keyId}, which holds` : "grant"} ${beyond.join(", ")}: a key can only manage keys within its own scopes.`,
      { details: { missingScopes: beyond } },
    );
  }
  if (target.environment === "live" && actor.environment === "test") {
    throw new ApiError("insufficient_scope", "A test key cannot manage or create live keys.", {
      details: { missingScopes: [] },
    });
  }
}

export function scopesOf(row: { scopes: string }): string[] {
  return parseJsonArray(row.scopes);
}
