import "server-only";
import type { Prisma } from "../db";
import { ApiError } from "../errors";
import { environmentFilter, ownerFilter, type Actor } from "../auth/actor";
import { scopesBeyond } from "../scopes";
import { isWellFormedKeyId } from "./key-format";
import { isLegacyKeyId } from "./legacy-credentials";
import { parseJsonArray } from "./key-view";
import { allowlistWithin } from "./ip-allowlist";

/**
 * The key this actor may see, or not_found. Another owner's key is "not found", never "forbidden": the
 * answer must not confirm that it exists.
 */
export async function findVisibleKeyOrThrow(tx: Prisma.TransactionClient, actor: Actor, keyId: string) {
  const owner = ownerFilter(actor);
  const environment = environmentFilter(actor);
  const row =
    isWellFormedKeyId(keyId) || isLegacyKeyId(keyId)
      ? await tx.apiKey.findFirst({
          where: { keyId, ...(owner ? { ownerId: owner } : {}), ...(environment ? { environment } : {}) },
        })
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

type KeyLimits = { ipAllowlist: readonly string[]; rateLimitPerMinute: number | null; expiresAt: Date | null };

export function limitsOf(row: {
  ipAllowlist: string;
  rateLimitPerMinute: number | null;
  expiresAt: Date | null;
}): KeyLimits {
  return {
    ipAllowlist: parseJsonArray(row.ipAllowlist),
    rateLimitPerMinute: row.rateLimitPerMinute,
    expiresAt: row.expiresAt,
  };
}

/**
 * A key acting on keys cannot shed its own restrictions either: what it creates, rotates or edits must be at
 * least as restricted as itself (IP allowlist within its own, a rate limit no higher, an expiry no later).
 * Otherwise one call with a short-lived, IP-pinned automation key would mint an unrestricted one.
 */
export async function assertWithinActorLimits(
  tx: Prisma.TransactionClient,
  actor: Actor,
  ...targets: (KeyLimits & { keyId?: string })[]
): Promise<void> {
  if (actor.kind !== "key") return;
  const own = await tx.apiKey.findUnique({ where: { id: actor.apiKeyId } });
  if (!own) throw new ApiError("invalid_credentials", "The calling key no longer exists.");
  const mine = limitsOf(own);
  for (const target of targets) {
    const subject = target.keyId ?? "The new key";
    const refuse = (what: string) =>
      new ApiError(
        "insufficient_scope",
        `${subject} would be less restricted than the calling key (${what}): a key can only manage keys at least as restricted as itself.`,
        { details: { missingScopes: [] } },
      );
    if (!allowlistWithin(target.ipAllowlist, mine.ipAllowlist)) throw refuse("IP allowlist");
    if (
      mine.rateLimitPerMinute !== null &&
      (target.rateLimitPerMinute === null || target.rateLimitPerMinute > mine.rateLimitPerMinute)
    ) {
      throw refuse(`rate limit above ${mine.rateLimitPerMinute}/min`);
    }
    if (mine.expiresAt && (!target.expiresAt || target.expiresAt.getTime() > mine.expiresAt.getTime())) {
      throw refuse(`expiry after ${mine.expiresAt.toISOString()}`);
    }
  }
}
