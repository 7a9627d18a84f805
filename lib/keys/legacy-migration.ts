import "server-only";
import { z } from "zod";
import { db } from "../db";
import { ApiError } from "../errors";
import { ownerFilter, type Actor } from "../auth/actor";
import { ROUTE_LIST, type RouteInfo } from "../route-list";
import { normaliseScopes, type Scope } from "../scopes";
import { endpointsUsedByKey, successfulUseSince, type EndpointUse } from "../logs/key-traffic";
import { serializableTransaction } from "../db/transaction";
import { createKey } from "./create-key";
import { recordAudit } from "./audit";
import { findVisibleKeyOrThrow, assertMayModify } from "./key-access";
import { keyStatus } from "./key-view";
import { invalidateKey } from "./invalidate-key";
import { graceAdvice, type GraceAdvice } from "./grace-advice";
import { MAX_GRACE_SECONDS } from "./key-vocabulary";
import type { KeyView } from "./key-view";

const DAY = 86_400_000;
/** How far back a legacy key's own traffic decides the scopes of its replacement. */
export const LEGACY_LOOKBACK_DAYS = 30;

export type LegacyMigration = {
  /** Endpoints the key was answered successfully on in the last 30 days, each with the scope it needs. */
  endpoints: (EndpointUse & { scope: Scope | null })[];
  proposedScopes: Scope[];
  /** Set once the key was replaced: the new key, and until when the legacy secret is still accepted. */
  replacement: {
    keyId: string;
    at: string;
    legacySecretRetiresAt: string | null;
    /** Successful requests with the legacy key since it was replaced. */
    requestsSince: number;
    advice: GraceAdvice;
  } | null;
};

const routeByPattern = new Map<string, RouteInfo>(
  Object.values<RouteInfo>(ROUTE_LIST).map((r) => [`${r.method} ${r.path}`, r]),
);

/** The scopes a set of used endpoints needs (routes the catalog no longer has are ignored). */
export function scopesForEndpoints(endpoints: readonly { method: string; route: string }[]): Scope[] {
  return normaliseScopes(
    endpoints.map((e) => routeByPattern.get(`${e.method} ${e.route}`)?.scope).filter((s): s is Scope => !!s),
  );
}

async function legacyKeyOrThrow(actor: Actor, keyId: string) {
  const key = await findVisibleKeyOrThrow(db(), actor, keyId);
  if (!key.legacy) throw new ApiError("conflict", `${keyId} is not a legacy key; only imported keys are migrated.`);
  return key;
}

/**
 * The migration assistant's view of a legacy key: what it actually did in the last 30 days (its own traffic,
 * from the hourly rollups), the scopes that needs, and, once replaced, whether the legacy key went quiet.
 */
export async function legacyMigration(actor: Actor, keyId: string, now = new Date()): Promise<LegacyMigration> {
  const key = await legacyKeyOrThrow(actor, keyId);
  const used = await endpointsUsedByKey(key.id, new Date(now.getTime() - LEGACY_LOOKBACK_DAYS * DAY));
  const endpoints = used.map((e) => ({ ...e, scope: routeByPattern.get(`${e.method} ${e.route}`)?.scope ?? null }));
  const replaced = await db().auditEvent.findFirst({
    where: { apiKeyId: key.id, action: "replaced" },
    orderBy: { createdAt: "desc" },
  });
  let replacement: LegacyMigration["replacement"] = null;
  if (replaced) {
    const changes = JSON.parse(replaced.changes) as { replacementKeyId?: string; legacySecretRetiresAt?: string };
    const usage = await successfulUseSince(key, replaced.createdAt);
    replacement = {
      keyId: changes.replacementKeyId ?? "",
      at: replaced.createdAt.toISOString(),
      legacySecretRetiresAt: changes.legacySecretRetiresAt ?? null,
      requestsSince: usage.requests,
      advice: graceAdvice(usage, now),
    };
  }
  return { endpoints, proposedScopes: scopesForEndpoints(used), replacement };
}

export const replaceLegacyKeyInput = z.strictObject({
  graceSeconds: z
    .number({ error: "expected a whole number of seconds" })
    .int("expected a whole number of seconds")
    .min(0, "must be 0 or more")
    .max(MAX_GRACE_SECONDS, `at most ${MAX_GRACE_SECONDS} (30 days)`)
    .default(7 * 86400),
});
export type ReplaceLegacyKeyInput = z.infer<typeof replaceLegacyKeyInput>;

/**
 * "Replace with a scoped key": a new key (through createKey: audited, announced) with exactly the scopes the
 * legacy key used in the last 30 days, for the same partner; then the legacy key's secret retires at the end of
 * the grace period, as a rotated-out secret does (KeySecret.retiresAt), and the replacement is audited on it.
 */
export async function replaceLegacyKey(
  actor: Actor,
  keyId: string,
  { graceSeconds }: ReplaceLegacyKeyInput,
  now = new Date(),
): Promise<{ key: KeyView; secret: string; legacySecretRetiresAt: string }> {
  const legacy = await legacyKeyOrThrow(actor, keyId);
  assertMayModify(actor, legacy, keyId);
  if (keyStatus(legacy, now) !== "active") {
    throw new ApiError("conflict", `${keyId} is ${keyStatus(legacy, now)}; only an active legacy key can be replaced.`);
  }
  const { proposedScopes, replacement } = await legacyMigration(actor, keyId, now);
  if (replacement) {
    throw new ApiError("conflict", `${keyId} was already replaced by ${replacement.keyId} on ${replacement.at}.`);
  }
  if (proposedScopes.length === 0) {
    throw new ApiError(
      "conflict",
      `${keyId} made no successful request in the last ${LEGACY_LOOKBACK_DAYS} days: there are no scopes to carry over. Revoke it if it is unused.`,
    );
  }
  const created = await createKey(actor, {
    name: `${legacy.name} (scoped)`.slice(0, 80),
    partnerId: legacy.partnerId,
    environment: "live",
    scopes: proposedScopes,
    ipAllowlist: JSON.parse(legacy.ipAllowlist) as string[],
    rateLimitPerMinute: legacy.rateLimitPerMinute,
    expiresAt: legacy.expiresAt,
    leakPolicy: legacy.leakPolicy === "notify" ? "notify" : "revoke",
  });
  const retiresAt = new Date(now.getTime() + graceSeconds * 1000);
  await serializableTransaction(async (tx) => {
    await tx.keySecret.updateMany({
      where: { apiKeyId: legacy.id, OR: [{ retiresAt: null }, { retiresAt: { gt: retiresAt } }] },
      data: { retiresAt },
    });
    await recordAudit(tx, {
      apiKeyId: legacy.id,
      action: "replaced",
      actor,
      changes: {
        replacementKeyId: created.key.keyId,
        scopes: proposedScopes,
        graceSeconds,
        legacySecretRetiresAt: retiresAt.toISOString(),
      },
    });
  });
  invalidateKey(keyId);
  return { ...created, legacySecretRetiresAt: retiresAt.toISOString() };
}

/** For the Overview: active legacy keys, and those still used (a successful request in the last 30 days). */
export async function legacyKeysInUse(actor: Actor, now = new Date()) {
  const owner = ownerFilter(actor);
  const since = new Date(now.getTime() - LEGACY_LOOKBACK_DAYS * DAY);
  const where = {
    ...(owner ? { ownerId: owner } : {}),
    legacy: true,
    status: "active",
    OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
  };
  const [active, inUse, recent] = await Promise.all([
    db().apiKey.count({ where }),
    db().apiKey.count({ where: { ...where, lastUsedAt: { gte: since } } }),
    db().apiKey.findMany({
      where: { ...where, lastUsedAt: { gte: since } },
      orderBy: { lastUsedAt: "desc" },
      take: 5,
      select: { keyId: true, name: true, lastUsedAt: true, partner: { select: { name: true } } },
    }),
  ]);
  return {
    active,
    inUse,
    recent: recent.map((k) => ({
      keyId: k.keyId,
      name: k.name,
      partner: k.partner?.name ?? null,
      lastUsedAt: k.lastUsedAt!.toISOString(),
    })),
  };
}
